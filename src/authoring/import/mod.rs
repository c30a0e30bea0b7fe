//! `gongshi import`: the rows of a spreadsheet clerks keep (gongshi's own
//! open data, or the paper forms of seed 003) as new record files, one per
//! row, each laid out as `gongshi new` lays it out, with its comments. A
//! problem names its sheet, row and column; with any, nothing is written.
//! An existing record is never overwritten.

mod forms;
mod read;

use crate::content::decode::loose_date;
use crate::content::kinds::fields;
use crate::content::model::Kind;
use crate::content::table::{Field, Ty};
use chrono::NaiveDate;
use forms::{Cell, Row, letters};
use std::path::{Path, PathBuf};

pub struct Imported {
    /// The files written (or, with `--dry-run`, that would be).
    pub files: Vec<PathBuf>,
    /// Each problem: 工作表「…」第 N 行 X 列（字段）：….
    pub problems: Vec<String>,
}

/// Import `file` as records of `kind` into the site at `site`.
pub fn import(
    file: &Path,
    kind: Kind,
    site: &Path,
    today: NaiveDate,
    dry_run: bool,
) -> Result<Imported, String> {
    if kind == Kind::Pages {
        return Err(format!("不能导入「{}」：只能导入各类记录表", kind.label()));
    }
    let sheets = read::sheets(file)?;
    let dir = site.join("content").join(kind.dir());
    let prefix = format!("{}-{}", short(kind), today.format("%Y%m%d"));
    let mut plan = Plan {
        kind,
        next: next_number(&dir, &prefix),
        dir: dir.clone(),
        planned: Default::default(),
        prefix,
        files: Vec::new(),
        problems: Vec::new(),
    };
    let mut found_layout = false;
    for sheet in &sheets {
        if let Some(rows) = forms::rows(sheet, kind) {
            found_layout = true;
            plan.sheet(&sheet.name, rows);
        }
    }
    if !found_layout {
        return Err(format!(
            "没有认出表格的格式：应为 gongshi 导出的开放数据（含 id 列），或{}",
            match kind {
                Kind::Actions => "附件4 清单2 执法检查清单",
                Kind::Hazards => "附件4 清单4 重大隐患挂牌督办清单",
                Kind::Clues => "附件7 每日举报问题线索清单",
                _ => "本类记录的开放数据",
            }
        ));
    }
    let (planned, problems) = (plan.files, plan.problems);
    let files: Vec<PathBuf> = planned.iter().map(|(p, _)| p.clone()).collect();
    if problems.is_empty() && !dry_run {
        std::fs::create_dir_all(&dir).map_err(|e| format!("无法创建目录：{e}"))?;
        for (path, text) in &planned {
            // create_new: a file made meanwhile is not overwritten either.
            use std::io::Write;
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .map_err(|e| format!("无法写入 {}：{e}", path.display()))?;
            f.write_all(text.as_bytes())
                .map_err(|e| format!("无法写入 {}：{e}", path.display()))?;
        }
    }
    Ok(Imported { files, problems })
}

/// What an import will write, as its rows are read.
struct Plan {
    kind: Kind,
    dir: PathBuf,
    /// The paths of `files`.
    planned: std::collections::HashSet<PathBuf>,
    /// Imported ids: `PREFIX-NNN`.
    prefix: String,
    next: usize,
    files: Vec<(PathBuf, String)>,
    problems: Vec<String>,
}

impl Plan {
    /// The files of a sheet's rows, or the problems of its cells.
    fn sheet(&mut self, sheet: &str, rows: Vec<Row>) {
        for row in rows {
            let where_ = |c: usize, field: &str| {
                format!(
                    "工作表「{sheet}」第 {} 行 {} 列（{field}）",
                    row.line,
                    letters(c)
                )
            };
            let values = check_values(self.kind, &row, &where_, &mut self.problems);
            let id = match &row.id {
                Some(id) if crate::content::kinds::valid_id(id) => id.clone(),
                Some(id) => {
                    self.problems.push(format!(
                        "工作表「{sheet}」第 {} 行：编号「{id}」不能作为记录编号（小写字母、数字和连字符）",
                        row.line
                    ));
                    continue;
                }
                None => {
                    self.next += 1;
                    format!("{}-{:03}", self.prefix, self.next)
                }
            };
            let path = self.dir.join(format!("{id}.yaml"));
            // A set of the paths planned: a sheet of many thousand rows
            // is not compared row against row.
            if path.exists() || !self.planned.insert(path.clone()) {
                self.problems.push(format!(
                    "工作表「{sheet}」第 {} 行：记录 {}/{id} 已存在，未覆盖",
                    row.line,
                    self.kind.dir()
                ));
                continue;
            }
            let text = render(self.kind, &values, row.note.as_deref());
            self.files.push((path, text));
        }
    }
}

