//! The directory of the server-side (tantivy) search index, beside the
//! output: written under a temporary name while the site is built, put in
//! place when the site is, thrown away when it is not.

use std::path::{Path, PathBuf};

/// Where the tantivy index of an output lives: beside it, not inside.
pub fn engine_dir(out: &Path) -> PathBuf {
    super::beside(out, "tantivy")
}

/// The file in an index directory that names what the index was built
/// from (a hash of its documents, made by the search engine).
const KEY_FILE: &str = "gongshi-key";

/// The file beside it with each document's hash and the tokens of its
/// title and body, sorted by hash: what a later build needs to update the
/// index in place. Without it the index is built afresh next time.
const DOCS_FILE: &str = "gongshi-docs";
const DOCS_MAGIC: &[u8] = b"gongshi-docs-2\n";

/// The file that names the privacy scan (scanner and accepted numbers,
/// [`super::Staging::scan_stamp`]) under which the documents of the index
/// were all found clean: written when the index is put in place, which is
/// only after its site passed the scan.
const SCAN_FILE: &str = "gongshi-scan";

/// One document of an index: its hash and the tokens of its title and body.
pub type IndexedDoc = ([u8; 16], [u32; 2]);

/// The index directory of one build, under its temporary name; or the
/// previous build's, kept as it is.
pub struct EngineDir {
    dir: PathBuf,
    tmp: PathBuf,
    kept: bool,
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
        EngineDir {
            dir,
            tmp,
            kept: false,
        }
    }

    /// The index of the previous build of `out`, if it was built from
    /// what `key` names: it is kept, not built again.
    pub fn previous(out: &Path, key: &str) -> Option<EngineDir> {
        let dir = engine_dir(out);
        let old = std::fs::read_to_string(dir.join(KEY_FILE)).ok()?;
        (old == key).then(|| EngineDir {
            tmp: dir.clone(),
            dir,
            kept: true,
        })
    }

    /// Mark the index just built as built from what `key` names, the
    /// documents `docs` (see `Engine::doc_hashes`, and the tokens
    /// `Engine::create` counted); none if they are not known.
    pub fn stamp(&self, key: &str, docs: Option<&[IndexedDoc]>) -> std::io::Result<()> {
        if let Some(docs) = docs {
            let mut sorted = docs.to_vec();
            sorted.sort_unstable();
            let mut bytes = DOCS_MAGIC.to_vec();
            for (hash, [title, body]) in sorted {
                bytes.extend_from_slice(&hash);
                bytes.extend_from_slice(&title.to_le_bytes());
                bytes.extend_from_slice(&body.to_le_bytes());
            }
            std::fs::write(self.tmp.join(DOCS_FILE), bytes)?;
        }
        std::fs::write(self.tmp.join(KEY_FILE), key)
    }

    /// The documents of the previous build's index, sorted by hash.
    pub fn previous_docs(out: &Path) -> Option<Vec<IndexedDoc>> {
        let dir = engine_dir(out);
        // The key is written last: without it the index is not finished.
        std::fs::read_to_string(dir.join(KEY_FILE)).ok()?;
        let bytes = std::fs::read(dir.join(DOCS_FILE)).ok()?;
        let body = bytes.strip_prefix(DOCS_MAGIC)?;
        if body.len() % 24 != 0 {
            return None;
        }
        let docs: Vec<IndexedDoc> = body
            .chunks_exact(24)
            .map(|c| {
                let n = |at: usize| u32::from_le_bytes([c[at], c[at + 1], c[at + 2], c[at + 3]]);
                let mut hash = [0u8; 16];
                hash.copy_from_slice(&c[..16]);
                (hash, [n(16), n(20)])
            })
            .collect();
        docs.windows(2).all(|w| w[0].0 < w[1].0).then_some(docs)
    }

    /// Start from a copy of the previous build's index (its files linked:
    /// tantivy never changes a file it wrote, and replaces its list of
    /// segments by renaming a new one over it).
    pub fn copy_previous(&self) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.tmp)?;
        for e in std::fs::read_dir(&self.dir)? {
            let e = e?;
            let name = e.file_name();
            let skip = [
                KEY_FILE,
                DOCS_FILE,
                SCAN_FILE,
                ".tantivy-writer.lock",
                ".tantivy-meta.lock",
            ];
            if !e.file_type()?.is_file() || skip.iter().any(|s| name == *s) {
                continue;
            }
            std::fs::hard_link(e.path(), self.tmp.join(&name))?;
        }
        Ok(())
    }

    /// Empty the temporary directory again (a copy that could not be
    /// added to).
    pub fn clear(&self) {
        let _ = std::fs::remove_dir_all(&self.tmp);
    }

    /// Where the index is written.
    pub fn path(&self) -> &Path {
        &self.tmp
    }

    /// The index is not published.
    pub fn discard(self) {
        if !self.kept {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }

    /// Put the index in place of the previous one, its documents found
    /// clean by the scan `scanned` (if the site was scanned).
    pub fn commit(self, scanned: Option<&str>) -> Result<(), String> {
        if !self.kept {
            let _ = std::fs::remove_dir_all(&self.dir);
            std::fs::rename(&self.tmp, &self.dir).map_err(|e| e.to_string())?;
        }
        let file = self.dir.join(SCAN_FILE);
        let _ = std::fs::remove_file(&file);
        if let Some(stamp) = scanned {
            let tmp = self.dir.join(format!(".{SCAN_FILE}.tmp"));
            if std::fs::write(&tmp, stamp).is_err() || std::fs::rename(&tmp, &file).is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
        }
        Ok(())
    }

    /// Whether the documents of the index beside `out` were found clean by
    /// the scan `stamp`: the same values need not be scanned again.
    pub fn scanned(out: &Path, stamp: &str) -> bool {
        std::fs::read_to_string(engine_dir(out).join(SCAN_FILE)).is_ok_and(|s| s == stamp)
    }
}
