//! The layouts a sheet may have, recognised by their headings: gongshi's
//! own open data (a column `id`, then the field names, nested ones dotted),
//! and the paper forms of seed 003 — 附件4 清单2 执法检查清单 (a table per
//! measure, one under the other), 清单4 重大隐患挂牌督办清单 and 附件7
//! 每日举报问题线索清单. Each row becomes the values of one record, by
//! field path.

use super::read::Sheet;
use crate::content::model::Kind;

/// A value of a field, as read from a cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    List(Vec<String>),
    /// A list of objects (更正, 进展): each its keys and values.
    Objects(Vec<Vec<(String, String)>>),
}

/// One record's values, and where each came from.
#[derive(Debug, Default)]
pub struct Row {
    /// 1-based, as a spreadsheet numbers them.
    pub line: usize,
    pub id: Option<String>,
    /// (field path, value, column index)
    pub values: Vec<(String, Cell, usize)>,
    /// Text kept as a comment above the record (a form's 备注).
    pub note: Option<String>,
    /// Cells that could not be read into their fields: (column index,
    /// field, what is wrong). Any of them, and nothing is written.
    pub problems: Vec<(usize, String, String)>,
}

/// The rows of a sheet, and the problems of its headings: (row, column
/// index, what is wrong), such as a column no field takes.
pub struct Layout {
    pub rows: Vec<Row>,
    pub problems: Vec<(usize, usize, String)>,
}

impl From<Vec<Row>> for Layout {
    fn from(rows: Vec<Row>) -> Layout {
        Layout {
            rows,
            problems: Vec::new(),
        }
    }
}

/// A heading as written, without spaces and with ASCII brackets.
pub fn norm(h: &str) -> String {
    h.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c,
        })
        .collect()
}

/// The heading without what its brackets say: 被检查对象(企业或单位) →
/// 被检查对象.
fn stem(h: &str) -> String {
    let n = norm(h);
    n.split('(').next().unwrap_or(&n).to_string()
}

/// Column letters of a 0-based index: 0 → A, 27 → AB.
pub fn letters(mut c: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

const HAZARD_FORM: &[(&str, &str)] = &[
    ("检查单位", "检查单位"),
    ("行业领域", "行业领域"),
    ("被检查对象", "被检查对象.名称"),
    ("重大隐患内容", "重大隐患内容"),
    ("整改措施", "整改措施"),
    ("整改时限", "整改时限"),
    ("整改责任单位", "整改责任单位"),
    ("整改责任人", "整改责任人"),
    ("挂牌督办单位", "挂牌督办单位"),
    ("挂牌责任人", "挂牌责任人"),
    ("整改销号情况", "=销号"),
];

const CLUE_FORM: &[(&str, &str)] = &[
    ("举报来源", "举报来源"),
    ("举报人信息", "举报人.姓名"),
    ("举报内容", "举报内容"),
    ("举报类型", "举报类型"),
    ("涉及企业", "涉及单位.名称"),
    ("属地政府", "属地"),
    ("交办文书文号", "交办文书文号"),
    ("交办单位", "交办单位"),
    ("交办日期", "交办日期"),
    ("实际反馈日期", "实际反馈日期"),
    ("是否属实", "是否属实"),
    ("办理结果", "=办理结果"),
    ("查处进展情况", "=进展"),
    ("查出进展情况", "=进展"),
    ("答复情况", "答复情况"),
    ("备注", "=备注"),
];

/// The measure of each of 清单2's tables, by its second heading.
const MEASURES: &[(&str, &str)] = &[
    ("责令限期整改企业", "责令限期整改"),
    ("行政处罚款", "行政处罚"),
    ("行政处罚", "行政处罚"),
    ("停产整顿", "停产整顿"),
    ("暂扣吊销证照", "暂扣吊销证照"),
    ("关闭取缔", "关闭取缔"),
];

/// The rows of a sheet as records of `kind`, by whichever layout its
/// headings match; `None` if none does.
pub fn rows(sheet: &Sheet, kind: Kind) -> Option<Layout> {
    let headed = |i: usize| {
        sheet
            .rows
            .get(i)
            .map(|r| r.iter().map(|h| stem(h)).collect::<Vec<_>>())
    };
    for i in 0..sheet.rows.len().min(20) {
        let heads = headed(i)?;
        if heads.iter().any(|h| h == "id") && heads.len() > 1 {
            return Some(open_data(sheet, i, kind));
        }
        let has = |names: &[(&str, &str)], at_least: usize| {
            names
                .iter()
                .filter(|(h, _)| heads.contains(&h.to_string()))
                .count()
                >= at_least
        };
        match kind {
            Kind::Hazards if has(HAZARD_FORM, 6) => {
                return Some(form(sheet, i, HAZARD_FORM, kind));
            }
            Kind::Clues if has(CLUE_FORM, 6) => return Some(form(sheet, i, CLUE_FORM, kind)),
            Kind::Actions
                if heads.first().is_some_and(|h| h == "序号") && measure_of(&heads).is_some() =>
            {
                return Some(enforcement(sheet, i).into());
            }
            _ => {}
        }
    }
    None
}

fn measure_of(heads: &[String]) -> Option<&'static str> {
    let h = heads.get(1)?;
    MEASURES.iter().find(|(n, _)| h == n).map(|(_, m)| *m)
}

