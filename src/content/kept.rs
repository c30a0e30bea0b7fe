//! What a build keeps of the records it read, for the next build
//! (`SITE/.gongshi-cache/records`): for each record file, what it was when
//! read and the records and messages decoded from it ([`super::stash`]).
//! A file that is the same file with the same bytes is not parsed again.
//!
//! - **Trusted only on this machine.** An entry is used only if the file
//!   has the same device, inode, size and modification and change times
//!   as when it was kept. A checkout, a copy or a commit makes new inodes
//!   and change times, which nobody can set, so a records file that came
//!   with the site (say, committed to its repository) never stands in for
//!   what its YAML says. On top of that the file's bytes must hash the
//!   same: a file changed within the same clock tick is read again.
//! - **Settled files are not read.** A file whose change time was more
//!   than [`SETTLE`] before the moment it was read is marked settled: any
//!   later write gives it a later change time, which nobody can set back,
//!   so while its stamp is the same its bytes are too, and it is taken
//!   from its stamp alone (one `lstat`, no open, no hash). A file read
//!   soon after it changed (an edit being saved, a coarse clock) is read
//!   and hashed every time until it settles. (This trusts the change
//!   time the file system gives: on a network file system whose server
//!   clock runs more than [`SETTLE`] behind this machine's, a file counts
//!   as settled as soon as it is written, and a second write of the same
//!   size within the server's clock tick would go unseen.)
//! - **The same program and site.yaml.** The file starts with a key made
//!   from the program's version, the executable's size and modification
//!   time, and site.yaml's bytes (its limits and sectors decide what a
//!   file decodes to); any other key and the whole file is set aside.
//! - **Private.** The records keep their private fields (the cache is
//!   read instead of the YAML), so the file is made readable by its owner
//!   only, in the site's own `.gongshi-cache/` (which `gongshi init` keeps
//!   out of git, and which holds its own `.gitignore`), never near an
//!   output directory.
//! - **Bounded and optional.** A records file larger than eight times the
//!   record files is not read; one that cannot be read or written is
//!   simply not used. A build never fails because of it.

use super::stash::{Reader, Stash};
use crate::base::FastMap;
use sha2::{Digest, Sha256};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The directory of gongshi's caches inside a site (this file, and the
/// preview's output).
pub const DIR: &str = ".gongshi-cache";
const FILE: &str = "records";
const MAGIC: &[u8] = b"gongshi-records-2\n";

/// How long before its reading a file must have last changed for its
/// stamp alone to vouch for its bytes: far above any file system's clock
/// tick.
const SETTLE: std::time::Duration = std::time::Duration::from_secs(2);

/// What a file was when it was read. On Unix: device, inode, size,
/// modification and change times (seconds and nanoseconds); elsewhere
/// size and modification time (a checkout or a copy sets the latter to
/// its own time).
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Stamp([u64; 7]);

impl Stamp {
    pub(super) fn of(m: &std::fs::Metadata) -> Stamp {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Stamp([
                m.dev(),
                m.ino(),
                m.size(),
                m.mtime() as u64,
                m.mtime_nsec() as u64,
                m.ctime() as u64,
                m.ctime_nsec() as u64,
            ])
        }
        #[cfg(not(unix))]
        {
            let t = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .unwrap_or_default();
            Stamp([
                0,
                0,
                m.len(),
                t.as_secs(),
                u64::from(t.subsec_nanos()),
                0,
                0,
            ])
        }
    }

    /// Whether a file with this stamp, read at `now`, had last changed
    /// more than [`SETTLE`] before (never where change times are not
    /// known).
    pub(super) fn settled_at(&self, now: std::time::SystemTime) -> bool {
        let [_, _, _, _, _, secs, nanos] = self.0;
        if cfg!(not(unix)) || (secs == 0 && nanos == 0) {
            return false;
        }
        let changed =
            std::time::UNIX_EPOCH + std::time::Duration::new(secs, nanos.min(999_999_999) as u32);
        changed + SETTLE < now
    }
}

impl Stash for Stamp {
    fn put(&self, w: &mut Vec<u8>) {
        for n in self.0 {
            n.put(w);
        }
    }
    fn take(r: &mut Reader) -> Option<Self> {
        let mut stamp = Stamp::default();
        for n in &mut stamp.0 {
            *n = u64::take(r)?;
        }
        Some(stamp)
    }
}

