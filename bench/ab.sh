#!/usr/bin/env bash
# Compare two gongshi binaries on the same corpus: fresh builds into tmpfs,
# alternating A and B so that a machine whose speed drifts (this one's
# often varies by 10% from one build to the next) weighs on both alike.
# Prints each run, then per binary the range and median of wall time, CPU
# time (user + system) and peak memory.
#
#   bash bench/ab.sh ROUNDS BIN_A BIN_B [N]
#
# e.g. keep the binary of main, build a change, and compare:
#   cp target/release/gongshi /tmp/gongshi-main
#   bash bench/ab.sh 8 /tmp/gongshi-main target/release/gongshi
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:?rounds}"
a="${2:?binary A}"
b="${3:?binary B}"
n="${4:-20000}"
corpus="bench/out/corpus-$n"
if [ ! -d "$corpus" ]; then
  python3 bench/gen_corpus.py "$n" "$corpus"
fi
tmp="${TMPDIR_AB:-/dev/shm}"
out="$tmp/gongshi-ab"
log="$(mktemp)"
trap 'rm -rf "$out" "$tmp/.gongshi-ab".* "$log"' EXIT
for _ in $(seq "$rounds"); do
  for bin in "$a" "$b"; do
    rm -rf "$out" "$tmp/.gongshi-ab".*
    /usr/bin/time -f "$bin %e %U %S %M" -o "$log.one" \
      "$bin" build "$corpus" --out "$out" --date 2026-11-22 >/dev/null 2>&1
    tail -1 "$log.one" | tee -a "$log"
  done
done
rm -f "$log.one"
python3 - "$log" "$a" "$b" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
for bin in sys.argv[2:]:
    r = [x for x in rows if x[0] == bin]
    wall = [float(x[1]) for x in r]
    cpu = [float(x[2]) + float(x[3]) for x in r]
    peak = [int(x[4]) / 1024 for x in r]
    print(f"{bin}: wall {min(wall):.2f}–{max(wall):.2f} s (median {statistics.median(wall):.2f}), "
          f"CPU median {statistics.median(cpu):.2f} s, "
          f"peak {min(peak):.0f}–{max(peak):.0f} MiB (median {statistics.median(peak):.0f})")
EOF
