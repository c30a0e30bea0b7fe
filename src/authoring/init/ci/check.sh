#!/bin/sh
# 检查全部记录（每次推送、每个合并请求）。由 .gitlab-ci.yml、.github/workflows/gongshi.yml 调用，也可在本机运行。
set -eu
cd "$(dirname "$0")/.."
. ci/gongshi.sh
gongshi check .
