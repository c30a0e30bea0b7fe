//! What a process that loads the same site again and again (`serve`)
//! keeps of the last load, and the threads that read a large site ahead.

use super::*;

/// When a file was read: its modification time and size.
pub(super) type Stamp = (Option<std::time::SystemTime>, u64);

pub(super) fn stamp(path: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok(), m.len()))
}

/// The records of each file as last read, for a process that loads the
/// same site again and again (`serve`): a file whose modification time and
/// size are unchanged is not read and checked again. Records are shared,
/// not copied: the cache and every [`Content`] made from it hold the same
/// [`Arc`]s, so an unchanged record is the same allocation from one load to
/// the next.
#[derive(Default)]
pub struct LoadCache {
    pub(super) site: Option<Stamp>,
    pub(super) files: crate::base::FastMap<String, CachedFile>,
    /// The record files (with their site-relative paths) and the warnings
    /// about other files, as last listed.
    pub(super) listing: Option<Arc<Listing>>,
    /// The only paths changed since the last load, when a watcher saw them
    /// all; None when that is not known.
    pub(super) changed: Option<Vec<PathBuf>>,
}

pub(super) struct Listing {
    pub(super) files: Vec<(Kind, PathBuf, String)>,
    pub(super) diags: Diagnostics,
}

impl LoadCache {
    /// Say that since the last load only `paths` changed, as a watcher of
    /// the file system saw it: the next load lists the content directory
    /// and looks at the files again only if these paths may change what it
    /// lists. Without this, every load lists and looks at every file.
    pub fn changed_only(&mut self, paths: Vec<PathBuf>) {
        self.changed = Some(paths);
    }

    /// The listing of the last load, if `changed` cannot have changed it:
    /// each path is a record file listed then and still a file, or hidden,
    /// or outside content/, or gone without having been seen.
    pub(super) fn listing_after(&self, root: &Path, changed: &[PathBuf]) -> Option<Arc<Listing>> {
        let listing = self.listing.as_ref()?;
        let content = root.join("content");
        let unaffected = |p: &PathBuf| {
            let Ok(under) = p.strip_prefix(&content) else {
                return true;
            };
            if under
                .components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
            {
                return true;
            }
            let rel = rel(root, p);
            let listed = self.files.contains_key(&rel);
            match std::fs::symlink_metadata(p) {
                Ok(m) => listed && m.is_file(),
                // Gone: a directory that held listed files affects the
                // listing, whatever the watcher said it was.
                Err(_) => {
                    let inside = format!("{rel}/");
                    !listed
                        && !listing.diags.iter().any(|d| d.path == rel)
                        && !self.files.keys().any(|k| k.starts_with(&inside))
                }
            }
        };
        changed.iter().all(unaffected).then(|| Arc::clone(listing))
    }
}

pub(super) struct CachedFile {
    pub(super) stamp: Stamp,
    pub(super) records: Vec<Arc<Record>>,
    pub(super) diags: Diagnostics,
}

/// How many files a site has before [`ReadAhead`] pays.
pub(super) const READ_AHEAD_FROM: usize = 1000;

/// Threads that have the system read `paths` in order, so that the
/// parser finds them in the page cache; stopped when dropped.
pub(super) struct ReadAhead {
    pub(super) stop: Arc<std::sync::atomic::AtomicBool>,
}

impl ReadAhead {
    /// The reads themselves do not wait for the disk; opening a file
    /// may (its directory entry and inode), so several are opened at
    /// once.
    const THREADS: usize = 8;

    pub(super) fn start(paths: Vec<PathBuf>) -> ReadAhead {
        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        let stop = Arc::new(AtomicBool::new(false));
        let paths = Arc::new(paths);
        let next = Arc::new(AtomicUsize::new(0));
        for _ in 0..Self::THREADS {
            let (stop, paths, next) = (Arc::clone(&stop), Arc::clone(&paths), Arc::clone(&next));
            let spawned = std::thread::Builder::new()
                .name("read-ahead".into())
                .spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        let Some(p) = paths.get(next.fetch_add(1, Ordering::Relaxed)) else {
                            break;
                        };
                        read_ahead(p);
                    }
                });
            // Without threads the files are only read when parsed.
            if spawned.is_err() {
                break;
            }
        }
        ReadAhead { stop }
    }
}

