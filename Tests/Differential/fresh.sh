#!/usr/bin/env bash
# Fresh differential run: label COUNT new random cases with fga (seed SEED), then run Warden over them.
#   Tests/Differential/fresh.sh 300 99        (OUT=DIR keeps the labelled cases in DIR)
# Prints Warden's summary over the labelled files, and how many OpenFGA errors Warden matched.
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${1:-200}
seed=${2:-99}
out=${OUT:-$(mktemp -d)}
[ -n "${OUT:-}" ] || trap 'rm -rf "$out"' EXIT
python3 Tests/Differential/generate.py --count "$count" --seed "$seed" --out "$out"
warden=${WARDEN:-.build/debug/warden}
files=()
for file in "$out"/case-*.fga.yaml; do
    case "$file" in *.errors.fga.yaml) ;; *) files+=("$file") ;; esac
done
"$warden" model test --tests "${files[@]}" | tail -5 || true
errors=0; matched=0
for file in "$out"/case-*.errors.fga.yaml; do
    [ -e "$file" ] || continue
    total=$(grep -c "^ⅹ" <("$warden" model test --tests "$file") || true)
    expected=$(python3 -c "import yaml,sys; d=yaml.safe_load(open(sys.argv[1])); print(sum(len(c['assertions']) for c in d['tests'][0]['check']))" "$file")
    errors=$((errors + expected))
    matched=$((matched + $(("$warden" model test --tests "$file" || true) | grep -c "got=error" || true)))
done
refused=0; refusedMatched=0
for model in "$out"/refused/*.fga; do
    [ -e "$model" ] || continue
    refused=$((refused + 1))
    if ! "$warden" model validate "$model" >/dev/null 2>&1; then refusedMatched=$((refusedMatched + 1)); fi
done
echo "OpenFGA errors answered with an error by Warden: $matched/$errors; models OpenFGA refused that Warden refuses: $refusedMatched/$refused"
