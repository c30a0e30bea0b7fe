//! The closed lists of the content format: the values a field may take.

pub const STATUS: &[&str] = &["已发布", "草稿", "已撤回"];

pub const DEFAULT_SECTORS: &[&str] = &[
    "特种设备",
    "煤矿",
    "非煤矿山",
    "危险化学品",
    "燃气",
    "民爆物品",
    "消防",
    "森林防火",
    "建筑施工",
    "交通运输",
    "其他",
];

pub const EQUIPMENT: &[&str] = &[
    "锅炉",
    "压力容器",
    "压力管道",
    "气瓶",
    "电梯",
    "起重机械",
    "客运索道",
    "大型游乐设施",
    "场（厂）内专用机动车辆",
];

pub const PARTY_TYPES: &[&str] = &["企业", "个体工商户", "机关事业单位", "自然人"];

pub const CASE_MEASURES: &[&str] = &[
    "责令停产整顿",
    "责令限期整改",
    "暂扣吊销证照",
    "关闭取缔",
    "行政处罚",
    "警示约谈",
    "联合惩戒",
    "公开曝光",
    "问责处理",
    "挂牌督办",
];

pub const ACTION_TYPES: &[&str] = &[
    "责令限期整改",
    "行政处罚",
    "停产整顿",
    "暂扣吊销证照",
    "关闭取缔",
];

pub const PENALTY_CLASSES: &[&str] = &[
    "警告",
    "通报批评",
    "罚款",
    "没收违法所得",
    "没收非法财物",
    "暂扣许可证件",
    "降低资质等级",
    "吊销许可证件",
    "限制开展生产经营活动",
    "责令停产停业",
    "责令关闭",
    "限制从业",
    "行政拘留",
    "其他",
];

pub const ACCOUNTABILITY_FORMS: &[&str] = &[
    "党纪处分",
    "政务处分",
    "组织处理",
    "诫勉谈话",
    "移送司法机关",
    "追究刑事责任",
];

pub const CLUE_SOURCES: &[&str] = &["电话", "信箱", "来信", "来访", "网络", "督查发现", "其他"];

pub const CLUE_TYPES: &[&str] = &["非法违法生产经营建设", "重大事故隐患", "瞒报事故", "其他"];

pub const CLUE_VERDICTS: &[&str] = &["属实", "部分属实", "不属实", "核查中"];

pub const CLUE_RESULTS: &[&str] = &[
    "违法性质",
    "停产整顿",
    "关闭取缔",
    "行政处罚",
    "吊销证照",
    "重大事故隐患整改率",
    "提级核查",
    "失信企业联合惩戒",
    "党纪政纪处分",
    "刑事责任追究",
];

pub const TRANSFERS: &[&str] = &["公安机关", "纪检监察机关"];

pub const REMOVAL_REASONS: &[&str] = &["信用修复", "期满", "撤销"];
