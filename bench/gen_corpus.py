#!/usr/bin/env python3
"""Generate a synthetic site of N records in the content format.

    python3 bench/gen_corpus.py N OUT_DIR [--seed S]

Records are spread over every kind like a real bureau's output (mostly
enforcement actions and hazards), parties repeat (about 1 party per 4 records)
and carry valid 统一社会信用代码. Deterministic for a given seed.
"""
import os
import random
import sys

CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
TOWNS = ["城关镇", "东湖街道", "西河镇", "南山乡", "北岭镇", "临河镇", "青石街道", "白沙乡"]
SECTORS = ["特种设备", "危险化学品", "燃气", "非煤矿山", "消防", "建筑施工"]
EQUIP = ["锅炉", "压力容器", "压力管道", "气瓶", "电梯", "起重机械", "大型游乐设施", "场（厂）内专用机动车辆"]
WORDS = ["安全阀", "压力表", "液化石油气", "充装", "超期未检", "无证上岗", "维保", "报警装置", "储罐", "管道", "防爆", "叉车",
         "电梯困人", "限速器", "起重机", "钢丝绳", "锅炉水位", "隐患排查", "应急预案", "台账"]
MEASURES = ["责令限期整改", "行政处罚", "停产整顿", "暂扣吊销证照", "关闭取缔"]


def credit_code(rng):
    body = "91" + "".join(rng.choice("0123456789") for _ in range(6)) + "".join(rng.choice(CHARS) for _ in range(9))
    s = sum(CHARS.index(c) * w for c, w in zip(body, WEIGHTS))
    return body + CHARS[(31 - s % 31) % 31]


def date(rng, start=2023, end=2026):
    y = rng.randint(start, end)
    return f"{y}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def text(rng, n):
    return "，".join("".join(rng.sample(WORDS, 3)) for _ in range(n)) + "。"


def party(rng, parties):
    name, code = rng.choice(parties)
    return f"  名称: {name}\n  统一社会信用代码: {code}\n  类型: 企业\n"


def write(out, kind, rid, body):
    d = os.path.join(out, "content", kind)
    with open(os.path.join(d, f"{rid}.yaml"), "w", encoding="utf-8") as f:
        f.write(body)


def common(rng, pub):
    return (f"发布日期: {pub}\n地区: {rng.choice(TOWNS)}\n行业领域: {rng.choice(SECTORS)}\n"
            f"设备类别: {rng.choice(EQUIP)}\n")


