//! `content/site.yaml`: the site's settings, with the defaults of the spec.

use super::decode::{Ctx, Obj};
use super::model::DEFAULT_SECTORS;
use super::yaml::{Node, Value};
use chrono::{Days, Months, NaiveDate};
use serde::Serialize;

/// `N年`, `N个月` or `N天`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Years(u32),
    Months(u32),
    Days(u32),
}

impl Period {
    pub fn parse(s: &str) -> Option<Period> {
        let s = s.trim();
        let num = |t: &str| t.trim().parse::<u32>().ok().filter(|n| *n <= 100_000);
        if let Some(n) = s.strip_suffix("个月") {
            num(n).map(Period::Months)
        } else if let Some(n) = s.strip_suffix('年') {
            num(n).map(Period::Years)
        } else if let Some(n) = s.strip_suffix('天') {
            num(n).map(Period::Days)
        } else {
            None
        }
    }
    /// `date` plus this period; saturates at the end of the calendar.
    pub fn after(self, date: NaiveDate) -> NaiveDate {
        let r = match self {
            Period::Years(n) => date.checked_add_months(Months::new(n.saturating_mul(12))),
            Period::Months(n) => date.checked_add_months(Months::new(n)),
            Period::Days(n) => date.checked_add_days(Days::new(u64::from(n))),
        };
        r.unwrap_or(NaiveDate::MAX)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SiteInfo {
    #[serde(rename = "名称")]
    pub name: String,
    #[serde(rename = "机构")]
    pub org: String,
    #[serde(rename = "网址")]
    pub base_url: String,
    #[serde(rename = "网站标识码", skip_serializing_if = "Option::is_none")]
    pub site_code: Option<String>,
    #[serde(rename = "ICP备案号", skip_serializing_if = "Option::is_none")]
    pub icp: Option<String>,
    #[serde(rename = "公安备案号", skip_serializing_if = "Option::is_none")]
    pub police: Option<String>,
    #[serde(rename = "举报电话", skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(rename = "举报邮箱", skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// How a party gets its record out of publicity early (shown on
    /// penalty, blacklist and party pages).
    #[serde(rename = "信用修复")]
    pub credit_repair: String,
    /// Where to object to what is published.
    #[serde(rename = "异议")]
    pub objection: String,
}

/// What the penalty, blacklist and party pages say of 信用修复 when
/// site.yaml does not.
pub const DEFAULT_CREDIT_REPAIR: &str = "行政处罚信息、严重违法失信名单信息公示期间，当事人已经纠正违法行为、履行法定义务的，可以依照有关规定向作出决定的部门申请信用修复。修复后，相关信息停止公示。信用修复的条件和材料，可向作出决定的部门咨询。";

/// What they say of 异议 when site.yaml does not: the organisation and its
/// contacts.
fn default_objection(info: &SiteInfo) -> String {
    let mut s = format!(
        "对公示的信息有异议的，可以向{}书面提出，并提供相关证明材料；经核实有误的，将及时更正。",
        if info.org.is_empty() {
            "发布机构"
        } else {
            info.org.as_str()
        }
    );
    if let Some(p) = &info.phone {
        s.push_str(&format!("联系电话：{p}。"));
    }
    if let Some(e) = &info.email {
        s.push_str(&format!("电子邮箱：{e}。"));
    }
    s
}

#[derive(Debug, Clone)]
pub struct Periods {
    pub actions: Period,
    pub light: Period,
    pub blacklist: Period,
    pub removal_notice: Period,
}

/// Limits that protect the build from hostile or mistaken input.
#[derive(Debug, Clone, Copy)]
pub struct InputLimits {
    pub max_file_bytes: u64,
    pub max_records: usize,
    /// The size a record file's tree may reach once its aliases are
    /// expanded; by default four times the file size limit.
    pub max_expanded_bytes: Option<u64>,
}

impl InputLimits {
    /// The parser's limits for a record file.
    pub fn yaml(&self) -> super::yaml::Limits {
        let expanded = self
            .max_expanded_bytes
            .unwrap_or(self.max_file_bytes.saturating_mul(4));
        super::yaml::Limits {
            max_expanded_bytes: usize::try_from(expanded).unwrap_or(usize::MAX),
            ..super::yaml::Limits::default()
        }
    }
}

#[derive(Debug, Clone)]
pub struct Site {
    pub info: SiteInfo,
    pub sectors: Vec<String>,
    pub periods: Periods,
    pub light_fine: f64,
    pub working_days: u32,
    pub holidays: Vec<NaiveDate>,
    pub workdays: Vec<NaiveDate>,
    pub mask_persons: bool,
    pub mask_officials: bool,
    pub limits: InputLimits,
    /// Publicity periods of actions run from 决定日期 (site.yaml
    /// `公示期起算: 决定日期`) instead of 发布日期.
    pub period_from_decision: bool,
}

impl Site {
    /// Monday to Friday, minus the holidays, plus the make-up working days
    /// (调休上班日).
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        use chrono::{Datelike, Weekday};
        if self.workdays.binary_search(&d).is_ok() {
            return true;
        }
        if self.holidays.binary_search(&d).is_ok() {
            return false;
        }
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The date of the `n`-th working day after `from` (not counting it).
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let mut d = from;
        let mut left = n;
        // A year of holidays cannot hold more than 366 days: bound the walk.
        let mut steps = 0u32;
        while left > 0 && steps < n.saturating_mul(7).saturating_add(400) {
            d = match d.succ_opt() {
                Some(next) => next,
                None => return NaiveDate::MAX,
            };
            steps += 1;
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// `d` if it is a working day, else the next working day: a time limit
    /// that ends on a rest day ends on the next working day (民法典 Art. 203).
    pub fn on_or_after_working_day(&self, d: NaiveDate) -> NaiveDate {
        let mut d = d;
        for _ in 0..400 {
            if self.is_working_day(d) {
                return d;
            }
            match d.succ_opt() {
                Some(next) => d = next,
                None => return d,
            }
        }
        d
    }
}

impl Default for Site {
    fn default() -> Self {
        Site {
            info: SiteInfo {
                name: "信息公开平台".into(),
                org: String::new(),
                base_url: "/".into(),
                site_code: None,
                icp: None,
                police: None,
                phone: None,
                email: None,
                credit_repair: DEFAULT_CREDIT_REPAIR.into(),
                objection: String::new(),
            },
            sectors: DEFAULT_SECTORS.iter().map(|s| s.to_string()).collect(),
            periods: Periods {
                actions: Period::Years(3),
                light: Period::Months(3),
                blacklist: Period::Years(3),
                removal_notice: Period::Days(30),
            },
            light_fine: 1.0,
            working_days: 7,
            holidays: Vec::new(),
            workdays: Vec::new(),
            mask_persons: true,
            mask_officials: false,
            limits: InputLimits {
                max_file_bytes: 1024 * 1024,
                max_records: 500_000,
                max_expanded_bytes: None,
            },
            period_from_decision: false,
        }
    }
}

const KEYS: &[&str] = &[
    "名称",
    "机构",
    "网址",
    "网站标识码",
    "ICP备案号",
    "公安备案号",
    "举报电话",
    "举报邮箱",
    "信用修复",
    "异议",
    "行业领域",
    "公示期",
    "公示期起算",
    "较低数额罚款",
    "公示时限",
    "节假日",
    "调休上班日",
    "隐私",
    "限制",
];

/// Decode site.yaml; problems go to `ctx`, defaults fill the gaps.
pub fn decode(ctx: &mut Ctx, node: &Node) -> Site {
    let mut site = Site::default();
    let Some(mut o) = Obj::open(ctx, node, "") else {
        return site;
    };
    info(ctx, &mut o, &mut site);
    let sectors = o.str_list(ctx, "行业领域", false);
    if !sectors.is_empty() {
        site.sectors = sectors;
    }
    periods(ctx, &mut o, &mut site);
    site.holidays = dates(ctx, &mut o, "节假日");
    site.workdays = dates(ctx, &mut o, "调休上班日");
    privacy(ctx, &mut o, &mut site);
    limits(ctx, &mut o, &mut site);
    o.finish(ctx, KEYS);
    site
}

/// 名称, 机构, 网址 and the footer's filings and contacts.
fn info(ctx: &mut Ctx, o: &mut Obj, site: &mut Site) {
    if let Some(v) = o.req_str(ctx, "名称") {
        site.info.name = v;
    }
    if let Some(v) = o.req_str(ctx, "机构") {
        site.info.org = v;
    }
    if let Some(v) = o.req_str(ctx, "网址") {
        // It goes into every feed, the sitemap and the canonical links:
        // an absolute address with a host, and nothing a URL cannot hold.
        let host = v
            .strip_prefix("https://")
            .or_else(|| v.strip_prefix("http://"))
            .map(|rest| rest.split('/').next().unwrap_or(""));
        let clean = !v.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '\\' | '`')
        });
        if host.is_some_and(|h| !h.is_empty()) && clean {
            site.info.base_url = if v.ends_with('/') { v } else { format!("{v}/") };
        } else {
            let pos = ctx.spans.get("网址").copied().unwrap_or(o.pos);
            let r = ctx
                .error(
                    pos,
                    "网址",
                    "「网址」应为以 https:// 或 http:// 开头、不含空格和引号的绝对地址",
                )
                .expected("例如 https://example.gov.cn/disclosure/")
                .found(v);
            ctx.push(r);
        }
    }
    site.info.site_code = o.opt_str(ctx, "网站标识码");
    site.info.icp = o.opt_str(ctx, "ICP备案号");
    site.info.police = o.opt_str(ctx, "公安备案号");
    site.info.phone = o.opt_str(ctx, "举报电话");
    site.info.email = o.opt_str(ctx, "举报邮箱");
    if let Some(v) = o.opt_str(ctx, "信用修复") {
        site.info.credit_repair = v;
    }
    site.info.objection = o
        .opt_str(ctx, "异议")
        .unwrap_or_else(|| default_objection(&site.info));
}

