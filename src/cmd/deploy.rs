//! `gongshi deploy [SITE] [--out DIR] --to s3://BUCKET/PREFIX [--dry-run]`
//! (see [`crate::deploy`]).

use super::{OK, USAGE_ERROR};
use std::path::{Path, PathBuf};

pub fn run(site: &Path, out: Option<PathBuf>, to: String, dry_run: bool) -> u8 {
    let out = out.unwrap_or_else(|| site.join("public"));
    let progress = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let opts = crate::deploy::DeployOptions { out, to, dry_run };
    match crate::deploy::run(&opts, progress) {
        Ok(s) => {
            let what = if dry_run { "将上传" } else { "已上传" };
            let will = if dry_run { "将" } else { "" };
            let mut line = format!(
                "{what} {} 个文件（{}），未变 {} 个，{will}删除 {} 个",
                s.uploaded,
                size(s.uploaded_bytes),
                s.unchanged,
                s.deleted
            );
            if s.foreign > 0 {
                line.push_str(&format!(
                    "；前缀下另有 {} 个对象不是 gongshi 上传的，未改动",
                    s.foreign
                ));
            }
            if dry_run {
                line.push_str("（--dry-run：未改动存储）");
            }
            eprintln!("{line}");
            OK
        }
        Err(f) => {
            eprintln!("错误：{}", crate::diag::escape_controls(&f.message));
            if f.uploaded > 0 {
                eprintln!(
                    "已上传 {} 个文件后停止：站点可能只更新了一部分。排除问题后重新运行 gongshi deploy，会补齐其余部分。",
                    f.uploaded
                );
            }
            USAGE_ERROR
        }
    }
}

/// Bytes as a reader takes them in: exact, and in MB when that many.
fn size(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{bytes} 字节，{:.1} MB", bytes as f64 / 1e6)
    } else {
        format!("{bytes} 字节")
    }
}