fn nonempty(r: &[String]) -> bool {
    r.iter().any(|c| !c.trim().is_empty())
}

/// A form with one row of headings (two where a heading spans columns:
/// the second row names them).
fn form(sheet: &Sheet, at: usize, names: &[(&str, &str)], kind: Kind) -> Layout {
    let heads: Vec<String> = sheet.rows[at].iter().map(|h| stem(h)).collect();
    let fields = crate::content::kinds::fields(kind);
    let mut problems = Vec::new();
    // A column of the form, or one named as a field (a 挂牌日期 or
    // 发布日期 a bureau adds); any other heading over cells is a problem,
    // not a column dropped without a word.
    let columns: Vec<Option<&str>> = heads
        .iter()
        .enumerate()
        .map(|(c, h)| {
            let column = names
                .iter()
                .find(|(n, _)| n == h)
                .map(|(_, p)| *p)
                .or_else(|| fields.iter().find(|f| f.key == h).map(|f| f.key));
            let used = sheet.rows[at + 1..]
                .iter()
                .any(|r| r.get(c).is_some_and(|v| !v.trim().is_empty()));
            if column.is_none() && used && h != "序号" {
                problems.push((
                    at + 1,
                    c,
                    format!(
                        "栏目「{h}」不是本表的栏目，也不是记录的字段，这一列不能导入（应为：{}）",
                        names.iter().map(|(n, _)| *n).collect::<Vec<_>>().join("、")
                    ),
                ));
            }
            column
        })
        .collect();
    let mut out = Vec::new();
    for (i, r) in sheet.rows.iter().enumerate().skip(at + 1) {
        if !nonempty(r) || r.first().is_some_and(|c| stem(c) == "序号") {
            continue;
        }
        // A form's example row (xx年xx月xx日) is no record.
        if r.iter().all(|c| c.trim().is_empty() || c.contains("xx")) {
            continue;
        }
        let mut row = Row {
            line: i + 1,
            ..Row::default()
        };
        for (c, cell) in r.iter().enumerate() {
            let (Some(Some(path)), text) = (columns.get(c), cell.trim()) else {
                continue;
            };
            if text.is_empty() {
                continue;
            }
            special(&mut row, path, text, c);
        }
        out.push(row);
    }
    Layout {
        rows: out,
        problems,
    }
}