/// The hash of a file's text.
pub(super) fn digest(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

/// One record file as kept: its site-relative path, stamp, whether it had
/// settled when read, the hash of its text, and its records and messages
/// ([`super::stash`]).
pub(super) struct Entry {
    pub(super) rel: String,
    pub(super) stamp: Stamp,
    pub(super) settled: bool,
    pub(super) hash: [u8; 32],
    pub(super) payload: Vec<u8>,
    /// Whether the records were taken from the last build's file.
    pub(super) reused: bool,
    /// Whether the file itself was read (not when it had settled).
    pub(super) opened: bool,
}

impl Entry {
    /// What comes before the payload: path, stamp, hash and length.
    fn head(&self) -> Vec<u8> {
        let mut w = Vec::with_capacity(self.rel.len() + 100);
        self.rel.put(&mut w);
        self.stamp.put(&mut w);
        w.push(u8::from(self.settled));
        w.extend_from_slice(&self.hash);
        (self.payload.len() as u64).put(&mut w);
        w
    }
}

/// The key of the records file: this program and the text of site.yaml
/// (`site`) that this load's records are decoded with.
fn key(site: Option<&str>) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(MAGIC);
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    let exe = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| Stamp::of(&m).0)
        .unwrap_or_default();
    // The executable's size and times: a rebuilt program of the same
    // version may decode differently.
    for n in [exe[2], exe[3], exe[4]] {
        h.update(n.to_le_bytes());
    }
    match site {
        Some(text) => {
            h.update((text.len() as u64).to_le_bytes());
            h.update(text.as_bytes());
        }
        None => h.update(b"no site.yaml"),
    }
    h.finalize().into()
}

/// What one load does with the records file: the last build's, as read,
/// and whether this load keeps its own.
pub(super) struct Keeping {
    key: [u8; 32],
    was: Kept,
    save: bool,
}

impl Keeping {
    /// Read the records file of the site at `root` for a load of the files
    /// listed (as `metas` found them) with the settings of `site`
    /// (site.yaml's text).
    pub(super) fn begin(
        root: &Path,
        canon_root: &Path,
        site: Option<&str>,
        metas: &[Option<std::fs::Metadata>],
        save: bool,
    ) -> Keeping {
        let key = key(site);
        // Never more than eight times the record files themselves.
        let most: u64 = metas.iter().flatten().map(std::fs::Metadata::len).sum();
        let was = Kept::open(root, canon_root, &key, most.saturating_mul(8) + (1 << 20));
        Keeping { key, was, save }
    }

    pub(super) fn was(&self) -> &Kept {
        &self.was
    }

    pub(super) fn saves(&self) -> bool {
        self.save
    }

    /// Keep `entries` (of `listed` files) if this load saves and they are
    /// not what was kept; the numbers of files taken and parsed, and of
    /// those taken without being read (settled).
    pub(super) fn finish(
        self,
        root: &Path,
        canon_root: &Path,
        entries: &[&Entry],
        listed: usize,
    ) -> (usize, usize, usize) {
        let taken = entries.iter().filter(|e| e.reused).count();
        let unread = entries.iter().filter(|e| !e.opened).count();
        if self.save && !self.was.holds(entries) {
            save(root, canon_root, &self.key, entries);
        }
        (taken, listed - taken, unread)
    }
}

/// The records file of the last build, as read: each path's entry, with
/// its payload as a range of the file's bytes.
#[derive(Default)]
pub(super) struct Kept {
    bytes: Vec<u8>,
    entries: FastMap<String, Was>,
}

/// What is kept of one file: its stamp, whether it had settled, the hash
/// of its text and where its payload is.
struct Was {
    stamp: Stamp,
    settled: bool,
    hash: [u8; 32],
    payload: Range<usize>,
}

impl Kept {
    /// The records file of the site at `root` if it has this `key` and is
    /// no larger than `most` bytes; else nothing kept.
    pub(super) fn open(root: &Path, canon_root: &Path, key: &[u8; 32], most: u64) -> Kept {
        let Some(path) = file(root, canon_root) else {
            return Kept::default();
        };
        let bytes = match super::inputs::open_within(canon_root, &path) {
            Ok(f) => {
                use std::io::Read;
                let mut bytes = Vec::new();
                match f.take(most + 1).read_to_end(&mut bytes) {
                    Ok(n) if (n as u64) <= most => bytes,
                    _ => return Kept::default(),
                }
            }
            Err(_) => return Kept::default(),
        };
        Kept::parse(bytes, key).unwrap_or_default()
    }

