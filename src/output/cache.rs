//! Incremental rendering. Each page is rendered from a context; the hash of
//! that context (with the templates, the shared context and the program's
//! version) is kept beside the output. A rebuild renders only the pages whose
//! hash changed — a record edit re-renders the pages it appears on — and
//! takes the others from the previous output, scanning them again for
//! private data. Since the hash covers everything a page is made from, the
//! result is byte-identical to a clean build (tested with random edits).

use std::collections::HashMap;
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
    super::beside(out, "pages.json")
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
    /// written as tagged bytes ([`super::key_bytes`], not JSON: no escaping)
    /// and hashed in one pass ([`digest`]).
    pub fn key<T: serde::Serialize>(&self, fingerprint: &str, page_context: &T) -> String {
        crate::base::hex(&digest(fingerprint.as_bytes(), page_context))
    }

    /// Whether the previous build rendered `out` from the same context.
    pub fn fresh(&self, out: &str, key: &str) -> bool {
        self.old.get(out).is_some_and(|k| k == key)
    }

    /// Take the files `outs`, made together from what `key` hashes, from the
    /// previous output if it made all of them from the same: true if they
    /// are all taken (and recorded), false if they must be made again.
    pub fn take(&self, staging: &super::Staging, outs: &[&str], key: &str) -> bool {
        let taken =
            outs.iter().all(|o| self.fresh(o, key)) && outs.iter().all(|o| staging.reuse(o, None));
        if taken {
            for o in outs {
                self.record(o, key.to_string(), true);
            }
        }
        taken
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

/// The first 16 bytes of the SHA-256 of `prefix` and the tagged bytes of
/// `value` ([`super::key_bytes`]), written into a buffer kept per thread
/// and hashed in one pass (SHA-256 runs on the CPU's SHA instructions
/// where it has them; many small writes into a streaming hasher cost more
/// than the hashing).
pub fn digest<T: serde::Serialize + ?Sized>(prefix: &[u8], value: &T) -> [u8; 16] {
    use sha2::{Digest, Sha256};
    thread_local! {
        static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUF.with_borrow_mut(|buf| {
        buf.clear();
        buf.extend_from_slice(prefix);
        buf.push(0);
        super::key_bytes::write(buf, value);
        let digest = Sha256::digest(buf.as_slice());
        if buf.capacity() > 1 << 22 {
            *buf = Vec::new(); // one huge page does not keep its buffer
        }
        let mut out = [0u8; 16];
        out.copy_from_slice(&digest[..16]);
        out
    })
}