/// A cell whose column maps onto several fields, or none.
fn special(row: &mut Row, path: &str, text: &str, c: usize) {
    let mut put = |p: &str, v: Cell| row.values.push((p.to_string(), v, c));
    match path {
        // xx年xx月xx日，经xx单位验收，整改完毕销号。
        "=销号" => match sign_off(text) {
            Some((date, unit)) => {
                put("销号.日期", Cell::Text(date));
                if let Some(unit) = unit {
                    put("销号.验收单位", Cell::Text(unit));
                }
            }
            None => row.problems.push((
                c,
                "销号".into(),
                format!("读不出销号的日期（应为「xx年xx月xx日，经xx单位验收，整改完毕销号」；实际「{text}」）"),
            )),
        },
        // 违法性质：…；停产整顿：…
        "=办理结果" => {
            for part in text.split(['；', ';', '\n']).filter(|p| !p.trim().is_empty()) {
                match part.split_once(['：', ':']) {
                    Some((item, what)) => put(
                        &format!("办理结果.{}", item.trim()),
                        Cell::Text(what.trim().to_string()),
                    ),
                    None => row.problems.push((
                        c,
                        "办理结果".into(),
                        format!(
                            "「{}」没有写明是哪一项（应为「项目：内容」，项目为 {}；各项以分号分开）",
                            part.trim(),
                            crate::content::vocabulary::CLUE_RESULTS.join("、")
                        ),
                    )),
                }
            }
        }
        "=进展" => put(
            "进展",
            Cell::Objects(vec![vec![("说明".into(), text.to_string())]]),
        ),
        "=备注" => row.note = Some(text.to_string()),
        p => put(p, Cell::Text(text.to_string())),
    }
}

/// A hazard's sign-off as 清单4 writes it, `xx年xx月xx日，经xx单位验收，整改完毕
/// 销号`, in any usual wording: its date (the first date in the text) and,
/// if the text names it, the unit that accepted the work.
fn sign_off(text: &str) -> Option<(String, Option<String>)> {
    let date = first_date(text)?;
    let unit = text.split_once('经').and_then(|(_, rest)| {
        let unit = rest.split_once("验收")?.0.trim_matches(['，', ',', ' ']);
        (!unit.is_empty()).then(|| unit.to_string())
    });
    Some((date.format("%Y-%m-%d").to_string(), unit))
}

/// The first date written in `text` (2024年2月20日, 2024-02-20, 2024/2/20,
/// 2024.2.20).
fn first_date(text: &str) -> Option<chrono::NaiveDate> {
    let chars: Vec<char> = text.chars().collect();
    (0..chars.len()).find_map(|i| {
        if i > 0 && chars[i - 1].is_ascii_digit() {
            return None;
        }
        let mut end = i;
        let mut parts = 0;
        while end < chars.len() && parts < 3 {
            let start = end;
            while end < chars.len() && chars[end].is_ascii_digit() {
                end += 1;
            }
            if end == start {
                return None;
            }
            parts += 1;
            if parts < 3 && end < chars.len() && "年月/.-".contains(chars[end]) {
                end += 1;
            } else {
                break;
            }
        }
        if parts < 3 || end - i < 8 {
            return None;
        }
        let candidate: String = chars[i..end].iter().collect();
        crate::content::decode::loose_date(&candidate).filter(|d| {
            use chrono::Datelike;
            d.year() >= 1900
        })
    })
}