/// The prefix of imported ids: a kind's initials.
fn short(kind: Kind) -> &'static str {
    match kind {
        Kind::Cases => "al",
        Kind::Actions => "zf",
        Kind::Hazards => "yh",
        Kind::Accountability => "wz",
        Kind::Clues => "xs",
        Kind::Blacklist => "hmd",
        Kind::Daily | Kind::Pages => "im",
    }
}

/// The highest number already used after `prefix-` in `dir`.
fn next_number(dir: &Path, prefix: &str) -> usize {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().to_string();
                    name.strip_prefix(&format!("{prefix}-"))?
                        .strip_suffix(".yaml")?
                        .parse::<usize>()
                        .ok()
                })
                .max()
                .unwrap_or(0)
        })
        .unwrap_or(0)
}

/// The field of a path (`当事人.名称` → 名称 of 当事人).
fn field_of(kind: Kind, path: &str) -> Option<Field> {
    let mut parts = path.split('.');
    let first = parts.next()?;
    let mut f = fields(kind).into_iter().find(|f| f.key == first)?;
    for p in parts {
        f = match f.ty {
            Ty::Object(fs) | Ty::Objects(fs) => *fs.iter().find(|x| x.key == p)?,
            Ty::Party | Ty::Results => {
                return Some(Field {
                    key: "",
                    required: false,
                    ty: Ty::Text,
                    help: "",
                });
            }
            _ => return None,
        };
    }
    Some(f)
}

/// The values of a row, checked against their fields: dates written any
/// usual way become YYYY-MM-DD, choices must be of their list.
fn check_values(
    kind: Kind,
    row: &Row,
    at: &dyn Fn(usize, &str) -> String,
    problems: &mut Vec<String>,
) -> Vec<(String, Cell)> {
    let mut out = Vec::new();
    for (path, cell, c) in &row.values {
        let Some(field) = field_of(kind, path) else {
            problems.push(format!("{}：没有这个字段", at(*c, path)));
            continue;
        };
        let cell = match (&field.ty, cell) {
            (Ty::Date, Cell::Text(t)) => match loose_date(t) {
                Some(d) => Cell::Text(d.format("%Y-%m-%d").to_string()),
                None => {
                    problems.push(format!(
                        "{}：「{t}」不是日期（应为 YYYY-MM-DD）",
                        at(*c, path)
                    ));
                    continue;
                }
            },
            (Ty::Choice(choices), Cell::Text(t)) if !choices.contains(&t.as_str()) => {
                problems.push(format!(
                    "{}：「{t}」不在规定的取值中（{}）",
                    at(*c, path),
                    choices.join("、")
                ));
                continue;
            }
            (Ty::Money, Cell::Text(t)) if t.parse::<f64>().is_err() => {
                problems.push(format!("{}：「{t}」不是数字（万元）", at(*c, path)));
                continue;
            }
            (Ty::Texts | Ty::Choices(_) | Ty::Refs, Cell::Text(t)) => Cell::List(
                t.split(['；', '、'])
                    .map(|s| s.trim().to_string())
                    .collect(),
            ),
            (_, c) => c.clone(),
        };
        out.push((path.clone(), cell));
    }
    out
}

/// A YAML scalar for `s`: plain when that reads back the same, quoted
/// otherwise.
fn scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && !s.starts_with(|c: char| "[]{}&*!|>'\"%@`#-?:,".contains(c) || c.is_whitespace())
        && !s.ends_with(char::is_whitespace)
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.contains('\n')
        && !matches!(s, "true" | "false" | "null" | "~" | "yes" | "no");
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_default()
    }
}