/// 公示期, its start, 较低数额罚款 and 公示时限.
fn periods(ctx: &mut Ctx, o: &mut Obj, site: &mut Site) {
    if let Some(mut p) = o.sub(ctx, "公示期", false) {
        let mut period = |ctx: &mut Ctx, key: &str, slot: &mut Period| {
            let f = p.field(key);
            if let Some(n) = p.take(ctx, key) {
                match n.as_str().and_then(Period::parse) {
                    Some(v) => *slot = v,
                    None => ctx.wrong(n, &f, "期限：N年、N个月 或 N天"),
                }
            }
        };
        period(ctx, "执法措施", &mut site.periods.actions);
        period(ctx, "轻微处罚", &mut site.periods.light);
        period(ctx, "黑名单", &mut site.periods.blacklist);
        period(ctx, "移出公告", &mut site.periods.removal_notice);
        p.finish(ctx, &["执法措施", "轻微处罚", "黑名单", "移出公告"]);
    }
    if let Some(v) = o.opt_choice(ctx, "公示期起算", &["发布日期", "决定日期"]) {
        site.period_from_decision = v == "决定日期";
    }
    if let Some(v) = o.opt_money(ctx, "较低数额罚款") {
        site.light_fine = v;
    }
    if let Some(n) = o.take(ctx, "公示时限") {
        match n.as_str().and_then(|s| s.trim().parse::<u32>().ok()) {
            Some(v) if (1..=365).contains(&v) => site.working_days = v,
            _ => ctx.wrong(n, "公示时限", "1 到 365 之间的整数（工作日）"),
        }
    }
}