/// 清单2: a table per measure, each under its two rows of headings.
fn enforcement(sheet: &Sheet, at: usize) -> Vec<Row> {
    let mut out = Vec::new();
    let mut measure = None;
    let mut columns: Vec<Option<&str>> = Vec::new();
    let mut i = at;
    while i < sheet.rows.len() {
        let r = &sheet.rows[i];
        let heads: Vec<String> = r.iter().map(|h| stem(h)).collect();
        if heads.first().is_some_and(|h| h == "序号") {
            measure = measure_of(&heads);
            // The second row names the columns of 整改验收情况.
            let sub: Vec<String> = sheet
                .rows
                .get(i + 1)
                .map(|r| r.iter().map(|h| stem(h)).collect())
                .unwrap_or_default();
            columns = heads
                .iter()
                .enumerate()
                .map(|(c, h)| {
                    let s = sub.get(c).map(String::as_str).unwrap_or("");
                    match (c, h.as_str(), s) {
                        (1, ..) => Some("=当事人"),
                        (2, ..) => Some("原因"),
                        (_, _, "验收时间") => Some("整改验收.验收时间"),
                        (_, _, "验收单位") => Some("整改验收.验收单位"),
                        (_, _, "整改情况") => Some("整改验收.整改情况"),
                        (_, "备注", _) => Some("决定书文号"),
                        _ => None,
                    }
                })
                .collect();
            i += if sub.iter().any(|s| s == "验收时间") {
                2
            } else {
                1
            };
            continue;
        }
        i += 1;
        let Some(m) = measure else { continue };
        if !nonempty(r) || r.iter().skip(1).all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut row = Row {
            line: i,
            ..Row::default()
        };
        row.values
            .push(("措施类型".into(), Cell::Text(m.into()), 1));
        for (c, cell) in r.iter().enumerate() {
            let (Some(Some(path)), text) = (columns.get(c), cell.trim()) else {
                continue;
            };
            if text.is_empty() {
                continue;
            }
            if *path == "=当事人" {
                party_cell(&mut row, text, c);
            } else {
                row.values
                    .push((path.to_string(), Cell::Text(text.into()), c));
            }
        }
        out.push(row);
    }
    out
}

/// 某公司（罚款 3 万元）: the party, and a fine. The fine is the last
/// bracket of the cell, if it begins with 罚款 (a name may hold brackets
/// of its own: 某（集团）有限公司).
fn party_cell(row: &mut Row, text: &str, c: usize) {
    let text = text.trim();
    let open = text.rfind(['（', '(']);
    let (name, fine) = match open.map(|i| (&text[..i], &text[i..])) {
        Some((n, rest))
            if rest[rest.chars().next().map_or(0, char::len_utf8)..]
                .trim_start()
                .starts_with("罚款") =>
        {
            let inner =
                rest[rest.chars().next().map_or(0, char::len_utf8)..].trim_end_matches([')', '）']);
            (n.trim(), Some(inner))
        }
        _ => (text, None),
    };
    row.values
        .push(("当事人.名称".into(), Cell::Text(name.into()), c));
    let Some(fine) = fine else { return };
    match fine_in_wan(fine) {
        Ok(amount) => {
            row.values
                .push(("处罚类别".into(), Cell::List(vec!["罚款".into()]), c));
            row.values.push(("罚款金额".into(), Cell::Text(amount), c));
        }
        Err(why) => row.problems.push((c, "罚款金额".into(), why)),
    }
}

/// The amount of `罚款 3 万元` (or `罚款 5000 元`) in 万元, exactly as a
/// decimal; the fine is the first item of a list (`罚款1.5万元，没收违法所得2万元`).
fn fine_in_wan(text: &str) -> Result<String, String> {
    let first = text
        .split(['，', ',', '；', ';', '、'])
        .next()
        .unwrap_or(text);
    let rest = first.trim().trim_start_matches("罚款").trim();
    let digits: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let unit = rest[digits.len()..].trim();
    let bad = |why: &str| {
        Err(format!(
            "罚款金额{why}（应为「罚款 3 万元」或「罚款 5000 元」，用阿拉伯数字；实际「{text}」）"
        ))
    };
    if digits.is_empty() || digits.parse::<f64>().is_err() {
        return bad("读不出");
    }
    match unit {
        "万元" | "万" => Ok(plain_decimal(&digits)),
        "元" => Ok(shift_left(&digits, 4)),
        _ => bad("的单位不明"),
    }
}

