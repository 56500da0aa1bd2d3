#!/usr/bin/env bash
# Checks the check benchmarks (CheckBenchmarks, and NestedGroupBenchmarks' checks answered from the nested-group
# index) against the p90 figures recorded in Benchmarks/Thresholds (p90 time at most double, not one allocation more),
# or records them anew with `update`. The throughput benchmarks are ratios measured side by side and vary too
# much between runs on a shared machine to gate on.
#
#   Benchmarks/thresholds.sh [check|update]
set -euo pipefail
cd "$(dirname "$0")"
case "${1:-check}" in
  check)
    # package-benchmark also exits non-zero when a figure is better than recorded; only a regression fails here,
    # and each target must have been compared.
    check() {
      local output
      output=$(swift package --disable-sandbox benchmark thresholds check "$@" --path "$PWD/Thresholds" --no-progress 2>&1) || true
      echo "$output"
      if grep -q "WORSE than the defined thresholds" <<<"$output"; then return 1; fi
      grep -qE "(BETTER than|EQUAL to) the defined thresholds" <<<"$output"
    }
    check --target CheckBenchmarks --skip "Throughput.*"
    check --target NestedGroupBenchmarks --filter "Check.*index" ;;
  update)
    swift package --disable-sandbox --allow-writing-to-package-directory benchmark thresholds update \
      --target CheckBenchmarks --skip "Throughput.*" --no-progress
    swift package --disable-sandbox --allow-writing-to-package-directory benchmark thresholds update \
      --target NestedGroupBenchmarks --filter "Check.*index" --no-progress
    # package-benchmark 1.38 writes names with spaces turned into '_' but reads them as they are: name the files as
    # they are read (the benchmark names hold no '_').
    for file in Thresholds/*_*; do mv "$file" "${file//_/ }"; done ;;
  *) echo "usage: $0 [check|update]" >&2; exit 2 ;;
esac
