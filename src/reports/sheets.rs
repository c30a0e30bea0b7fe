//! The report forms as CSV (UTF-8 with BOM) and XLSX (with the form's merged
//! header cells), for staff who file them onwards.

use super::forms::{DailyReport, ProgressRow, WeeklyReport};
use crate::xlsx::{Book, Sheet, Style};

pub const PROGRESS_GROUPS: [(&str, usize); 5] = [
    ("单位/项目", 1),
    ("检查组（个）", 1),
    ("集中行动开展情况", 3),
    ("执法情况", 5),
    ("问责曝光工作不力情况", 3),
];
pub const PROGRESS_HEAD: [&str; 11] = [
    "检查企业（家）",
    "非法违法生产经营行为案例",
    "重大隐患",
    "责令限期整改企业（家）",
    "行政罚款（万元）",
    "停产整顿（家）",
    "暂扣吊销证照（个）",
    "关闭取缔（家）",
    "追究问责情况（党政纪处分/追究刑事责任）",
    "曝光单位（家）",
    "典型（个）",
];
pub const HAZARD_HEAD: [&str; 12] = [
    "序号",
    "检查单位",
    "行业领域",
    "被检查对象（企业或单位）",
    "重大隐患内容",
    "整改措施",
    "整改时限",
    "整改责任单位",
    "整改责任人",
    "挂牌督办单位（政府或部门）",
    "挂牌责任人",
    "整改销号情况",
];
pub const WEEKLY_HEAD: [&str; 9] = [
    "序号",
    "生产经营建设单位名称/非法企业名称",
    "核查单位",
    "是否提级核查",
    "所在乡镇",
    "企业类别",
    "重大事故隐患/具体非法违法行为明细",
    "违法性质",
    "处理措施",
];

pub fn progress_cells(r: &ProgressRow) -> Vec<String> {
    vec![
        r.unit.clone(),
        r.groups.to_string(),
        r.companies.to_string(),
        r.illegal.to_string(),
        r.hazards.to_string(),
        r.rectify.to_string(),
        crate::base::format_wan(r.fines),
        r.suspend.to_string(),
        r.licences.to_string(),
        r.closed.to_string(),
        r.accountability.to_string(),
        r.exposed.to_string(),
        r.typical.to_string(),
    ]
}

fn enforcement_cells(i: usize, x: &super::forms::EnforcementRow) -> Vec<String> {
    vec![
        (i + 1).to_string(),
        x.party.clone(),
        x.reason.clone(),
        x.accepted.clone(),
        x.accept_unit.clone(),
        x.outcome.clone(),
        x.note.clone(),
    ]
}

fn accountability_cells(i: usize, a: &super::forms::AccountabilityRow) -> Vec<String> {
    vec![
        (i + 1).to_string(),
        a.name.clone(),
        a.unit.clone(),
        a.post.clone(),
        a.form.clone(),
    ]
}

fn hazard_cells(i: usize, h: &super::forms::HazardRow) -> Vec<String> {
    vec![
        (i + 1).to_string(),
        h.inspector.clone(),
        h.sector.clone(),
        h.party.clone(),
        h.content.clone(),
        h.measures.clone(),
        h.deadline.clone(),
        h.resp_unit.clone(),
        h.resp_person.clone(),
        h.listing_unit.clone(),
        h.listing_person.clone(),
        h.signoff.clone(),
    ]
}

/// A line of a report's CSV: each cell as open data writes it (quoted
/// where it must be, a leading = + - @ tab or CR guarded).
fn csv_line(cells: &[String]) -> String {
    let mut s = cells
        .iter()
        .map(|c| crate::export::csv::field(c))
        .collect::<Vec<_>>()
        .join(",");
    s.push_str("\r\n");
    s
}