/// A decimal without leading zeros or a trailing point: `03.50` → `3.5`.
fn plain_decimal(d: &str) -> String {
    let (int, frac) = d.split_once('.').unwrap_or((d, ""));
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    if frac.is_empty() {
        int.to_string()
    } else {
        format!("{int}.{frac}")
    }
}

/// `d` divided by ten to the `n`, exactly: 元 to 万元.
fn shift_left(d: &str, n: usize) -> String {
    let (int, frac) = d.split_once('.').unwrap_or((d, ""));
    let int = format!("{}{int}", "0".repeat(n));
    let (head, moved) = int.split_at(int.len() - n);
    plain_decimal(&format!("{head}.{moved}{frac}"))
}

/// gongshi's open data: `id`, then field names (nested ones dotted),
/// lists joined with "；", lists of objects as 日期：… 说明：….
fn open_data(sheet: &Sheet, at: usize, kind: Kind) -> Layout {
    let mut heads: Vec<String> = sheet.rows[at].iter().map(|h| norm(h)).collect();
    let fields = crate::content::kinds::fields(kind);
    let problems = unknown_headings(&mut heads, at, kind);
    let lists = |path: &str| {
        use crate::content::table::Ty;
        let top = path.split('.').next().unwrap_or(path);
        match fields.iter().find(|f| f.key == top).map(|f| f.ty) {
            Some(Ty::Texts | Ty::Choices(_) | Ty::Refs) => 1,
            Some(Ty::Objects(_)) => 2,
            _ => 0,
        }
    };
    let keys_of = |path: &str| -> Vec<&'static str> {
        use crate::content::table::Ty;
        match fields.iter().find(|f| f.key == path).map(|f| f.ty) {
            Some(Ty::Objects(fs)) => fs.iter().map(|f| f.key).collect(),
            _ => Vec::new(),
        }
    };
    let mut out = Vec::new();
    for (i, r) in sheet.rows.iter().enumerate().skip(at + 1) {
        if !nonempty(r) {
            continue;
        }
        let mut row = Row {
            line: i + 1,
            ..Row::default()
        };
        // Open data is what was published: it is imported as published
        // (a form's rows are drafts until a clerk completes them).
        row.values
            .push(("状态".into(), Cell::Text("已发布".into()), 0));
        for (c, cell) in r.iter().enumerate() {
            let (Some(h), text) = (heads.get(c), cell.trim()) else {
                continue;
            };
            if text.is_empty() || h.is_empty() || h == "url" || h == "状态" {
                continue;
            }
            if h == "id" {
                row.id = Some(text.to_string());
                continue;
            }
            // Open data guards a cell that a spreadsheet would run as a
            // formula with an apostrophe (crate::export::csv::field).
            let text = match text.strip_prefix('\'') {
                Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
                _ => text,
            };
            let v = match lists(h) {
                1 => Cell::List(text.split('；').map(|s| s.trim().to_string()).collect()),
                2 => Cell::Objects(
                    text.split('；')
                        .map(|item| object_items(item, &keys_of(h)))
                        .collect(),
                ),
                _ => Cell::Text(text.to_string()),
            };
            row.values.push((h.clone(), v, c));
        }
        out.push(row);
    }
    Layout {
        rows: out,
        problems,
    }
}

/// The headings of open data (on row `at`) that are no field of `kind`:
/// each named once, at its heading, and its column left out (cleared),
/// not once for every row.
fn unknown_headings(heads: &mut [String], at: usize, kind: Kind) -> Vec<(usize, usize, String)> {
    let fields = crate::content::kinds::fields(kind);
    let mut problems = Vec::new();
    for (c, h) in heads.iter_mut().enumerate() {
        let top = h.split('.').next().unwrap_or(h);
        let known =
            ["id", "url", "状态", ""].contains(&h.as_str()) || fields.iter().any(|f| f.key == top);
        if !known {
            problems.push((
                at + 1,
                c,
                format!(
                    "栏目「{h}」不是{}的字段，这一列不能导入（应为：{}）",
                    kind.label(),
                    fields.iter().map(|f| f.key).collect::<Vec<_>>().join("、")
                ),
            ));
            h.clear();
        }
    }
    problems
}

