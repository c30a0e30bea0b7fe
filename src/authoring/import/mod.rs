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
use forms::{Cell, Layout, Row, letters};
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
    // Problems name the file: a clerk may import several.
    let file_name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let csv = sheets.len() == 1 && sheets[0].name.is_empty();
    let prefix = format!("{}-{}", short(kind), today.format("%Y%m%d"));
    let content = crate::content::load(site).0;
    let mut plan = Plan {
        kind,
        site: site.to_path_buf(),
        taken: content
            .records
            .iter()
            .filter(|r| r.meta.kind == kind)
            .map(|r| r.meta.id.clone())
            .collect(),
        config: content.site,
        next: next_number(&dir, &prefix),
        dir: dir.clone(),
        planned: Default::default(),
        prefix,
        files: Vec::new(),
        problems: Vec::new(),
    };
    let mut found_layout = false;
    for sheet in &sheets {
        if let Some(layout) = forms::rows(sheet, kind) {
            found_layout = true;
            let place = if csv {
                file_name.clone()
            } else {
                format!("{file_name} 工作表「{}」", sheet.name)
            };
            plan.sheet(&place, layout);
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
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("无法创建目录 {}：{e}", dir.display()))?;
        write_all(&planned)?;
    }
    Ok(Imported { files, problems })
}

/// Write every planned file, or none: a file that cannot be written
/// takes back those written before it.
fn write_all(planned: &[(PathBuf, String)]) -> Result<(), String> {
    use std::io::Write;
    let mut written: Vec<&Path> = Vec::new();
    for (path, text) in planned {
        // create_new: a file made meanwhile (or a link left where the
        // record would go) is not overwritten either.
        let done = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .and_then(|mut f| {
                f.write_all(text.as_bytes())?;
                f.sync_all()
            });
        if let Err(e) = done {
            // Only files this import made are removed.
            let made_here = e.kind() != std::io::ErrorKind::AlreadyExists;
            if made_here && path.is_file() {
                let _ = std::fs::remove_file(path);
            }
            for p in written {
                let _ = std::fs::remove_file(p);
            }
            return Err(format!(
                "无法写入 {}：{}；已写入的文件已撤回，没有导入任何记录",
                path.display(),
                crate::diag::io_reason(&e)
            ));
        }
        written.push(path);
    }
    Ok(())
}