/// Have the system read `path` into its cache. On Linux without copying
/// it, and without waiting for the disk beyond opening the file.
pub(super) fn read_ahead(path: &Path) {
    #[cfg(target_os = "linux")]
    if let Ok(f) = std::fs::File::open(path) {
        use std::os::fd::AsRawFd;
        // SAFETY: posix_fadvise only reads its arguments; the descriptor
        // is open for the call.
        unsafe {
            libc::posix_fadvise(f.as_raw_fd(), 0, 0, libc::POSIX_FADV_WILLNEED);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = std::fs::read(path);
}

impl Drop for ReadAhead {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Where `path` is in a listing (sorted by path): a changed file is found
/// without hashing the path of every file listed.
pub(super) fn listed_at(listed: &[(Kind, PathBuf, String)], path: &Path) -> Option<usize> {
    listed
        .binary_search_by(|(_, p, _)| p.as_path().cmp(path))
        .ok()
}

impl LoadCache {
    /// Whether the records kept of each listed file are still good, and the
    /// stamp each file is read with. With a watcher's list of changes, only
    /// the changed files are looked at; the others keep the stamp they
    /// were read with.
    pub(super) fn hits(
        &mut self,
        root: &Path,
        listed: &[(Kind, PathBuf, String)],
        changed: Option<&[PathBuf]>,
        known_listing: bool,
    ) -> (Vec<bool>, Vec<Option<Stamp>>) {
        let stamps: Vec<Option<Stamp>> = match changed {
            Some(paths) if known_listing => {
                let mut stamps: Vec<Option<Stamp>> = listed
                    .iter()
                    .map(|(_, p, r)| match self.files.get(r) {
                        Some(f) => Some(f.stamp),
                        None => stamp(p),
                    })
                    .collect();
                for i in paths.iter().filter_map(|p| listed_at(listed, p)) {
                    stamps[i] = stamp(&listed[i].1);
                }
                stamps
            }
            _ => listed.par_iter().map(|(_, p, _)| stamp(p)).collect(),
        };
        let site_stamp = stamp(&root.join("content").join("site.yaml"));
        if self.site != site_stamp {
            self.files.clear();
            self.site = site_stamp;
        }
        if !known_listing {
            let names: std::collections::HashSet<&str> =
                listed.iter().map(|(_, _, r)| r.as_str()).collect();
            self.files.retain(|k, _| names.contains(k.as_str()));
        }
        let mut hits: Vec<bool> = listed
            .iter()
            .zip(&stamps)
            .map(|((_, _, rel), st)| {
                matches!((self.files.get(rel), st), (Some(f), Some(st)) if f.stamp == *st)
            })
            .collect();
        // A file the watcher saw change is read again even if its stamp
        // looks the same (a coarse clock, the same size).
        for i in changed
            .into_iter()
            .flatten()
            .filter_map(|p| listed_at(listed, p))
        {
            hits[i] = false;
        }
        (hits, stamps)
    }

    /// Keep what was just read of `rel` (forget it if it could not be
    /// stamped), and give it back.
    pub(super) fn keep(
        &mut self,
        rel: &str,
        stamp: Option<Stamp>,
        (records, diags): (Vec<Arc<Record>>, Diagnostics),
    ) -> (Vec<Arc<Record>>, Diagnostics) {
        match stamp {
            Some(stamp) => {
                let file = CachedFile {
                    stamp,
                    records: records.clone(),
                    diags: diags.clone(),
                };
                match self.files.get_mut(rel) {
                    Some(f) => *f = file,
                    None => {
                        self.files.insert(rel.to_string(), file);
                    }
                }
            }
            None => {
                self.files.remove(rel);
            }
        }
        (records, diags)
    }

    /// The records and problems kept of `rel`.
    pub(super) fn records_of(&self, rel: &str) -> (Vec<Arc<Record>>, Diagnostics) {
        match self.files.get(rel) {
            Some(f) => (f.records.clone(), f.diags.clone()),
            None => (Vec::new(), Diagnostics::default()),
        }
    }
}
