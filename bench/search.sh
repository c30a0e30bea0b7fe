#!/usr/bin/env bash
# gongshi's static search against Pagefind over the same built site of N
# synthetic records (default 20,000): index size and files, index build
# time, gzipped bytes a visitor downloads for the first and later queries,
# and time to results in headless Chromium. Pagefind is installed for the
# benchmark only (PyPI, in bench/out/venv), never a dependency.
#
#   bash bench/search.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-20000}"
corpus="bench/out/corpus-$n"
site="bench/out/search-site-$n"
[ -d "$corpus" ] || python3 bench/gen_corpus.py "$n" "$corpus"
bash tools/install-test-deps.sh
cargo build --release --quiet
rm -rf "$site"
t0=$(date +%s.%N)
target/release/gongshi build "$corpus" --out "$site" --date 2026-11-22 2>/dev/null
t1=$(date +%s.%N)
echo "gongshi: whole site built in $(python3 -c "print(round($t1-$t0,2))") s"
echo "gongshi index: $(find "$site/search" -type f | wc -l) files, $(du -sk --apparent-size "$site/search" | cut -f1) KB"
if [ ! -x bench/out/venv/bin/python ]; then
  python3 -m venv bench/out/venv
  bench/out/venv/bin/pip install --quiet 'pagefind[extended]'
fi
t0=$(date +%s.%N)
bench/out/venv/bin/python -m pagefind --site "$site" --force-language zh-cn >/dev/null
t1=$(date +%s.%N)
echo "pagefind: index built in $(python3 -c "print(round($t1-$t0,2))") s"
echo "pagefind index: $(find "$site/pagefind" -type f | wc -l) files, $(du -sk "$site/pagefind" | cut -f1) KB"
node bench/search_bench.js "$site" 安全阀 气瓶 "基市监罚〔2025〕6830号" 报警装置 压力表 液化石油气 基准01844机械有限公司 "气瓶 液化石油气" 储罐安全阀 液化石油罐 锅炉水位管道 市场监督管理局
# Later searches for 200 random terms of six to eight, nine to twelve and
# thirteen to fourteen characters (the longest runs of the corpus).
node bench/search_terms.js "$site" "$corpus" 200
node bench/search_terms.js "$site" "$corpus" 200 9 12
node bench/search_terms.js "$site" "$corpus" 200 13 14
