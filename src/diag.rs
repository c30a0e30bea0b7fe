//! Diagnostics: every problem found in a site, with its place.
//!
//! Loading and checking never stop at the first problem: they push
//! [`Diagnostic`]s into a [`Diagnostics`] list, and the command decides at the
//! end whether anything may be written. Messages are in Chinese, for the staff
//! who write the records; the location is `PATH:LINE:COL` so that editors can
//! jump to it.

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A position in a source file, 1-based. Problems with a whole file are at 1:1.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

impl Pos {
    pub const FILE: Pos = Pos { line: 1, col: 1 };
    pub fn new(line: u32, col: u32) -> Pos {
        Pos { line, col }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the site directory, with `/` separators.
    pub path: String,
    pub line: u32,
    pub column: u32,
    /// The key the problem is about (`当事人.统一社会信用代码`), empty for the file.
    pub field: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
}

impl Diagnostic {
    pub fn location(&self) -> String {
        if self.line == 0 {
            format!("{}:1:1", self.path)
        } else {
            format!("{}:{}:{}", self.path, self.line, self.column)
        }
    }
}

/// Why a file could not be read or written, in Chinese.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let why = match e.kind() {
        K::NotFound => "文件或目录不存在",
        K::PermissionDenied => "没有权限",
        K::AlreadyExists => "已有同名的文件",
        K::StorageFull => "磁盘已满",
        K::ReadOnlyFilesystem => "文件系统只读",
        K::IsADirectory => "这是一个目录",
        K::NotADirectory => "路径中的某一级不是目录",
        K::InvalidData => "内容无法读取",
        _ => return format!("系统错误：{e}"),
    };
    why.to_string()
}

/// `s` safe to print on a terminal: control characters (C0 but tab, C1,
/// DEL), line breaks and the bidirectional controls that reorder what a
/// terminal shows are written as `\u{…}`, so that no input can move the
/// cursor, change colours or forge a line of the report.
pub fn escape_controls(s: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| {
        (c.is_control() && c != '\t')
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
    };
    if !s.chars().any(bad) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        };
        write!(f, "{}: {level}", escape_controls(&self.location()))?;
        if !self.field.is_empty() {
            write!(f, " [{}]", escape_controls(&self.field))?;
        }
        write!(f, ": {}", escape_controls(&self.message))?;
        if let Some(e) = &self.expected {
            write!(f, "\n    应为: {}", escape_controls(e))?;
        }
        if let Some(found) = &self.found {
            write!(f, "\n    实际: {}", escape_controls(found))?;
        }
        Ok(())
    }
}

/// A builder for one diagnostic; finish it with [`Diagnostics::push`].
pub struct Report {
    d: Diagnostic,
}

impl Report {
    pub fn expected(mut self, e: impl Into<String>) -> Self {
        self.d.expected = Some(e.into());
        self
    }
    pub fn found(mut self, f: impl Into<String>) -> Self {
        self.d.found = Some(truncate(&f.into(), 80));
        self
    }
    pub fn warning(mut self) -> Self {
        self.d.severity = Severity::Warning;
        self
    }
    pub fn build(self) -> Diagnostic {
        self.d
    }
}

/// Start a diagnostic at `path:pos` about `field`.
pub fn report(path: &str, pos: Pos, field: &str, message: impl Into<String>) -> Report {
    Report {
        d: Diagnostic {
            severity: Severity::Error,
            path: path.to_string(),
            line: pos.line,
            column: pos.col,
            field: field.to_string(),
            message: message.into(),
            expected: None,
            found: None,
        },
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}

/// All diagnostics of a run, in a stable order.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, r: Report) {
        self.items.push(r.build());
    }
    pub fn push_diag(&mut self, d: Diagnostic) {
        self.items.push(d);
    }
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }
    pub fn errors(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
    pub fn warnings(&self) -> usize {
        self.items.len() - self.errors()
    }
    /// Sorted by file, then position, so that output never depends on thread timing.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| {
            (&a.path, a.line, a.column, a.severity, &a.field, &a.message)
                .cmp(&(&b.path, b.line, b.column, b.severity, &b.field, &b.message))
        });
        self.items.dedup();
        self.items
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
    pub fn len(&self) -> usize {
        self.items.len()
    }
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
}

/// Print diagnostics for people, then a summary line.
pub fn print_human(diags: &[Diagnostic], to_stderr: bool) {
    let mut s = String::new();
    for d in diags {
        s.push_str(&d.to_string());
        s.push('\n');
    }
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diags.len() - errors;
    if errors > 0 || warnings > 0 {
        s.push_str(&format!("共 {errors} 个错误，{warnings} 个警告\n"));
    }
    if to_stderr {
        eprint!("{s}");
    } else {
        print!("{s}");
    }
}

pub fn diagnostics_json(diags: &[Diagnostic]) -> serde_json::Value {
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let items: Vec<serde_json::Value> = diags
        .iter()
        .map(|d| {
            let mut v = serde_json::to_value(d).unwrap_or_default();
            if let serde_json::Value::Object(m) = &mut v {
                let location = if d.path.is_empty() {
                    String::new()
                } else {
                    d.location()
                };
                m.insert("location".into(), location.into());
            }
            v
        })
        .collect();
    serde_json::json!({ "errors": errors, "warnings": diags.len() - errors, "diagnostics": items })
}
