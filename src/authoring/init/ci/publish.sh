#!/bin/sh
# 检查、生成并发布到对象存储（主分支每次推送，以及每天 00:10 北京时间的定时运行：
# 定时发布的记录按时公开，公示期满的按时下线）。需要的环境变量见 .gitlab-ci.yml 开头。
set -eu
cd "$(dirname "$0")/.."
. ci/gongshi.sh
: "${GONGSHI_DEPLOY_TO:?请设置 GONGSHI_DEPLOY_TO，例如 s3://存储桶/前缀}"
gongshi check .
gongshi build .
gongshi deploy . --to "$GONGSHI_DEPLOY_TO"