fn privacy(ctx: &mut Ctx, o: &mut Obj, site: &mut Site) {
    if let Some(mut p) = o.sub(ctx, "隐私", false) {
        if let Some(v) = p.opt_choice(ctx, "自然人姓名", &["脱敏", "公开"]) {
            site.mask_persons = v == "脱敏";
        }
        if let Some(v) = p.opt_choice(ctx, "问责人员姓名", &["脱敏", "公开"]) {
            site.mask_officials = v == "脱敏";
        }
        p.finish(ctx, &["自然人姓名", "问责人员姓名"]);
    }
}

/// The most a size limit of site.yaml may be: a record file is read
/// whole, and a limit near the largest number would wrap to nothing.
const MOST_LIMIT: u64 = 1 << 30;

fn limits(ctx: &mut Ctx, o: &mut Obj, site: &mut Site) {
    if let Some(mut p) = o.sub(ctx, "限制", false) {
        if let Some(n) = p.take(ctx, "文件大小") {
            match n.as_str().and_then(parse_size).filter(|&v| v <= MOST_LIMIT) {
                Some(v) => site.limits.max_file_bytes = v,
                None => ctx.wrong(
                    n,
                    "限制.文件大小",
                    "不超过 1GiB 的大小，例如 1MiB、512KiB 或字节数",
                ),
            }
        }
        if let Some(n) = p.take(ctx, "记录数") {
            match n.as_str().and_then(|s| s.trim().parse::<usize>().ok()) {
                Some(v) if v > 0 => site.limits.max_records = v,
                _ => ctx.wrong(n, "限制.记录数", "正整数"),
            }
        }
        if let Some(n) = p.take(ctx, "展开大小") {
            match n.as_str().and_then(parse_size).filter(|&v| v <= MOST_LIMIT) {
                Some(v) => site.limits.max_expanded_bytes = Some(v),
                None => ctx.wrong(
                    n,
                    "限制.展开大小",
                    "不超过 1GiB 的大小，例如 4MiB、512KiB 或字节数",
                ),
            }
        }
        p.finish(ctx, &["文件大小", "记录数", "展开大小"]);
    }
}