/// What an import will write, as its rows are read.
struct Plan {
    kind: Kind,
    /// The site, and its configuration: each planned record is read and
    /// checked as check would.
    site: PathBuf,
    config: crate::content::site::Site,
    /// The ids of the site's records of the kind, bulk files' included: a
    /// set, since a sheet may have many thousand rows.
    taken: std::collections::HashSet<String>,
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
    fn sheet(&mut self, sheet: &str, layout: Layout) {
        for (line, c, what) in layout.problems {
            self.problems
                .push(format!("{sheet} 第 {line} 行 {} 列：{what}", letters(c)));
        }
        // A row that repeats an earlier one, value for value, is most
        // likely pasted twice: named, not made into a second record.
        let mut seen: std::collections::HashMap<String, usize> = Default::default();
        for row in layout.rows {
            // (Rows with ids of their own are records apart.)
            let same = format!("{:?}", (&row.id, &row.values, &row.note));
            if let Some(first) = seen.get(&same) {
                self.problems.push(format!(
                    "{sheet} 第 {} 行：与第 {first} 行的内容完全相同（重复粘贴？），请删去一行后再导入",
                    row.line
                ));
                continue;
            }
            seen.insert(same, row.line);
            let where_ = |c: usize, field: &str| {
                format!("{sheet} 第 {} 行 {} 列（{field}）", row.line, letters(c))
            };
            for (c, field, what) in &row.problems {
                self.problems.push(format!("{}：{what}", where_(*c, field)));
            }
            let values = check_values(self.kind, &row, &where_, &mut self.problems);
            let id = match &row.id {
                Some(id) if crate::content::kinds::valid_id(id) => id.clone(),
                Some(id) => {
                    self.problems.push(format!(
                        "{sheet} 第 {} 行 A 列（id）：编号「{id}」不能作为记录编号（应为小写字母、数字和连字符，以字母或数字开头）",
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
            let taken = path.symlink_metadata().is_ok() || self.taken.contains(&id);
            if taken || !self.planned.insert(path.clone()) {
                let why = if taken {
                    "已存在，未覆盖"
                } else {
                    "与本表前面一行的编号相同，未导入"
                };
                self.problems.push(format!(
                    "{sheet} 第 {} 行：记录 {}/{id} {why}",
                    row.line,
                    self.kind.dir()
                ));
                continue;
            }
            let text = render(self.kind, &values, row.note.as_deref());
            self.check_as_written(&path, &text, &row, &values, &where_);
            self.files.push((path, text));
        }
    }

    /// Read the record as check will and name, at its cell, each error of
    /// a value the row gives (a wrong check digit, a negative fine, a
    /// date out of order): an import writes nothing check would reject
    /// for what it wrote. What the row leaves empty is the clerk's to
    /// complete, and check names it then.
    fn check_as_written(
        &mut self,
        path: &Path,
        text: &str,
        row: &Row,
        written: &[(String, Cell)],
        at: &dyn Fn(usize, &str) -> String,
    ) {
        let site = &self.config;
        let (records, mut diags) =
            crate::content::decode_text(&self.site, self.kind, path, text.to_string(), site);
        for r in &records {
            diags.extend(crate::check::record(r, site));
        }
        for d in diags.iter() {
            // What is left to complete is not the row's doing.
            let missing = d.found.as_deref() == Some("未填写");
            if d.severity != crate::diag::Severity::Error || missing {
                continue;
            }
            let given = row.values.iter().find(|(p, _, _)| {
                if !written.iter().any(|(w, _)| w == p) {
                    return false;
                }
                let under = |a: &str, b: &str| {
                    a == b || a.strip_prefix(b).is_some_and(|r| r.starts_with(['.', '[']))
                };
                under(&d.field, p) || under(p, &d.field)
            });
            let detail = format!(
                "{}（应为 {}；实际 {}）",
                d.message,
                d.expected.as_deref().unwrap_or("—"),
                d.found.as_deref().unwrap_or("—")
            );
            match given {
                Some((_, _, c)) => self
                    .problems
                    .push(format!("{}：{detail}", at(*c, &d.field))),
                // The file itself would not read: gongshi's own fault,
                // never written.
                None if d.field.is_empty() => self.problems.push(format!(
                    "第 {} 行：导入后的记录文件无法读取：{detail}",
                    row.line
                )),
                None => {}
            }
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
                // A year of two digits (24/1/5) is no year 24.
                Some(d) if chrono::Datelike::year(&d) >= 1900 => {
                    Cell::Text(d.format("%Y-%m-%d").to_string())
                }
                _ => {
                    problems.push(format!(
                        "{}：「{t}」不是日期（应为四位年份的日期，如 2024-01-05、2024/1/5 或 2024年1月5日）",
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
            (Ty::Money, Cell::Text(t))
                if !t.parse::<f64>().is_ok_and(|v| v.is_finite() && v >= 0.0)
                    || !t.bytes().all(|b| b.is_ascii_digit() || b == b'.') =>
            {
                problems.push(format!(
                    "{}：「{t}」不是金额（应为不小于 0 的数字，单位万元，如 3 或 0.05）",
                    at(*c, path)
                ));
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
///
/// Plain only where that is text in every place a value is written (a
/// block, or a flow list `[…]`) and no YAML reader takes it for anything
/// else: no indicator or flow character anywhere, nothing YAML 1.1 or 1.2
/// reads as a boolean, a null or a number.
fn scalar(s: &str) -> String {
    let lower = s.to_ascii_lowercase();
    let special = matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "~"
    );
    let numeric = s.starts_with(|c: char| c.is_ascii_digit() || "+.".contains(c))
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-._:".contains(c));
    let plain = !s.is_empty()
        && !s.starts_with(|c: char| "-?".contains(c) || c.is_whitespace())
        && !s.ends_with(char::is_whitespace)
        && !s.contains(|c: char| "[]{},:#&*!|>'\"%@`\\".contains(c) || c.is_control())
        && !special
        && (!numeric || crate::content::decode::parse_date(s).is_some() || decimal(s));
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_default()
    }
}

/// A decimal as an amount is written (`3`, `2.5`): plain, which gongshi
/// reads as written.
fn decimal(s: &str) -> bool {
    let (int, frac) = s.split_once('.').unwrap_or((s, "0"));
    !int.is_empty()
        && !frac.is_empty()
        && int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
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
        // What YAML reads as anything but this text is quoted.
        for s in [
            "on", "Y", "True", "0x1F", "+5", "NULL", "~", ".inf", "12:30", "1e3",
        ] {
            assert_eq!(scalar(s), serde_json::to_string(s).unwrap(), "{s}");
        }
        // What would end or split a flow list, or a key.
        for s in ["开展专项检查, 严格执法。", "整改完成:", "a{b}", "x[1]"] {
            assert!(scalar(s).starts_with('"'), "{s}");
        }
        // A date stays as the template writes one.
        assert_eq!(scalar("2024-01-05"), "2024-01-05");
        assert_eq!(scalar("2.5"), "2.5");
        assert_eq!(
            loose_date("2024年6月3日"),
            NaiveDate::from_ymd_opt(2024, 6, 3)
        );
        assert_eq!(loose_date("2024/6/3"), NaiveDate::from_ymd_opt(2024, 6, 3));
        assert_eq!(loose_date("6月3日"), None);
    }
}
