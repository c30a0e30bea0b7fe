//! What gongshi reads stays inside the site: every file it opens (records,
//! pages, site.yaml, templates, theme files), and the input directories
//! themselves, must resolve to a path inside the site directory, and must
//! be regular files. A symbolic link that leaves the site is an error
//! naming the link; a FIFO, socket or device is an error and is never
//! opened (a FIFO would block the build forever).

use crate::diag::{Diagnostic, Pos, report};
use std::path::{Path, PathBuf};

/// The input directories of a site, besides the record directories.
pub const INPUT_DIRS: [&str; 3] = ["content", "templates", "theme"];

/// Why `path` may not be read as an input of the site at `root`; None
/// if it may (or does not exist).
pub fn refusal(root: &Path, path: &Path) -> Option<String> {
    refusal_within(&resolved(root), path)
}

/// The site directory with its links resolved, for [`refusal_within`] and
/// [`open_within`].
pub fn resolved(root: &Path) -> PathBuf {
    root.canonicalize().unwrap_or_else(|_| root.to_path_buf())
}

/// [`refusal`] in the site directory `canon_root`, already resolved
/// ([`resolved`]): what reads many files resolves it once.
pub fn refusal_within(canon_root: &Path, path: &Path) -> Option<String> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    let target = match path.canonicalize() {
        Ok(t) => t,
        Err(_) if meta.file_type().is_symlink() => {
            return Some("符号链接指向不存在的位置".to_string());
        }
        Err(e) => return Some(format!("无法解析路径：{e}")),
    };
    if !target.starts_with(canon_root) {
        return Some(format!("符号链接指向站点目录之外：{}", target.display()));
    }
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() && !meta.is_dir() {
        return Some("不是普通文件（命名管道、套接字或设备文件），未读取".to_string());
    }
    None
}

/// Open `path` for reading: only a regular file, without waiting (a FIFO
/// that appeared after the check is not waited on), only inside `root`.
pub fn open(root: &Path, path: &Path) -> Result<std::fs::File, String> {
    open_within(&resolved(root), path)
}

/// [`open`] in the site directory `canon_root`, already resolved.
pub fn open_within(canon_root: &Path, path: &Path) -> Result<std::fs::File, String> {
    if let Some(why) = refusal_within(canon_root, path) {
        return Err(why);
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options
        .open(path)
        .map_err(|e| format!("无法读取文件：{e}"))?;
    match file.metadata() {
        Ok(m) if m.is_file() => Ok(file),
        Ok(_) => Err("不是普通文件，未读取".to_string()),
        Err(e) => Err(format!("无法读取文件：{e}")),
    }
}

/// Read an input file of the site whole: None if it does not exist.
pub fn read(root: &Path, path: &Path) -> Result<Option<Vec<u8>>, String> {
    use std::io::Read;
    if std::fs::symlink_metadata(path).is_err() {
        return Ok(None);
    }
    let mut f = open(root, path)?;
    let mut bytes = Vec::new();
    f.read_to_end(&mut bytes)
        .map_err(|e| format!("无法读取文件：{e}"))?;
    Ok(Some(bytes))
}

/// The problems of a site's input directories and of the files below
/// `templates/` and `theme/`: links that leave the site, files that are
/// not regular. (Record files are checked as they are listed.)
pub fn check(root: &Path) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut refuse = |path: &Path, why: String| {
        out.push(
            report(&super::rel(root, path), Pos::FILE, "", why)
                .expected("站点目录之内的普通文件或目录")
                .found(path.display().to_string())
                .build(),
        );
    };
    for dir in INPUT_DIRS {
        let base = root.join(dir);
        if let Some(why) = refusal(root, &base) {
            refuse(&base, why);
            continue;
        }
        if dir == "content" || !base.is_dir() {
            continue;
        }
        let mut entries: Vec<PathBuf> = walkdir::WalkDir::new(&base)
            .min_depth(1)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| !e.file_type().is_dir())
            .map(|e| e.into_path())
            .collect();
        entries.sort();
        for p in entries {
            if let Some(why) = refusal(root, &p) {
                refuse(&p, why);
            }
        }
    }
    out
}