fn dates(ctx: &mut Ctx, o: &mut Obj, key: &str) -> Vec<NaiveDate> {
    let Some(n) = o.take(ctx, key) else {
        return Vec::new();
    };
    let Value::Seq(items) = &n.value else {
        ctx.wrong(n, key, "日期列表");
        return Vec::new();
    };
    let mut out: Vec<NaiveDate> = items
        .iter()
        .enumerate()
        .filter_map(|(i, n)| super::decode::date(ctx, n, &format!("{key}[{}]", i + 1)))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// `1MiB`, `512KiB`, `2MB`, or a number of bytes.
pub fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let (num, mult) = [
        ("GiB", 1u64 << 30),
        ("MiB", 1 << 20),
        ("KiB", 1 << 10),
        ("GB", 1_000_000_000),
        ("MB", 1_000_000),
        ("KB", 1_000),
        ("B", 1),
    ]
    .iter()
    .find_map(|(suffix, m)| s.strip_suffix(suffix).map(|n| (n.trim(), *m)))
    .unwrap_or((s, 1));
    num.parse::<u64>()
        .ok()?
        .checked_mul(mult)
        .filter(|v| *v > 0)
}

#[cfg(test)]
mod tests {

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn seven_working_days_skip_the_weekend() {
        let site = Site::default();
        // Thursday 2022-01-06 + 7 working days = Monday 2022-01-17
        assert_eq!(
            site.add_working_days(day("2022-01-06"), 7),
            day("2022-01-17")
        );
    }

    #[test]
    fn holidays_and_make_up_days() {
        let site = Site {
            holidays: vec![day("2022-01-31"), day("2022-02-01"), day("2022-02-02")],
            workdays: vec![day("2022-01-29")],
            ..Site::default()
        };
        // Friday 2022-01-28: Sat 29 (make-up) is day 1, then Feb 3, 4, 7, 8, 9, 10.
        assert_eq!(
            site.add_working_days(day("2022-01-28"), 7),
            day("2022-02-10")
        );
        // A limit ending on a holiday ends on the next working day.
        assert_eq!(
            site.on_or_after_working_day(day("2022-01-31")),
            day("2022-02-03")
        );
        assert_eq!(
            site.on_or_after_working_day(day("2022-01-29")),
            day("2022-01-29")
        );
        assert_eq!(
            site.on_or_after_working_day(day("2022-01-30")),
            day("2022-02-03")
        );
    }

    use super::*;

    #[test]
    fn periods() {
        let d = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        assert_eq!(Period::parse("3年"), Some(Period::Years(3)));
        assert_eq!(Period::parse("3个月"), Some(Period::Months(3)));
        assert_eq!(Period::parse("30天"), Some(Period::Days(30)));
        assert_eq!(Period::parse("3 months"), None);
        assert_eq!(
            Period::Years(1).after(d),
            NaiveDate::from_ymd_opt(2025, 2, 28).unwrap()
        );
        assert_eq!(
            Period::Days(1).after(d),
            NaiveDate::from_ymd_opt(2024, 3, 1).unwrap()
        );
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1MiB"), Some(1 << 20));
        assert_eq!(parse_size("2048"), Some(2048));
        assert_eq!(parse_size("0"), None);
        assert_eq!(parse_size("lots"), None);
    }
}
