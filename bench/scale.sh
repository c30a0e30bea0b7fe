#!/usr/bin/env bash
# Cost per record at several sizes, and how much of the output one record
# changes: for each N (default 5000 50000 200000), a fresh build of N
# synthetic records with a release binary — wall time, CPU time, peak
# memory, files and bytes of the output, and the time per record against
# the first size — then a rebuild with nothing changed, one record added,
# one edited, one withdrawn, one recent record withdrawn and one old case
# (a record with long text) withdrawn, the site rebuilt over its output
# after each: the share of files and of bytes that changed
# (bench/churn.py), and the rebuild's time against the fresh build's.
#
# Each change is made three times, to three different records, and
# rebuilt after each: the largest share of files and bytes, and the
# median time. The fresh build is timed three times too (the median is
# the one compared with): a rebuild of a small site takes under half a
# second, where a tenth of a second of jitter would be five points.
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
printf '%8s %9s %9s %9s %9s %10s %9s %9s  %s\n' records wall_s cpu_s peak_MiB files out_MB ms_per_rec vs_first 'change:files%,bytes%,rebuild=share_of_fresh'

for n in "${sizes[@]}"; do
  corpus="bench/out/corpus-$n"
  [ -d "$corpus" ] || python3 bench/gen_corpus.py "$n" "$corpus" >/dev/null
  site="$tmp/site-$n"
  cp -r "$corpus" "$site"
  # A fresh build: no output and no records kept by an earlier build.
  rm -rf "$site/.gongshi-cache"
  # The default limit of record files is 200,000.
  grep -q '^限制:' "$site/content/site.yaml" || echo '限制: {记录数: 1000000}' >> "$site/content/site.yaml"
  out="$tmp/out-$n"
  # Three fresh builds, each into a new output: the median's figures.
  runs=""
  for k in 1 2 3; do
    rm -rf "$out" "$tmp/.out-$n".* "$site/.gongshi-cache"
    /usr/bin/time -o "$tmp/time" -f "%e %U %S %M" "$bin" build "$site" --out "$out" --date 2026-11-22 >/dev/null 2>&1
    runs="$runs$(tail -1 "$tmp/time")\n"
  done
  t=$(printf "$runs" | sort -n | sed -n 2p)
  read -r wall user sys kb <<<"$t"
  files=$(find "$out" -type f | wc -l)
  bytes=$(du -sb "$out" | cut -f1)
  # Five changes, each rebuilt over the output before it and compared
  # with it by content (bench/churn.py): one record added to the largest
  # kind (a copy of an action, published the day before the build), one
  # edited (a sentence added to a record of two years before), one
  # withdrawn (another old record), one recent record withdrawn, and one
  # old typical case withdrawn: a case has several paragraphs, so about
  # twice an action's distinct search keys, each in its own shard. Each
  # is made to three records in turn (`$1`: 1, 2, 3).
  add() {
    local one
    one=$(ls "$site/content/actions" | grep -v '^zz-new' | tail -"$1" | head -1)
    sed 's/^发布日期: .*/发布日期: 2026-11-21/; s/^\(决定书文号: .*\)号$/\1号之'"$1"'/' "$site/content/actions/$one" > "$site/content/actions/zz-new-$n-$1.yaml"
  }
  old_record() {
    grep -l '^发布日期: 2024-11' "$site"/content/actions/*.yaml | sed -n "${1}p"
  }
  edit() {
    local f
    f=$(old_record "$((2 * $1 - 1))")
    sed -i 's/^原因: \(.*\)$/原因: \1另查明压力表未按期校验。/' "$f"
  }
  # Record file $1 withdrawn on day $2.
  withdrawn() {
    sed -i "1i 状态: 已撤回\\n撤回: {日期: $2, 原因: 决定已依法撤销。}" "$1"
  }
  withdraw() {
    withdrawn "$(old_record "$((2 * $1))")" 2026-11-20
  }
  # A record of this month (in the small search tier).
  withdraw_recent() {
    withdrawn "$(grep -l '^发布日期: 2026-11-1' "$site"/content/actions/*.yaml | grep -v zz-new | sed -n "${1}p")" 2026-11-21
  }
  withdraw_case() {
    withdrawn "$(grep -l '^发布日期: 2024-1' "$site"/content/cases/*.yaml | sed -n "${1}p")" 2026-11-20
  }
  # A rebuild with nothing changed comes first: it leaves the working
  # tree that every later rebuild starts from (.public.spare; the first
  # rebuild after a fresh build makes a new tree of links instead).
  again() { :; }
  changes=""
  for change in again add edit withdraw withdraw_recent withdraw_case; do
    rounds=3
    [ "$change" != again ] || rounds=1
    worst="0.0,0.0"
    times=""
    for k in $(seq 1 "$rounds"); do
      cp -al "$out" "$tmp/prev-$n"
      "$change" "$k"
      /usr/bin/time -o "$tmp/time" -f "%e" "$bin" build "$site" --out "$out" --date 2026-11-22 >/dev/null 2>&1
      worst=$(python3 -c "
a = [float(x) for x in '$worst'.split(',')]
b = [float(x) for x in '$(python3 bench/churn.py "$tmp/prev-$n" "$out" | tr -d '%')'.split(',')]
print(','.join(str(max(x, y)) for x, y in zip(a, b)))")
      times="$times$(tail -1 "$tmp/time")\n"
      rm -rf "$tmp/prev-$n"
    done
    t=$(printf "$times" | sort -n | sed -n "$(( (rounds + 1) / 2 ))p")
    share=$(python3 -c "print(round(100 * $t / $wall))")
    changes="$changes $change:${worst/,/%,}%,${t}s=${share}%"
  done
  per=$(python3 -c "print(round(($user+$sys)*1000/$n, 3))")
  [ -n "$first_per" ] || first_per=$per
  ratio=$(python3 -c "print(round($per/$first_per, 2))")
  printf '%8s %9s %9s %9s %9s %10s %9s %9s %s\n' "$n" "$wall" "$(python3 -c "print(round($user+$sys,1))")" "$((kb / 1024))" "$files" "$((bytes / 1000000))" "$per" "$ratio" "$changes"
  rm -rf "$site" "$out"
done
rm -rf "$tmp"
