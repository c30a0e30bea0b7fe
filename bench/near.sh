#!/usr/bin/env bash
# The forgiving search on the synthetic site of N records (default 20,000):
# recall on misremembered company names (有限 left out, city prefix left
# out, 公司/有限公司 swapped, 市 left out) and the gzipped bytes of the
# first and later queries, in headless Chromium.
#
#   bash bench/near.sh [N] [NAMES]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-20000}"
names="${2:-60}"
corpus="bench/out/corpus-$n"
site="bench/out/near-site-$n"
[ -d "$corpus" ] || python3 bench/gen_corpus.py "$n" "$corpus"
bash tools/install-test-deps.sh
cargo build --release --quiet
rm -rf "$site"
target/release/gongshi build "$corpus" --out "$site" --date 2026-11-22 2>/dev/null
node bench/near_bench.js "$site" "$names"