    fn parse(bytes: Vec<u8>, key: &[u8; 32]) -> Option<Kept> {
        let mut entries = FastMap::default();
        // The file ends with the hash of all before it: a file damaged
        // anywhere (a disk error, a write cut short) is set aside whole.
        let body = bytes.len().checked_sub(32)?;
        if Sha256::digest(&bytes[..body])[..] != bytes[body..] {
            return None;
        }
        let mut r = Reader::new(&bytes[..body]);
        if r.bytes(MAGIC.len())? != MAGIC || r.bytes(32)? != key {
            return None;
        }
        while !r.is_empty() {
            let rel = String::take(&mut r)?;
            let stamp = Stamp::take(&mut r)?;
            let settled = match r.bytes(1)? {
                [0] => false,
                [1] => true,
                _ => return None,
            };
            let hash: [u8; 32] = r.bytes(32)?.try_into().ok()?;
            let len = usize::try_from(u64::take(&mut r)?).ok()?;
            let at = body - r.remaining();
            r.bytes(len)?;
            let payload = at..at + len;
            entries.insert(
                rel,
                Was {
                    stamp,
                    settled,
                    hash,
                    payload,
                },
            );
        }
        Some(Kept { bytes, entries })
    }

    /// The payload kept for the file `rel` if it is still the same file
    /// with the same text.
    pub(super) fn get(&self, rel: &str, stamp: Stamp, hash: &[u8; 32]) -> Option<&[u8]> {
        let was = self.entries.get(rel)?;
        (was.stamp == stamp && was.hash == *hash).then(|| &self.bytes[was.payload.clone()])
    }

    /// The hash and payload kept for the file `rel` if it had settled when
    /// it was read and still has the same `stamp`: its bytes are the same
    /// without reading them.
    pub(super) fn settled(&self, rel: &str, stamp: Stamp) -> Option<([u8; 32], &[u8])> {
        let was = self.entries.get(rel)?;
        (was.settled && was.stamp == stamp).then(|| (was.hash, &self.bytes[was.payload.clone()]))
    }

    /// Whether `entries` are exactly what is kept (nothing to write).
    pub(super) fn holds(&self, entries: &[&Entry]) -> bool {
        entries.len() == self.entries.len()
            && entries.iter().all(|e| {
                self.entries.get(&e.rel).is_some_and(|was| {
                    was.stamp == e.stamp
                        && was.settled == e.settled
                        && was.hash == e.hash
                        && self.bytes[was.payload.clone()] == e.payload[..]
                })
            })
    }
}

/// The records file of the site at `root`: None when `.gongshi-cache` is
/// not a directory of the site itself (a link, or a file).
fn file(root: &Path, canon_root: &Path) -> Option<PathBuf> {
    let dir = root.join(DIR);
    let meta = std::fs::symlink_metadata(&dir).ok()?;
    if !meta.is_dir() || !dir.canonicalize().ok()?.starts_with(canon_root) {
        return None;
    }
    Some(dir.join(FILE))
}