/// An object as open data writes it, `日期：2024-01-05 说明：更正 当事人 名称`:
/// each of `keys` followed by a full-width colon starts a value that runs
/// to the next, spaces and all.
fn object_items(item: &str, keys: &[&str]) -> Vec<(String, String)> {
    let mut starts: Vec<(usize, &str)> = Vec::new();
    for k in keys {
        let tag = format!("{k}：");
        let mut from = 0;
        while let Some(i) = item[from..].find(&tag) {
            let at = from + i;
            // A key starts the item or follows a space.
            if at == 0 || item[..at].ends_with(' ') {
                starts.push((at, k));
                break;
            }
            from = at + tag.len();
        }
    }
    starts.sort();
    starts
        .iter()
        .enumerate()
        .map(|(j, (at, k))| {
            let from = at + k.len() + '：'.len_utf8();
            let to = starts.get(j + 1).map_or(item.len(), |n| n.0);
            (k.to_string(), item[from..to].trim().to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_are_read_as_written_on_the_forms() {
        assert_eq!(stem("被检查对象 (企业或单位)"), "被检查对象");
        assert_eq!(stem("交办日期（7日内反馈）"), "交办日期");
        assert_eq!(stem("暂扣吊销 证照"), "暂扣吊销证照");
        assert_eq!(letters(0), "A");
        assert_eq!(letters(3), "D");
        assert_eq!(letters(27), "AB");
    }

    #[test]
    fn fines_are_read_in_wan_yuan_exactly() {
        assert_eq!(fine_in_wan("罚款 3 万元").unwrap(), "3");
        assert_eq!(
            fine_in_wan("罚款1.5万元，没收违法所得2万元").unwrap(),
            "1.5"
        );
        assert_eq!(fine_in_wan("罚款 500 元").unwrap(), "0.05");
        assert_eq!(fine_in_wan("罚款12345.6元").unwrap(), "1.23456");
        assert!(fine_in_wan("罚款三万元").is_err());
        assert!(fine_in_wan("罚款 3").is_err());
        let mut row = Row::default();
        party_cell(&mut row, "海城市丙（集团）有限公司(罚款 2 万元)", 1);
        assert_eq!(
            row.values[0].1,
            Cell::Text("海城市丙（集团）有限公司".into())
        );
        assert_eq!(row.values[2].1, Cell::Text("2".into()));
        let mut row = Row::default();
        party_cell(&mut row, "甲公司（罚款三万元）", 1);
        assert_eq!(row.problems.len(), 1);
    }

    #[test]
    fn a_sign_off_is_read_in_any_usual_wording() {
        let s = |t: &str| sign_off(t).map(|(d, u)| (d, u.unwrap_or_default()));
        assert_eq!(
            s("2024年2月20日，经海城市局验收，整改完毕销号。"),
            Some(("2024-02-20".into(), "海城市局".into()))
        );
        assert_eq!(
            s("2024年2月20日经海城市局验收销号"),
            Some(("2024-02-20".into(), "海城市局".into()))
        );
        assert_eq!(
            s("已于2024-02-20销号"),
            Some(("2024-02-20".into(), String::new()))
        );
        assert_eq!(s("已销号"), None);
    }

    #[test]
    fn an_object_of_open_data_keeps_its_spaces() {
        assert_eq!(
            object_items(
                "日期：2024-01-05 说明：更正 当事人 名称中的错字。",
                &["日期", "说明"]
            ),
            [
                ("日期".to_string(), "2024-01-05".to_string()),
                ("说明".to_string(), "更正 当事人 名称中的错字。".to_string())
            ]
        );
    }
}
