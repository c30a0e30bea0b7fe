#!/usr/bin/env python3
"""Time `gongshi serve` on a synthetic site: from start to ready, and from
saving an edited record to the new generation that open pages reload on.

    python3 bench/serve_bench.py SITE_DIR [EDITS]
"""
import json, os, re, subprocess, sys, time, urllib.request

site = sys.argv[1]
edits = int(sys.argv[2]) if len(sys.argv) > 2 else 5
binary = os.environ.get("GONGSHI_BIN") or os.path.join(os.path.dirname(__file__), "..", "target", "release", "gongshi")
t0 = time.time()
proc = subprocess.Popen([binary, "serve", site, "--port", "0", "--date", "2026-11-22"], stderr=subprocess.PIPE, text=True)
port = None
for line in proc.stderr:
    m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if m:
        port = int(m.group(1))
        break
ready = time.time() - t0
print(f"serve ready after {ready:.2f} s")

def status():
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/__gongshi/status") as r:
        return json.load(r)

records = sorted(f for f in os.listdir(os.path.join(site, "content", "hazards")) if f.endswith(".yaml"))
times = []
for i in range(edits):
    path = os.path.join(site, "content", "hazards", records[i])
    gen = status()["generation"]
    text = open(path, encoding="utf-8").read()
    t1 = time.time()
    open(path, "w", encoding="utf-8").write(text.replace("整改措施: ", f"整改措施: （第{i}次修改）", 1))
    while status()["generation"] == gen:
        time.sleep(0.01)
    times.append(time.time() - t1)
    open(path, "w", encoding="utf-8").write(text)
    g = status()["generation"]
    while status()["generation"] == g:
        time.sleep(0.01)
proc.terminate()
print("save -> new generation: " + ", ".join(f"{t*1000:.0f} ms" for t in times))
