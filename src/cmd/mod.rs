//! One function per command; each returns the process exit status
//! (0 success, 1 content errors, 2 usage or I/O errors).

pub mod author;
pub mod build;
pub mod check;
pub mod search;

use crate::diag::Diagnostic;
use chrono::{FixedOffset, NaiveDate, Utc};

pub const OK: u8 = 0;
pub const CONTENT_ERROR: u8 = 1;
pub const USAGE_ERROR: u8 = 2;

/// Report a usage or I/O error: as JSON on standard output when the
/// command was asked for JSON (a script reads one format only), else in
/// words on standard error. Returns [`USAGE_ERROR`].
pub fn usage_error(json: bool, message: &str) -> u8 {
    if json {
        let d = crate::diag::report("", crate::diag::Pos::new(0, 0), "", message).build();
        println!(
            "{}",
            serde_json::to_string_pretty(&diagnostics_json(&[d])).unwrap_or_default()
        );
    } else {
        eprintln!("错误：{}", crate::diag::escape_controls(message));
    }
    USAGE_ERROR
}

/// Today in Asia/Shanghai (UTC+8 all year round).
pub fn today() -> NaiveDate {
    let tz = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    Utc::now().with_timezone(&tz).date_naive()
}

pub fn parse_date_arg(s: &str) -> Result<NaiveDate, String> {
    crate::content::decode::parse_date(s)
        .ok_or_else(|| format!("日期格式不正确：{s}（应为 YYYY-MM-DD）"))
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
        .filter(|d| d.severity == crate::diag::Severity::Error)
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
        .filter(|d| d.severity == crate::diag::Severity::Error)
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
