#!/usr/bin/env bash
# Peak memory of a build of the largest inputs the limits allow: N records
# (default 8) of just under the file size limit (1 MiB), their text in one
# Markdown field, in a copy of the test fixture site. Measured with
# /usr/bin/time -v (maximum resident set size), never asserted in a test.
#
#   bash bench/memory.sh [N] [KIND]     KIND: prose (default) or digits
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-8}"
kind="${2:-prose}"
cargo build --release --quiet
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
cp -r tests/fixtures/base "$dir/site"
python3 - "$dir/site" "$n" "$kind" <<'PY'
import random, sys
site, n, kind = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rng = random.Random(7)
# Common characters of the records, so that the text has many distinct
# n-grams, as a long real report would.
chars = "安全生产特种设备气瓶充装检验检测锅炉压力容器电梯起重机械管道企业单位责任整改隐患排查治理监督检查执法处罚罚款责令停产整顿关闭取缔事故调查报告制度落实培训人员作业现场管理部门市场监管应急消防燃气化工危险化学品"
limit = 1024 * 1024 - 4096
for i in range(n):
    head = f"""发布日期: 2022-01-20
标题: 测试市市场监督管理局对测试燃气有限公司大记录{i}案
关键词: [气瓶, 充装, 检验]
要旨: 要旨。
检查主体: 测试市市场监督管理局
当事人:
  名称: 测试燃气有限公司
  统一社会信用代码: 91210381MA0TAX0017
  类型: 企业
处理结果:
  措施: [行政处罚]
案例剖析:
  责任落实: 剖析。
举一反三工作建议: [建议一]
基本案情: |
"""
    body = []
    size = len(head.encode())
    while size < limit:
        if kind == "digits":
            line = "  " + " ".join(str(rng.randrange(10**9)) for _ in range(8)) + "\n"
        else:
            line = "  " + "".join(rng.choice(chars) for _ in range(60)) + "。\n"
        size += len(line.encode())
        if size >= limit:
            break
        body.append(line)
    with open(f"{site}/content/cases/big-{i:02}.yaml", "w") as f:
        f.write(head + "".join(body))
PY
du -sh "$dir/site/content/cases" | sed 's/^/input: /'
/usr/bin/time -v target/release/gongshi build "$dir/site" --out "$dir/out" --date 2022-02-15 2>&1 \
  | grep -E "Maximum resident|Elapsed|已生成|错误" || true