/// One key of the record with its value from the row, at `pad`: a text,
/// a list, a list of objects, or an object the template leaves empty.
fn entry(
    pad: &str,
    key: &str,
    path: &str,
    value: Option<&Cell>,
    values: &[(String, Cell)],
) -> String {
    let mut out = String::new();
    match value {
        Some(Cell::Text(t)) if t.contains('\n') => {
            out.push_str(&format!("{pad}{key}: |\n"));
            for l in t.lines() {
                out.push_str(&format!("{pad}  {l}\n"));
            }
        }
        Some(Cell::Text(t)) => out.push_str(&format!("{pad}{key}: {}\n", scalar(t))),
        Some(Cell::List(items)) => {
            let items: Vec<String> = items.iter().map(|s| scalar(s)).collect();
            out.push_str(&format!("{pad}{key}: [{}]\n", items.join(", ")));
        }
        Some(Cell::Objects(objs)) => {
            out.push_str(&format!("{pad}{key}:\n"));
            for o in objs {
                for (j, (k, v)) in o.iter().enumerate() {
                    let lead = if j == 0 { "- " } else { "  " };
                    out.push_str(&format!("{pad}  {lead}{k}: {}\n", scalar(v)));
                }
            }
        }
        None => {
            out.push_str(&format!("{pad}{key}:\n"));
            let prefix = format!("{path}.");
            for (k, v) in values.iter().filter(|(k, _)| k.starts_with(&prefix)) {
                if let Cell::Text(t) = v {
                    out.push_str(&format!("{pad}  {}: {}\n", &k[prefix.len()..], scalar(t)));
                }
            }
        }
    }
    out
}

/// The record as `gongshi new` writes it, every field with its comment,
/// with the row's values in place.
fn render(kind: Kind, values: &[(String, Cell)], note: Option<&str>) -> String {
    let template = crate::content::fields::template(kind, None);
    let lines: Vec<&str> = template.lines().collect();
    let mut out = String::new();
    if let Some(n) = note {
        out.push_str(&format!("# 导入时的备注：{}\n", n.replace('\n', " ")));
    }
    let get = |p: &str| values.iter().find(|(k, _)| k == p).map(|(_, v)| v);
    let under = |p: &str| values.iter().any(|(k, _)| k.starts_with(&format!("{p}.")));
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut skip_below: Option<usize> = None;
    for (i, line) in lines.iter().enumerate() {
        let indent = line.len() - line.trim_start().len();
        let body = line.trim_start();
        if let Some(s) = skip_below {
            if indent > s {
                continue;
            }
            skip_below = None;
        }
        if body.starts_with('#') || body.is_empty() || body.starts_with("- ") {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let Some((key, _)) = body.split_once(':') else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        while stack.last().is_some_and(|(d, _)| *d >= indent) {
            stack.pop();
        }
        let path = stack
            .iter()
            .map(|(_, k)| k.as_str())
            .chain([key])
            .collect::<Vec<_>>()
            .join(".");
        stack.push((indent, key.to_string()));
        let pad = " ".repeat(indent);
        let has_children = lines[i + 1..]
            .iter()
            .find(|l| !l.trim_start().starts_with('#'))
            .is_some_and(|l| l.len() - l.trim_start().len() > indent);
        let value = get(&path);
        if value.is_none() && (has_children || !under(&path)) {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        if matches!(value, Some(Cell::Objects(_))) {
            skip_below = Some(indent);
        }
        out.push_str(&entry(&pad, key, &path, value, values));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_written_as_yaml_reads_them_back() {
        assert_eq!(scalar("某公司"), "某公司");
        assert_eq!(scalar("- 开头"), "\"- 开头\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(scalar(""), "\"\"");
        assert_eq!(
            loose_date("2024年6月3日"),
            NaiveDate::from_ymd_opt(2024, 6, 3)
        );
        assert_eq!(loose_date("2024/6/3"), NaiveDate::from_ymd_opt(2024, 6, 3));
        assert_eq!(loose_date("6月3日"), None);
    }
}
