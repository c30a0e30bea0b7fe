#!/usr/bin/env python3
"""How much of an output changed against an earlier one, by content.

    python3 bench/churn.py PREV OUT [--by-dir]

Prints `files%,bytes%`: the files of OUT that are new or differ from PREV
plus the files of PREV that are gone, against the files of OUT; and the
bytes of the new or differing files against the bytes of OUT. Hidden files
(the output marker) are left out. With --by-dir, also a line per top-level
directory: changed files / files, changed bytes.
"""
import os
import sys


def files(root):
    found = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith('.')]
        for f in filenames:
            if not f.startswith('.'):
                p = os.path.join(dirpath, f)
                found[os.path.relpath(p, root)] = p
    return found


def same(p, q):
    a, b = os.stat(p), os.stat(q)
    if a.st_ino == b.st_ino and a.st_dev == b.st_dev:
        return True
    if a.st_size != b.st_size:
        return False
    with open(p, 'rb') as x, open(q, 'rb') as y:
        return x.read() == y.read()


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    by_dir = '--by-dir' in sys.argv
    prev, out = files(args[0]), files(args[1])
    changed = nbytes = total = 0
    dirs = {}
    def top(rel):
        return rel.split(os.sep)[0] if os.sep in rel else '(root)'
    for rel, p in out.items():
        size = os.stat(p).st_size
        total += size
        d = dirs.setdefault(top(rel), [0, 0, 0, 0])
        d[1] += 1
        d[3] += size
        q = prev.get(rel)
        if q is not None and same(q, p):
            continue
        changed += 1
        nbytes += size
        d[0] += 1
        d[2] += size
    for rel in prev:
        if rel not in out:
            changed += 1
            dirs.setdefault(top(rel), [0, 0, 0, 0])[0] += 1
    if by_dir:
        for name, (c, n, b, t) in sorted(dirs.items(), key=lambda kv: -kv[1][0]):
            print(f"  {name:<16} {c:>7} / {n:<7} files  {b/1e6:8.2f} / {t/1e6:.2f} MB")
    print(f"{100*changed/max(1, len(out)):.1f}%,{100*nbytes/max(1, total):.1f}%")


main()
