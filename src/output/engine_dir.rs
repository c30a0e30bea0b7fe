//! The directory of the server-side (tantivy) search index, beside the
//! output: written under a temporary name while the site is built, put in
//! place when the site is, thrown away when it is not.

use std::path::{Path, PathBuf};

/// Where the tantivy index of an output lives: beside it, not inside.
pub fn engine_dir(out: &Path) -> PathBuf {
    super::beside(out, "tantivy")
}

/// The index directory of one build, under its temporary name.
pub struct EngineDir {
    dir: PathBuf,
    tmp: PathBuf,
}

impl EngineDir {
    /// A fresh temporary directory for the index of `out`.
    pub fn begin(out: &Path) -> EngineDir {
        let dir = engine_dir(out);
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let tmp = dir.with_file_name(format!("{name}-tmp-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        EngineDir { dir, tmp }
    }

    /// Where the index is written.
    pub fn path(&self) -> &Path {
        &self.tmp
    }

    /// The index is not published.
    pub fn discard(self) {
        let _ = std::fs::remove_dir_all(&self.tmp);
    }

    /// Put the index in place of the previous one.
    pub fn commit(self) -> Result<(), String> {
        let _ = std::fs::remove_dir_all(&self.dir);
        std::fs::rename(&self.tmp, &self.dir).map_err(|e| e.to_string())
    }
}
