#!/usr/bin/env bash
# Cost per record at several sizes, and how much of the output one new
# record changes: for each N (default 5000 50000 200000), a fresh build of
# N synthetic records with a release binary — wall time, CPU time, peak
# memory, files and bytes of the output, and the time per record against
# the first size — then one record added and the site rebuilt over that
# output: the files and bytes that changed, and the rebuild's time.
#
#   bash bench/scale.sh [N ...]
#
# Outputs go to TMPDIR_BUILD (default /dev/shm) and are deleted at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ "${#sizes[@]}" -gt 0 ] || sizes=(5000 50000 200000)
cargo build --release --quiet
bin=$PWD/target/release/gongshi
tmp="${TMPDIR_BUILD:-/dev/shm}/gongshi-scale"
rm -rf "$tmp"
mkdir -p "$tmp"
first_per=""
printf '%8s %9s %9s %9s %9s %10s %9s %9s %14s %9s\n' records wall_s cpu_s peak_MiB files out_MB ms_per_rec vs_first 'changed(f,B)' rebuild_s
for n in "${sizes[@]}"; do
  corpus="bench/out/corpus-$n"
  [ -d "$corpus" ] || python3 bench/gen_corpus.py "$n" "$corpus" >/dev/null
  site="$tmp/site-$n"
  cp -r "$corpus" "$site"
  # The default limit of record files is 200,000.
  grep -q '^限制:' "$site/content/site.yaml" || echo '限制: {记录数: 1000000}' >> "$site/content/site.yaml"
  out="$tmp/out-$n"
  /usr/bin/time -o "$tmp/time" -f "%e %U %S %M" "$bin" build "$site" --out "$out" --date 2026-11-22 >/dev/null 2>&1
  t=$(tail -1 "$tmp/time")
  read -r wall user sys kb <<<"$t"
  files=$(find "$out" -type f | wc -l)
  bytes=$(du -sb "$out" | cut -f1)
  # The previous output, kept by hard links: what the rebuild rewrites is
  # compared with it by content.
  cp -al "$out" "$tmp/prev-$n"
  # One record more: a copy of the newest case under a new id.
  one=$(ls "$site/content/cases" | tail -1)
  sed 's/^发布日期: .*/发布日期: 2026-11-21/' "$site/content/cases/$one" > "$site/content/cases/zz-new-$n.yaml"
  /usr/bin/time -o "$tmp/time" -f "%e" "$bin" build "$site" --out "$out" --date 2026-11-22 >/dev/null 2>&1
  t2=$(tail -1 "$tmp/time")
  changed=$(python3 - "$tmp/prev-$n" "$out" <<'PY'
import os, sys
prev, out = sys.argv[1], sys.argv[2]
def files(root):
    d = {}
    for dp, dn, fn in os.walk(root):
        dn[:] = [x for x in dn if not x.startswith('.')]
        for f in fn:
            if not f.startswith('.'):
                p = os.path.join(dp, f)
                d[os.path.relpath(p, root)] = p
    return d
a, b = files(prev), files(out)
changed, nbytes, total = 0, 0, 0
for rel, p in b.items():
    st = os.stat(p)
    total += st.st_size
    q = a.get(rel)
    if q is not None and (os.stat(q).st_ino == st.st_ino or open(q, 'rb').read() == open(p, 'rb').read()):
        continue
    changed += 1
    nbytes += st.st_size
changed += sum(1 for rel in a if rel not in b)
print(f"{100*changed/max(1,len(b)):.1f}%,{100*nbytes/max(1,total):.1f}%")
PY
)
  rm -rf "$tmp/prev-$n"
  per=$(python3 -c "print(round(($user+$sys)*1000/$n, 3))")
  [ -n "$first_per" ] || first_per=$per
  ratio=$(python3 -c "print(round($per/$first_per, 2))")
  printf '%8s %9s %9s %9s %9s %10s %9s %9s %14s %9s\n' "$n" "$wall" "$(python3 -c "print(round($user+$sys,1))")" "$((kb / 1024))" "$files" "$((bytes / 1000000))" "$per" "$ratio" "$changed" "$t2"
  rm -rf "$site" "$out"
done
rm -rf "$tmp"
