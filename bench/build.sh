#!/usr/bin/env bash
# Time builds of N synthetic records (default 20,000) with a release binary:
# wall time, CPU time and peak memory of
#   - fresh builds, each into a new directory (no previous output, page
#     hashes or tantivy index);
#   - rebuilds of the unchanged site over the previous output;
#   - rebuilds after one record was edited, and after one was added (both
#     are undone at the end).
#
#   bash bench/build.sh [N] [RUNS]
#
# The output goes to bench/out/ on the disk; TMPDIR_BUILD=/dev/shm puts it
# in memory instead. Outputs are deleted only at the end: on an ext4 without
# a journal (as on this machine) every new inode is checked against the
# inodes deleted in the last minutes, and creating tens of thousands of files
# right after deleting as many costs seconds of kernel time that a first
# build does not pay. Run the script again only a few minutes after the
# last run, or on tmpfs.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-20000}"
runs="${2:-3}"
corpus="bench/out/corpus-$n"
if [ ! -d "$corpus" ]; then
  python3 bench/gen_corpus.py "$n" "$corpus"
fi
cargo build --release --quiet
bin=target/release/gongshi
dir="${TMPDIR_BUILD:-bench/out}/build-$n"
rm -rf "$dir"
mkdir -p "$dir"
hazards=("$corpus"/content/hazards/*.yaml)
edited="${hazards[0]}"
cp "$edited" "$dir/edited.yaml"
added="$corpus/content/hazards/b99999"
trap 'cp "$dir/edited.yaml" "$edited"; rm -f "$added"?.yaml; rm -rf "$dir"' EXIT
echo "records: $n ($(find "$corpus/content" -name '*.yaml' | wc -l) files), cores: $(nproc), output: $dir"
timed() {
  /usr/bin/time -f "$1: wall %e s, CPU %U s user + %S s system, peak RSS %M KB" \
    "$bin" build "$corpus" --out "$2" --date 2026-11-22 2>&1 | grep -E "^$1"
}
for i in $(seq "$runs"); do
  sync
  timed "fresh build $i" "$dir/fresh-$i"
done
for i in $(seq "$runs"); do
  timed "rebuild $i" "$dir/fresh-1"
done
for i in $(seq "$runs"); do
  # A new sentence in the hazard's 整改措施: its page, the lists it is on,
  # its party's page, the reports of its day and the search index change.
  sed -i "s/^整改措施: .*/&（第 $i 次修改）/" "$edited"
  timed "rebuild after one edit $i" "$dir/fresh-1"
done
for i in $(seq "$runs"); do
  # A new hazard, published the day before the build date: the newest
  # record, first in every list, and every later record's search document
  # number moves by one.
  sed -e "s/^发布日期: .*/发布日期: 2026-11-21/" -e "s/^整改措施: .*/&（新增 $i）/" \
    "$dir/edited.yaml" > "$added$i.yaml"
  timed "rebuild after one addition $i" "$dir/fresh-1"
done
