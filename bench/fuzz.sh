#!/usr/bin/env bash
# Fuzz the loader, validator and Markdown renderer for a set time: the
# properties of tests/fuzz.rs with many more cases, in rounds until the
# time is up (default 5 minutes). A failing input is printed by proptest;
# add it to tests/fuzz.rs as a regression test named after what it found.
#
#   bash bench/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-300}"
end=$(( $(date +%s) + seconds ))
round=0
cargo test --release --test fuzz --no-run --quiet
while [ "$(date +%s)" -lt "$end" ]; do
  round=$((round + 1))
  PROPTEST_CASES=20000 PROPTEST_RNG_SEED=$RANDOM$round cargo test --release --quiet --test fuzz 2>&1 | grep -E "test result|panicked|minimal failing input" || true
done
echo "fuzzed for ${seconds}s in $round rounds"
