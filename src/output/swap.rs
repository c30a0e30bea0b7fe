//! Putting a finished site in place of the previous one, and clearing away
//! what killed builds left; one build at a time per output.

use super::*;

/// The lock that keeps two builds from writing the same output at once:
/// a file beside the output, locked while the lock lives.
pub struct OutputLock {
    pub(super) _file: std::fs::File,
}

impl OutputLock {
    /// Take the lock of `out`; if another build holds it, say so on
    /// standard error and wait for it.
    pub fn take(out: &Path) -> std::io::Result<OutputLock> {
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "public".into());
        let path = out.with_file_name(format!(".{name}.lock"));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)?;
        #[cfg(unix)]
        {
            use std::os::fd::AsRawFd;
            // SAFETY: flock only reads its arguments; the descriptor is
            // open for the calls.
            let free = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0;
            if !free {
                eprintln!("另一个构建正在写入 {}，等待它完成…", out.display());
                // SAFETY: as above.
                if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } != 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
        }
        Ok(OutputLock { _file: file })
    }
}

/// Remove temporary directories left by builds that were killed.
pub(super) fn clean_stale(parent: &Path, name: &str) {
    let prefix = format!(".{name}.tmp-");
    let Ok(rd) = std::fs::read_dir(parent) else {
        return;
    };
    for e in rd.flatten() {
        let n = e.file_name().to_string_lossy().to_string();
        if n.starts_with(&prefix) && e.path().join(MARKER).is_file() {
            let pid: Option<u32> = n[prefix.len()..].parse().ok();
            let alive = pid.is_some_and(|p| p != std::process::id() && crate::base::running(p));
            if !alive {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
}

/// Remove a directory tree, its subdirectories in parallel.
pub(super) fn remove_tree(dir: &Path) {
    use rayon::prelude::*;
    if let Ok(rd) = std::fs::read_dir(dir) {
        let entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
        entries.par_iter().for_each(|p| {
            if p.is_dir() && !p.is_symlink() {
                let _ = std::fs::remove_dir_all(p);
            } else {
                let _ = std::fs::remove_file(p);
            }
        });
    }
    let _ = std::fs::remove_dir_all(dir);
}

pub(super) fn sync_dir(dir: &Path) {
    if let Ok(f) = std::fs::File::open(dir) {
        let _ = f.sync_all();
    }
}

/// Put `new` in place of `out`. On Linux both directories are exchanged in
/// one step (renameat2 RENAME_EXCHANGE); elsewhere, two renames.
pub(super) fn swap(new: &Path, out: &Path) -> std::io::Result<()> {
    if !out.exists() {
        return std::fs::rename(new, out);
    }
    #[cfg(target_os = "linux")]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let a = CString::new(new.as_os_str().as_bytes())?;
        let b = CString::new(out.as_os_str().as_bytes())?;
        // SAFETY: both are valid NUL-terminated paths; the call only renames.
        let rc = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                a.as_ptr(),
                libc::AT_FDCWD,
                b.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        if rc == 0 {
            return Ok(());
        }
    }
    let old = out.with_file_name(format!(
        ".{}.old-{}",
        out.file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default(),
        std::process::id()
    ));
    std::fs::rename(out, &old)?;
    if let Err(e) = std::fs::rename(new, out) {
        let _ = std::fs::rename(&old, out);
        return Err(e);
    }
    // Leave the old output where `commit` removes it.
    std::fs::rename(&old, new)
}
