#!/usr/bin/env bash
# How `warden bench` throughput scales from one thread to two on a package's model, with the cross-request cache
# and without: ROUNDS alternating runs of each (3 s apiece), then the medians' ratio and each round's. What the
# README's "2 threads vs 1" figures were measured with.
#
# Each round also runs two one-thread processes at once (nothing shared but the machine) and sums their rates:
# what this machine gives two threads at that moment. A shared 2-vCPU VM often gives less than 2× (a busy loop
# alone measured 1.46–1.90× there), so a round's ratio is read against that one.
#
#   Benchmarks/Compare/thread-scaling.sh [ROUNDS] [MODEL] [WARDEN]
#       ROUNDS default 4; MODEL default models/warehouse/model.fga.yaml; WARDEN default the release build
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rounds=${1:-4}
model=${2:-$root/models/warehouse/model.fga.yaml}
warden=${3:-}
if [[ -z "$warden" ]]; then
  (cd "$root" && swift build -c release --static-swift-stdlib --product warden >/dev/null)
  warden="$root/.build/release/warden"
fi
rate() { "$warden" bench "$model" --threads "$1" --duration 3s "${@:2}" 2>&1 | grep -oE "[0-9]+ requests/s" | cut -d' ' -f1; }
# Two one-thread processes at once: their rates summed.
pair() {
  local other
  other=$(mktemp)
  rate 1 "$@" >"$other" &
  local mine
  mine=$(rate 1 "$@")
  wait
  echo $((mine + $(cat "$other")))
  rm -f "$other"
}
for mode in cache no-cache; do
  flags=()
  [[ $mode == no-cache ]] && flags=(--no-cache)
  one=(); two=(); pairs=()
  for _ in $(seq "$rounds"); do
    one+=("$(rate 1 "${flags[@]}")")
    two+=("$(rate 2 "${flags[@]}")")
    pairs+=("$(pair "${flags[@]}")")
  done
  python3 - "$mode" "${one[*]}" "${two[*]}" "${pairs[*]}" <<'PY'
import statistics, sys
mode = sys.argv[1]
one, two, pairs = ([int(x) for x in argument.split()] for argument in sys.argv[2:5])
print(f"{mode}: 1 thread {statistics.median(one):.0f}/s, 2 threads {statistics.median(two):.0f}/s, "
      f"ratio of medians {statistics.median(two) / statistics.median(one):.2f} "
      f"(rounds: {' '.join(f'{b / a:.2f}' for a, b in zip(one, two))}); "
      f"two one-thread processes {statistics.median(pairs) / statistics.median(one):.2f} "
      f"(rounds: {' '.join(f'{p / a:.2f}' for a, p in zip(one, pairs))})")
PY
done
