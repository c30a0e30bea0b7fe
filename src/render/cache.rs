//! Incremental rendering. Each page is rendered from a context; the hash of
//! that context (with the templates, the shared context and the program's
//! version) is kept beside the output. A rebuild renders only the pages whose
//! hash changed — a record edit re-renders the pages it appears on — and
//! takes the others from the previous output, scanning them again for
//! private data. Since the hash covers everything a page is made from, the
//! result is byte-identical to a clean build (tested with random edits).

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct PageCache {
    file: PathBuf,
    old: HashMap<String, String>,
    new: Mutex<Vec<(String, String)>>,
    pub rendered: AtomicUsize,
    pub reused: AtomicUsize,
}

/// Where the page hashes of an output are kept: beside it.
pub fn cache_file(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "public".into());
    out.with_file_name(format!(".{name}.pages.json"))
}

impl PageCache {
    /// Read the hashes of the previous build (none if it was made otherwise).
    pub fn load(out: &Path) -> PageCache {
        let file = cache_file(out);
        // Hashes of an output that is gone describe nothing to reuse.
        let has_output = out.join(crate::output::MARKER).is_file();
        let old = has_output
            .then(|| std::fs::read(&file).ok())
            .flatten()
            .and_then(|b| serde_json::from_slice::<HashMap<String, String>>(&b).ok())
            .unwrap_or_default();
        PageCache {
            file,
            old,
            new: Mutex::new(Vec::new()),
            rendered: AtomicUsize::new(0),
            reused: AtomicUsize::new(0),
        }
    }

    /// The hash of one page: what all pages share, and its own context,
    /// serialized straight into the hasher (no copy of the context).
    pub fn key<T: serde::Serialize>(&self, fingerprint: &str, page_context: &T) -> String {
        let mut h = Hash128::default();
        Hasher::write(&mut h, fingerprint.as_bytes());
        let _ = serde_json::to_writer(&mut h, page_context);
        let (a, b) = h.finish128();
        format!("{a:016x}{b:016x}")
    }

    /// Whether the previous build rendered `out` from the same context.
    pub fn fresh(&self, out: &str, key: &str) -> bool {
        self.old.get(out).is_some_and(|k| k == key)
    }

    pub fn record(&self, out: &str, key: String, reused: bool) {
        let counter = if reused { &self.reused } else { &self.rendered };
        counter.fetch_add(1, Ordering::Relaxed);
        self.new
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((out.to_string(), key));
    }

    /// Keep the hashes of this build, once it is published.
    pub fn save(&self) {
        let mut entries = self.new.lock().unwrap_or_else(|e| e.into_inner()).clone();
        entries.sort();
        let map: serde_json::Map<String, serde_json::Value> =
            entries.into_iter().map(|(k, v)| (k, v.into())).collect();
        let tmp = self.file.with_extension("json.tmp");
        if std::fs::write(&tmp, serde_json::to_vec(&map).unwrap_or_default()).is_ok() {
            let _ = std::fs::rename(&tmp, &self.file);
        }
    }
}

/// 128 bits from two SipHash-1-3 streams with different starting states:
/// fast, and a collision (a stale page) is out of reach.
struct Hash128 {
    a: DefaultHasher,
    b: DefaultHasher,
}

impl Default for Hash128 {
    fn default() -> Self {
        let a = DefaultHasher::new();
        let mut b = DefaultHasher::new();
        b.write_u64(0x9e37_79b9_7f4a_7c15);
        Hash128 { a, b }
    }
}

impl Hash128 {
    fn finish128(&self) -> (u64, u64) {
        (self.a.finish(), self.b.finish())
    }
}

impl Hasher for Hash128 {
    fn finish(&self) -> u64 {
        self.a.finish()
    }
    fn write(&mut self, bytes: &[u8]) {
        self.a.write(bytes);
        self.b.write(bytes);
    }
}

impl std::io::Write for Hash128 {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        Hasher::write(self, buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