def main():
    n = int(sys.argv[1])
    out = sys.argv[2]
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 1
    rng = random.Random(seed)
    for k in ["cases", "actions", "hazards", "accountability", "clues", "blacklist", "daily", "pages"]:
        os.makedirs(os.path.join(out, "content", k), exist_ok=True)
    with open(os.path.join(out, "content", "site.yaml"), "w", encoding="utf-8") as f:
        f.write("名称: 基准测试信息公开平台\n机构: 基准市市场监督管理局\n网址: https://bench.example.gov.cn/\n"
                "举报电话: 0412-0000000\n举报邮箱: jubao@example.gov.cn\n")
    parties = [(f"基准{i:05d}{rng.choice(['化工', '燃气', '物业', '机械', '游乐'])}有限公司", credit_code(rng))
               for i in range(max(1, n // 4))]
    mix = [("actions", 40), ("hazards", 20), ("cases", 10), ("clues", 15), ("accountability", 5), ("blacklist", 5), ("daily", 5)]
    kinds = [k for k, w in mix for _ in range(w)]
    for i in range(n):
        kind = kinds[i % len(kinds)]
        rid = f"b{i:06d}"
        pub = date(rng)
        if kind == "actions":
            m = rng.choice(MEASURES)
            body = common(rng, pub) + f"措施类型: {m}\n"
            if m == "行政处罚":
                body += f"处罚类别: [罚款, 警告]\n决定书文号: 基市监罚〔{pub[:4]}〕{i}号\n罚款金额: {rng.randint(1, 50)}\n"
            body += f"当事人:\n{party(rng, parties)}决定日期: {pub}\n决定机关: 基准市市场监督管理局\n原因: {text(rng, 2)}\n"
        elif kind == "hazards":
            body = common(rng, pub) + (f"检查单位: 基准市市场监督管理局\n被检查对象:\n{party(rng, parties)}"
                                      f"重大隐患内容: {text(rng, 2)}\n整改措施: {text(rng, 1)}\n整改时限: {int(pub[:4]) + 1}{pub[4:]}\n"
                                      f"整改责任单位: 某公司\n整改责任人: 张某\n挂牌督办单位: 基准市安委办\n挂牌责任人: 李某\n挂牌日期: {pub}\n")
            if rng.random() < 0.5:
                body += f"销号: {{日期: {int(pub[:4]) + 1}{pub[4:]}, 验收单位: 基准市市场监督管理局}}\n"
        elif kind == "cases":
            body = common(rng, pub) + (f"标题: 基准市市场监督管理局对{rng.choice(parties)[0]}{rng.choice(WORDS)}检查案\n"
                                      f"关键词: [{', '.join(rng.sample(WORDS, 4))}]\n要旨: {text(rng, 1)}\n检查主体: 基准市市场监督管理局\n"
                                      f"当事人:\n{party(rng, parties)}基本案情: |\n  {text(rng, 4)}\n\n  {text(rng, 3)}\n"
                                      f"处理结果:\n  措施: [行政处罚, 责令限期整改]\n  罚款金额: {rng.randint(1, 30)}\n"
                                      f"案例剖析:\n  责任落实: {text(rng, 2)}\n  体制机制: {text(rng, 1)}\n"
                                      f"举一反三工作建议:\n  - {text(rng, 1)}\n  - {text(rng, 1)}\n")
        elif kind == "clues":
            body = common(rng, pub) + (f"举报日期: {pub}\n举报来源: 电话\n举报人:\n  姓名: 举报人{i}\n  电话: \"1380000{i % 10000:04d}\"\n"
                                      f"举报内容: 举报原文{i}：{text(rng, 2)}\n问题摘要: {text(rng, 1)}\n举报类型: 重大事故隐患\n"
                                      f"涉及单位:\n{party(rng, parties)}属地: {rng.choice(TOWNS)}\n")
            if rng.random() < 0.7:
                body += f"交办文书文号: 基移〔{pub[:4]}〕{i}号\n交办单位: 特种设备科\n交办日期: {pub}\n"
        elif kind == "accountability":
            body = common(rng, pub) + (f"姓名: 官员{i}\n单位: {rng.choice(TOWNS)}人民政府\n职务: 副镇长\n情形: 诫勉谈话\n"
                                      f"事由: {text(rng, 2)}\n决定日期: {pub}\n")
        elif kind == "blacklist":
            body = common(rng, pub) + (f"当事人:\n{party(rng, parties)}列入事由: {text(rng, 2)}\n列入依据: 严重违法失信名单管理办法\n"
                                      f"列入决定书文号: 基市监列〔{pub[:4]}〕{i}号\n列入机关: 基准市市场监督管理局\n列入日期: {pub}\n")
        else:
            body = (f"日期: {pub}\n发布日期: {pub}\n地区:\n" +
                    "".join(f"  - {{名称: {t}, 检查组: {rng.randint(1, 5)}, 检查企业: {rng.randint(1, 20)}}}\n" for t in TOWNS[:4]))
        write(out, kind, rid, body)
    with open(os.path.join(out, "content", "pages", "about.md"), "w", encoding="utf-8") as f:
        f.write("---\n标题: 关于本平台\n发布日期: 2023-01-01\n---\n基准测试站点。\n")


if __name__ == "__main__":
    main()
