#!/usr/bin/env bash
# Time a full build of N synthetic records (default 20,000) with a release
# binary: wall time and peak memory of a fresh build into an empty directory
# (three runs) and of a rebuild over the previous output.
#
#   bash bench/build.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-20000}"
corpus="bench/out/corpus-$n"
if [ ! -d "$corpus" ]; then
  python3 bench/gen_corpus.py "$n" "$corpus"
fi
cargo build --release --quiet
bin=target/release/gongshi
echo "records: $n ($(find "$corpus/content" -name '*.yaml' | wc -l) files), cores: $(nproc)"
for i in 1 2 3 4 5; do
  out="bench/out/fresh-$n-$i"
  # A fresh build: no previous output, page hashes or tantivy index.
  rm -rf "$out" "bench/out/.fresh-$n-$i".*
  sync
  /usr/bin/time -f "fresh build $i: wall %e s, peak RSS %M KB" "$bin" build "$corpus" --out "$out" --date 2026-11-22 2>&1 | grep -E "^fresh|已生成"
done
for i in 1 2 3; do
  /usr/bin/time -f "rebuild $i: wall %e s, peak RSS %M KB" "$bin" build "$corpus" --out "bench/out/fresh-$n-1" --date 2026-11-22 2>&1 | grep -E "^rebuild"
done
for i in 2 3 4 5; do rm -rf "bench/out/fresh-$n-$i" "bench/out/.fresh-$n-$i".*; done