fn owned(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

pub fn daily_csv(r: &DailyReport) -> Vec<u8> {
    let mut s = String::from("\u{feff}");
    s.push_str(&csv_line(&[format!("集中行动四个清单（日报） {}", r.date)]));
    s.push_str(&csv_line(&owned(&["1.集中行动进展清单"])));
    let mut head = owned(&["单位/项目", "检查组（个）"]);
    head.extend(owned(&PROGRESS_HEAD));
    s.push_str(&csv_line(&head));
    s.push_str(&csv_line(&progress_cells(&r.total)));
    for p in &r.progress {
        s.push_str(&csv_line(&progress_cells(p)));
    }
    s.push_str("\r\n");
    s.push_str(&csv_line(&owned(&["2.集中行动执法检查清单"])));
    for t in &r.enforcement {
        s.push_str(&csv_line(&owned(&[
            "序号",
            t.head,
            t.reason_head,
            "验收时间",
            "验收单位",
            "整改情况",
            "备注",
        ])));
        for (i, row) in t.rows.iter().enumerate() {
            s.push_str(&csv_line(&enforcement_cells(i, row)));
        }
    }
    s.push_str("\r\n");
    s.push_str(&csv_line(&owned(&["3.集中行动追责问责清单"])));
    s.push_str(&csv_line(&owned(&[
        "序号",
        "姓名",
        "单位",
        "职务",
        "追责问责情形",
    ])));
    for (i, a) in r.accountability.iter().enumerate() {
        s.push_str(&csv_line(&accountability_cells(i, a)));
    }
    s.push_str("\r\n");
    s.push_str(&csv_line(&owned(&["4.集中行动重大隐患挂牌督办清单"])));
    s.push_str(&csv_line(&owned(&HAZARD_HEAD)));
    for (i, h) in r.hazards.iter().enumerate() {
        s.push_str(&csv_line(&hazard_cells(i, h)));
    }
    s.into_bytes()
}

pub fn weekly_rows(r: &WeeklyReport) -> Vec<Vec<String>> {
    r.rows
        .iter()
        .enumerate()
        .map(|(i, w)| {
            vec![
                (i + 1).to_string(),
                w.name.clone(),
                w.checker.clone(),
                w.escalated.to_string(),
                w.town.clone(),
                w.category.clone(),
                w.detail.clone(),
                w.nature.clone(),
                w.measures.clone(),
            ]
        })
        .collect()
}

pub fn weekly_csv(r: &WeeklyReport) -> Vec<u8> {
    let mut s = String::from("\u{feff}");
    s.push_str(&csv_line(&[format!(
        "非法违法生产经营建设行为、重大事故隐患统计表（周报） {}（{} 至 {}）",
        r.key, r.start, r.end
    )]));
    s.push_str(&csv_line(&owned(&WEEKLY_HEAD)));
    for row in weekly_rows(r) {
        s.push_str(&csv_line(&row));
    }
    s.into_bytes()
}

/// One row of a form from column 0; from `numeric_from` on, cells that are
/// numbers are written as numbers.
fn row(ws: &mut Sheet, r: u32, cells: &[String], numeric_from: u16) {
    for (c, v) in cells.iter().enumerate() {
        let c = c as u16;
        match v.parse::<f64>() {
            Ok(n) if c >= numeric_from => ws.number(r, c, n, Style::Num),
            _ => ws.text(r, c, v, Style::Cell),
        }
    }
}

/// 附件1: the progress table, with its two rows of headings.
fn progress_sheet(wb: &mut Book, r: &DailyReport) {
    let ws = wb.sheet("1.进展清单");
    ws.merge(
        (0, 0),
        (0, 12),
        &format!("“百日攻坚”集中行动进展清单 {}", r.date),
        Style::Title,
    );
    let mut col = 0u16;
    for (label, span) in PROGRESS_GROUPS {
        let span = span as u16;
        if span == 1 {
            ws.merge((1, col), (2, col), label, Style::Head);
        } else {
            ws.merge((1, col), (1, col + span - 1), label, Style::Head);
        }
        col += span;
    }
    for (i, h) in PROGRESS_HEAD.iter().enumerate() {
        ws.text(2, i as u16 + 2, h, Style::Head);
    }
    row(ws, 3, &progress_cells(&r.total), 1);
    for (i, p) in r.progress.iter().enumerate() {
        row(ws, 4 + i as u32, &progress_cells(p), 1);
    }
    ws.width(0, 0, 14.0);
    ws.width(1, 12, 11.0);
}

/// 附件2: a table for each measure, one under the other.
fn enforcement_sheet(wb: &mut Book, r: &DailyReport) {
    let ws = wb.sheet("2.执法检查清单");
    ws.merge(
        (0, 0),
        (0, 6),
        &format!("集中行动执法检查清单 {}", r.date),
        Style::Title,
    );
    let mut at = 1u32;
    for t in &r.enforcement {
        for (c, h) in [(0u16, "序号"), (1, t.head), (2, t.reason_head), (6, "备注")] {
            ws.merge((at, c), (at + 1, c), h, Style::Head);
        }
        ws.merge((at, 3), (at, 5), "整改验收情况", Style::Head);
        for (c, h) in [(3u16, "验收时间"), (4, "验收单位"), (5, "整改情况")] {
            ws.text(at + 1, c, h, Style::Head);
        }
        at += 2;
        for (i, x) in t.rows.iter().enumerate() {
            row(ws, at, &enforcement_cells(i, x), 0);
            at += 1;
        }
        at += 1;
    }
    ws.width(1, 6, 20.0);
}

pub fn daily_xlsx(r: &DailyReport) -> Result<Vec<u8>, String> {
    let mut wb = Book::new(r.date);
    progress_sheet(&mut wb, r);
    enforcement_sheet(&mut wb, r);
    table_sheet(
        &mut wb,
        "3.追责问责清单",
        &format!("集中行动追责问责清单 {}", r.date),
        &[
            "序号",
            "姓名",
            "单位",
            "职务",
            "追责问责情形（党政纪处分/追究刑事责任）",
        ],
        r.accountability
            .iter()
            .enumerate()
            .map(|(i, a)| accountability_cells(i, a)),
        20.0,
    );
    table_sheet(
        &mut wb,
        "4.重大隐患挂牌督办清单",
        &format!("集中行动重大隐患挂牌督办清单 {}", r.date),
        &HAZARD_HEAD,
        r.hazards
            .iter()
            .enumerate()
            .map(|(i, h)| hazard_cells(i, h)),
        16.0,
    );
    wb.into_bytes()
}

pub fn weekly_xlsx(r: &WeeklyReport) -> Result<Vec<u8>, String> {
    let mut wb = Book::new(r.end);
    table_sheet(
        &mut wb,
        "周报",
        &format!(
            "非法违法生产经营建设行为、重大事故隐患统计表（周报）{}（{} 至 {}）",
            r.key, r.start, r.end
        ),
        &WEEKLY_HEAD,
        weekly_rows(r).into_iter(),
        18.0,
    );
    wb.into_bytes()
}

/// A form of one heading row: the title merged across its columns, the
/// headings, the rows, and the columns after the first `width` wide.
fn table_sheet(
    wb: &mut Book,
    name: &str,
    title: &str,
    heads: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
    width: f64,
) {
    let last = heads.len().saturating_sub(1) as u16;
    let ws = wb.sheet(name);
    ws.merge((0, 0), (0, last), title, Style::Title);
    for (c, h) in heads.iter().enumerate() {
        ws.text(1, c as u16, h, Style::Head);
    }
    for (i, cells) in rows.enumerate() {
        row(ws, 2 + i as u32, &cells, 0);
    }
    ws.width(1, last, width);
}

#[cfg(test)]
mod csv_tests {
    /// A report's cells are guarded against formulas as open data's are,
    /// a tab or a carriage return before the = included.
    #[test]
    fn a_cell_that_would_run_as_a_formula_is_guarded() {
        let cells: Vec<String> = ["=1+1", "\t=1+1", "\r=1+1", "@x", "-x", "-3", "安全"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            super::csv_line(&cells),
            "'=1+1,'\t=1+1,\"'\r=1+1\",'@x,'-x,-3,安全\r\n"
        );
    }
}
