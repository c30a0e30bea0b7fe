//! Where gongshi may write, decided before anything is written.
//!
//! A path is first made absolute and normalised lexically (`.` and `..`
//! resolved without touching the disk), then the longest prefix of it that
//! exists is canonicalised (symbolic links resolved). Only then is it held
//! against the site: `--out nope/../mydir` is `mydir`, and
//! `--out SITE/x/../content` is `SITE/content`, whatever exists on the way.

use std::path::{Component, Path, PathBuf};

/// `p` made absolute (against the working directory) with `.` and `..`
/// resolved lexically.
pub fn normalize(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                // Never above the root.
                if out.parent().is_some() {
                    out.pop();
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// [`normalize`], then the longest existing prefix canonicalised.
pub fn resolve(p: &Path) -> PathBuf {
    let norm = normalize(p);
    let mut existing = norm.clone();
    let mut rest = Vec::new();
    while std::fs::symlink_metadata(&existing).is_err() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut r = existing.canonicalize().unwrap_or(existing);
    for n in rest.into_iter().rev() {
        r.push(n);
    }
    r
}

/// The user's home directory, resolved, if it is known.
fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(|h| resolve(Path::new(&h)))
}

/// Why gongshi may not write a directory of its own (an output, a cache)
/// at `dir` for the site at `site_root`; otherwise the resolved path to
/// write to. A directory that exists must be empty or carry `marker`.
pub fn writable_dir(site_root: &Path, dir: &Path, marker: &str) -> Result<PathBuf, String> {
    let site = resolve(site_root);
    let o = resolve(dir);
    let shown = dir.display();
    if o.parent().is_none() {
        return Err(format!("输出目录不能是文件系统的根目录：{shown}"));
    }
    if home().is_some_and(|h| h == o) {
        return Err(format!("输出目录不能是用户主目录：{shown}"));
    }
    if o == site || site.starts_with(&o) {
        return Err(format!("输出目录不能是站点目录或其上级目录：{shown}"));
    }
    for inner in ["content", "templates", "theme"] {
        let protected = site.join(inner);
        if o.starts_with(&protected) || protected.starts_with(&o) {
            return Err(format!(
                "输出目录不能是站点的 {inner}/ 目录、位于其中或包含它：{shown}"
            ));
        }
    }
    match std::fs::symlink_metadata(&o) {
        Ok(m) if m.is_dir() => {
            let empty = std::fs::read_dir(&o)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
            if !empty && !o.join(marker).is_file() {
                return Err(format!(
                    "输出目录已存在、非空，且不是 gongshi 生成的（缺少 {marker}），为防止误删已拒绝：{shown}"
                ));
            }
        }
        Ok(_) => return Err(format!("输出路径已存在且不是目录：{shown}")),
        Err(_) => {}
    }
    Ok(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dots_are_resolved_without_the_disk() {
        assert_eq!(normalize(Path::new("/a/b/../c/./d")), Path::new("/a/c/d"));
        assert_eq!(normalize(Path::new("/a/../../b")), Path::new("/b"));
        assert_eq!(normalize(Path::new("/nope/../x/")), Path::new("/x"));
    }
}
