#!/usr/bin/env python3
"""Time `gongshi serve` on a synthetic site: from start to the home page
served, and from saving an edited record to its page served with the edit
(what a browser gets when live reload fetches the page again).

    python3 bench/serve_bench.py SITE_DIR [EDITS]

VERBOSE=1 also prints the server's stage timings (`serve -v`).
"""
import http.client, json, os, re, subprocess, sys, threading, time

site = sys.argv[1]
edits = int(sys.argv[2]) if len(sys.argv) > 2 else 5
verbose = bool(os.environ.get("VERBOSE"))
binary = os.environ.get("GONGSHI_BIN") or os.path.join(os.path.dirname(__file__), "..", "target", "release", "gongshi")
args = [binary, "serve", site, "--port", "0", "--date", "2026-11-22"] + (["-v"] if verbose else [])
t0 = time.time()
proc = subprocess.Popen(args, stderr=subprocess.PIPE, text=True)
port = None
for line in proc.stderr:
    if verbose:
        sys.stderr.write(line)
    m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if m:
        port = int(m.group(1))
        break
# Keep draining the server's messages, so that it never blocks on them.
threading.Thread(target=lambda: [sys.stderr.write(l) if verbose else None for l in proc.stderr], daemon=True).start()
conn = http.client.HTTPConnection("127.0.0.1", port)

def get(path):
    conn.request("GET", path)
    r = conn.getresponse()
    return r.status, r.read().decode("utf-8", "replace")

status, _ = get("/")
ready = time.time() - t0
print(f"serve ready (home page served) after {ready:.2f} s")

def wait_for(path, marker, present=True):
    while (marker in get(path)[1]) != present:
        time.sleep(0.002)

hazards = os.path.join(site, "content", "hazards")
records = sorted(f for f in os.listdir(hazards) if f.endswith(".yaml"))
times = []
for i in range(edits):
    name = records[i * 7]
    path = os.path.join(hazards, name)
    page = f"/hazards/{name[:-5]}.html"
    marker = f"（第{i}次修改）"
    text = open(path, encoding="utf-8").read()
    assert "整改措施: " in text, path
    get(page)
    t1 = time.time()
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace("整改措施: ", "整改措施: " + marker, 1))
    wait_for(page, marker)
    times.append(time.time() - t1)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    wait_for(page, marker, present=False)
    time.sleep(0.3)
# The same in a browser: the page open in headless Chromium reloads by
# itself (live reload) and shows the edit.
live = os.path.join(os.path.dirname(__file__), "..", "tools", "web", "live.js")
browser = None
if os.path.isdir(os.path.join(os.path.dirname(live), "node_modules", "playwright-core")) and os.path.exists("/usr/bin/chromium"):
    name = records[1]
    out = subprocess.run(["node", live, f"http://127.0.0.1:{port}/", f"hazards/{name[:-5]}.html",
                          os.path.join(hazards, name), "整改措施: ", str(edits)], capture_output=True, text=True)
    try:
        browser = json.loads(out.stdout)
    except ValueError:
        print("browser run failed:", out.stdout, out.stderr)
proc.terminate()
times_ms = [t * 1000 for t in times]
print("save -> page served with the edit: " + ", ".join(f"{t:.0f} ms" for t in times_ms))
print(f"median {sorted(times_ms)[len(times_ms) // 2]:.0f} ms, max {max(times_ms):.0f} ms")
if browser:
    b = browser["shown_ms"]
    print(f"save -> page in Chromium showing the edit ({browser['in_place']} of {len(b)} in place, the others reloaded): "
          + ", ".join(f"{t} ms" for t in b))
    if b:
        print(f"median {sorted(b)[len(b) // 2]} ms, max {max(b)} ms; overlay shown: {browser['overlay']}, cleared: {browser['recovered']}")