/// Keep `entries` for the next build, replacing the records file at once
/// (a new file renamed over it). Nothing is kept if the directory cannot
/// be made inside the site or the file cannot be written.
fn save(root: &Path, canon_root: &Path, key: &[u8; 32], entries: &[&Entry]) {
    let dir = root.join(DIR);
    if std::fs::symlink_metadata(&dir).is_err() && std::fs::create_dir(&dir).is_err() {
        return;
    }
    let Some(path) = file(root, canon_root) else {
        return;
    };
    let ignore = dir.join(".gitignore");
    if std::fs::symlink_metadata(&ignore).is_err() {
        let _ = write_new(&ignore, b"# gongshi's caches: never committed\n*\n", false);
    }
    let tmp = dir.join(format!(".{FILE}.{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    // Written as it goes, not gathered first: at 200,000 records the file
    // is 190 MB.
    let write = || -> std::io::Result<()> {
        use std::io::Write;
        let mut out = std::io::BufWriter::new(create_new(&tmp, true)?);
        let mut sum = Sha256::new();
        let mut put = |bytes: &[u8]| {
            sum.update(bytes);
            out.write_all(bytes)
        };
        put(MAGIC)?;
        put(key)?;
        for e in entries {
            put(&e.head())?;
            put(&e.payload)?;
        }
        let sum: [u8; 32] = sum.finalize().into();
        out.write_all(&sum)?;
        // No fsync: a file cut short by a crash fails its hash.
        out.flush()
    };
    if write().is_err() || std::fs::rename(&tmp, &path).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// Write a file that must not exist yet (never through a link), readable
/// by its owner only when `private`.
fn write_new(path: &Path, bytes: &[u8], private: bool) -> std::io::Result<()> {
    use std::io::Write;
    create_new(path, private)?.write_all(bytes)
}

/// Create a file that must not exist yet (never through a link), readable
/// by its owner only when `private`.
fn create_new(path: &Path, private: bool) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        if private {
            options.mode(0o600);
        }
    }
    #[cfg(not(unix))]
    let _ = private;
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A records file of the one entry `e`, as `save` writes it.
    fn written(key: &[u8; 32], e: &Entry) -> Vec<u8> {
        let mut w = MAGIC.to_vec();
        w.extend_from_slice(key);
        w.extend_from_slice(&e.head());
        w.extend_from_slice(&e.payload);
        let sum: [u8; 32] = Sha256::digest(&w).into();
        w.extend_from_slice(&sum);
        w
    }

    #[test]
    fn a_kept_file_reads_back_and_any_damage_sets_it_aside() {
        let key = [7u8; 32];
        let e = Entry {
            rel: "content/actions/a.yaml".into(),
            stamp: Stamp([1, 2, 3, 4, 5, 6, 7]),
            settled: true,
            hash: [9; 32],
            payload: b"payload".to_vec(),
            reused: false,
            opened: true,
        };
        let w = written(&key, &e);
        let kept = Kept::parse(w.clone(), &key).expect("reads back");
        assert_eq!(kept.get(&e.rel, e.stamp, &e.hash), Some(&b"payload"[..]));
        assert!(kept.holds(&[&e]));
        // Another stamp or hash: not the same file.
        assert_eq!(
            kept.get(&e.rel, Stamp([1, 2, 3, 4, 5, 6, 8]), &e.hash),
            None
        );
        assert_eq!(kept.get(&e.rel, e.stamp, &[8; 32]), None);
        // Settled: taken by its stamp alone, and only by its own stamp.
        assert_eq!(
            kept.settled(&e.rel, e.stamp),
            Some(([9; 32], &b"payload"[..]))
        );
        assert_eq!(kept.settled(&e.rel, Stamp([1, 2, 3, 4, 5, 7, 7])), None);
        assert_eq!(kept.settled("content/actions/b.yaml", e.stamp), None);
        // Another key, or the file cut anywhere: nothing kept.
        assert!(Kept::parse(w.clone(), &[6; 32]).is_none());
        for cut in 0..w.len() {
            assert!(
                Kept::parse(w[..cut].to_vec(), &key).is_none(),
                "cut at {cut}"
            );
        }
        // Any byte changed: nothing kept.
        for i in 0..w.len() {
            let mut bad = w.clone();
            bad[i] ^= 1;
            assert!(Kept::parse(bad, &key).is_none(), "byte {i} changed");
        }
        // A file that had not settled when read is read again, however
        // its stamp looks.
        let unsettled = Entry {
            settled: false,
            ..e
        };
        let kept = Kept::parse(written(&key, &unsettled), &key).expect("reads back");
        assert_eq!(kept.settled(&unsettled.rel, unsettled.stamp), None);
        assert!(
            kept.get(&unsettled.rel, unsettled.stamp, &unsettled.hash)
                .is_some()
        );
        assert!(kept.holds(&[&unsettled]));
    }

    #[cfg(unix)]
    #[test]
    fn a_file_settles_once_its_change_is_well_before_its_reading() {
        use std::time::{Duration, UNIX_EPOCH};
        let changed = Stamp([1, 2, 3, 0, 0, 1_000_000, 500]);
        let at = |secs: u64| UNIX_EPOCH + Duration::from_secs(secs);
        assert!(!changed.settled_at(at(1_000_000)));
        assert!(!changed.settled_at(at(1_000_002)));
        assert!(changed.settled_at(at(1_000_003)));
        // A change in the future (a clock set back) has not settled.
        assert!(!changed.settled_at(at(999_000)));
        // No change time known: never settled.
        assert!(!Stamp([1, 2, 3, 4, 5, 0, 0]).settled_at(at(2_000_000)));
    }
}
