#!/usr/bin/env bash
# Load on `warden serve` with wrk (Debian's wrk), server and load generator sharing this machine's cores:
# checks at 64 connections, batch-checks of 50, and a 95% check / 5% write mix, on generated warehouse data
# (100 warehouses with a manager each, 100,000 products). Prints wrk's throughput and latency percentiles.
#
#   Benchmarks/Server/load.sh [DURATION_SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-10}
warden=.build/release/warden
[ -x "$warden" ] || swift build -c release --product warden
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
data=$(mktemp -d)
trap 'kill -TERM ${server:-0} 2>/dev/null || true; rm -rf "$data"' EXIT
"$warden" store create load --data "$data" >/dev/null
"$warden" model write models/warehouse/model.fga --data "$data" --store load >/dev/null
python3 - "$data/tuples.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as out:
    for w in range(100):
        out.write(json.dumps({"user": f"user:m{w}", "relation": "manager", "object": f"warehouse:w{w}"}) + "\n")
    for p in range(100_000):
        out.write(json.dumps({"user": f"warehouse:w{p % 100}", "relation": "warehouse", "object": f"product:p{p}"}) + "\n")
PY
"$warden" tuple import "$data/tuples.jsonl" --data "$data" --store load
store=$("$warden" store list --data "$data" | awk '$2 == "load" { print $1 }')
port=18090
"$warden" serve --data "$data" --addr "127.0.0.1:$port" 2>/dev/null &
server=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
url="http://127.0.0.1:$port"
echo "=== check, 64 connections, ${duration}s"
wrk -t2 -c64 -d"${duration}s" --latency -s Benchmarks/Server/check.lua "$url" -- "$store"
echo "=== batch-check of 50, 16 connections, ${duration}s"
wrk -t2 -c16 -d"${duration}s" --latency -s Benchmarks/Server/check.lua "$url" -- "$store" 50
echo "=== 95% check / 5% write, 64 connections, ${duration}s"
wrk -t2 -c64 -d"${duration}s" --latency -s Benchmarks/Server/mixed.lua "$url" -- "$store"
