#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what the tests need when it is
# missing (Debian packages, as root), then formatting, lints and every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-test-deps.sh
cargo fmt --all -- --check
cargo clippy --all-targets --quiet -- -D warnings
# Every test runs: a missing tool fails its test instead of skipping it.
GONGSHI_REQUIRE_TOOLS=1 cargo test --all-targets
