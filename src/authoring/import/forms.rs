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
pub fn rows(sheet: &Sheet, kind: Kind) -> Option<Vec<Row>> {
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
            Kind::Hazards if has(HAZARD_FORM, 6) => return Some(form(sheet, i, HAZARD_FORM)),
            Kind::Clues if has(CLUE_FORM, 6) => return Some(form(sheet, i, CLUE_FORM)),
            Kind::Actions
                if heads.first().is_some_and(|h| h == "序号") && measure_of(&heads).is_some() =>
            {
                return Some(enforcement(sheet, i));
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
fn form(sheet: &Sheet, at: usize, names: &[(&str, &str)]) -> Vec<Row> {
    let heads: Vec<String> = sheet.rows[at].iter().map(|h| stem(h)).collect();
    let columns: Vec<Option<&str>> = heads
        .iter()
        .map(|h| names.iter().find(|(n, _)| n == h).map(|(_, p)| *p))
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
    out
}

/// A cell whose column maps onto several fields, or none.
fn special(row: &mut Row, path: &str, text: &str, c: usize) {
    let mut put = |p: &str, v: Cell| row.values.push((p.to_string(), v, c));
    match path {
        // xx年xx月xx日，经xx单位验收，整改完毕销号。
        "=销号" => {
            if let Some((date, rest)) = text.split_once('，')
                && let Some(unit) = rest.strip_prefix('经').and_then(|r| r.split_once("验收"))
            {
                put("销号.日期", Cell::Text(date.to_string()));
                put("销号.验收单位", Cell::Text(unit.0.to_string()));
            }
        }
        // 违法性质：…；停产整顿：…
        "=办理结果" => {
            for part in text.split(['；', ';', '\n']) {
                if let Some((item, what)) = part.split_once(['：', ':']) {
                    put(
                        &format!("办理结果.{}", item.trim()),
                        Cell::Text(what.trim().to_string()),
                    );
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

/// 某公司（罚款 3 万元）: the party, and a fine.
fn party_cell(row: &mut Row, text: &str, c: usize) {
    let (name, fine) = match text.split_once('（') {
        Some((n, rest)) if rest.starts_with("罚款") => {
            let amount: String = rest
                .chars()
                .filter(|ch| ch.is_ascii_digit() || *ch == '.')
                .collect();
            (n.trim(), Some(amount))
        }
        _ => (text, None),
    };
    row.values
        .push(("当事人.名称".into(), Cell::Text(name.into()), c));
    if let Some(f) = fine.filter(|f| !f.is_empty()) {
        row.values
            .push(("处罚类别".into(), Cell::List(vec!["罚款".into()]), c));
        row.values.push(("罚款金额".into(), Cell::Text(f), c));
    }
}

/// gongshi's open data: `id`, then field names (nested ones dotted),
/// lists joined with "；", lists of objects as 日期：… 说明：….
fn open_data(sheet: &Sheet, at: usize, kind: Kind) -> Vec<Row> {
    let heads: Vec<String> = sheet.rows[at].iter().map(|h| norm(h)).collect();
    let fields = crate::content::kinds::fields(kind);
    let lists = |path: &str| {
        use crate::content::table::Ty;
        let top = path.split('.').next().unwrap_or(path);
        match fields.iter().find(|f| f.key == top).map(|f| f.ty) {
            Some(Ty::Texts | Ty::Choices(_) | Ty::Refs) => 1,
            Some(Ty::Objects(_)) => 2,
            _ => 0,
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
            if text.is_empty() || h == "url" || h == "状态" {
                continue;
            }
            if h == "id" {
                row.id = Some(text.to_string());
                continue;
            }
            let v = match lists(h) {
                1 => Cell::List(text.split('；').map(|s| s.trim().to_string()).collect()),
                2 => Cell::Objects(
                    text.split('；')
                        .map(|item| {
                            item.split(' ')
                                .filter_map(|kv| kv.split_once('：'))
                                .map(|(k, v)| (k.to_string(), v.to_string()))
                                .collect()
                        })
                        .collect(),
                ),
                _ => Cell::Text(text.to_string()),
            };
            row.values.push((h.clone(), v, c));
        }
        out.push(row);
    }
    out
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
}
