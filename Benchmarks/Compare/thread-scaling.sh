#!/usr/bin/env bash
# How `warden bench` throughput scales from one thread to two on a package's model, with the cross-request cache
# and without: ROUNDS alternating runs of each (3 s apiece), then the medians' ratio and each round's. What the
# README's "2 threads vs 1" figures were measured with.
#
# Each round also runs two one-thread processes at once (nothing shared but the machine) and sums their rates:
# what this machine gives two threads at that moment. A shared 2-vCPU VM often gives less than 2× (a busy loop
# alone measured 1.46–1.90× there), so a round's ratio is read against that one.
#
# Last, requests per CPU-second (the processor time the sending threads ran, which `warden bench` reports): with two
# threads over one, what the code keeps per core when it runs on two, whatever share of the machine it was given.
# 1.00 is perfect scaling; it is the figure a noisy machine moves least.
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
# "RATE PER-CPU-SECOND" of one run.
measure() {
  "$warden" bench "$model" --threads "$1" --duration 3s "${@:2}" 2>&1 \
    | awk '/requests\/s/ { for (i = 1; i < NF; i++) if ($(i + 1) == "requests/s") rate = $i }
           /requests per CPU-second/ { for (i = 1; i < NF; i++) if ($(i + 1) == "requests") cpu = $i }
           END { print rate, cpu }'
}
rate() { measure "$@" | cut -d' ' -f1; }
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
  one=(); two=(); pairs=(); cpuOne=(); cpuTwo=()
  for _ in $(seq "$rounds"); do
    read -r rateOne perCPU < <(measure 1 "${flags[@]}")
    one+=("$rateOne"); cpuOne+=("$perCPU")
    read -r rateTwo perCPU < <(measure 2 "${flags[@]}")
    two+=("$rateTwo"); cpuTwo+=("$perCPU")
    pairs+=("$(pair "${flags[@]}")")
  done
  python3 - "$mode" "${one[*]}" "${two[*]}" "${pairs[*]}" "${cpuOne[*]}" "${cpuTwo[*]}" <<'PY'
import statistics, sys
mode = sys.argv[1]
one, two, pairs, cpu_one, cpu_two = ([int(x) for x in argument.split()] for argument in sys.argv[2:7])
print(f"{mode}: 1 thread {statistics.median(one):.0f}/s, 2 threads {statistics.median(two):.0f}/s, "
      f"ratio of medians {statistics.median(two) / statistics.median(one):.2f} "
      f"(rounds: {' '.join(f'{b / a:.2f}' for a, b in zip(one, two))}); "
      f"two one-thread processes {statistics.median(pairs) / statistics.median(one):.2f} "
      f"(rounds: {' '.join(f'{p / a:.2f}' for a, p in zip(one, pairs))})")
if len(cpu_one) == len(one) and len(cpu_two) == len(two):  # an older binary does not report CPU time
    print(f"{mode}: per CPU-second 1 thread {statistics.median(cpu_one):.0f}, 2 threads {statistics.median(cpu_two):.0f}, "
          f"kept per core {statistics.median(cpu_two) / statistics.median(cpu_one):.3f} "
          f"(rounds: {' '.join(f'{b / a:.3f}' for a, b in zip(cpu_one, cpu_two))})")
PY
done
