//! The output stage: the only code that touches the output directory.
//!
//! A build writes into a working tree beside the output (a new one, or the
//! tree of the output before the last, [`spare`]), every text file is
//! scanned for private data as it is written, and only when the whole site
//! is written without a finding is the working tree swapped in (atomically
//! where the system allows it). A failed or killed build leaves the previous
//! output exactly as it was.

pub mod cache;
mod engine_dir;
mod findings;
mod key_bytes;
pub mod links;
pub mod paths;
mod spare;
mod swap;

use crate::diag::{Diagnostic, Pos, report};
use crate::privacy::{Found, Scanner, formats};
pub use engine_dir::{EngineDir, IndexedDoc, engine_dir};
use findings::*;
pub use findings::{Allowed, OutputFinding, findings_in, scan_file};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
pub use swap::OutputLock;
use swap::*;

/// Marks a directory as gongshi's output, so a later build may replace it.
pub const MARKER: &str = ".gongshi-output";

/// The line of the marker of a build with drafts and scheduled records
/// (`build --drafts`): a preview, never to be published.
pub const PREVIEW: &str = "preview: drafts and scheduled records";

/// What a finished build made, as the last line of its marker says:
/// `finished: N files, B bytes` (written just before the output is put in
/// place). An output without it is not finished; one whose files differ
/// from it was changed since.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finished {
    pub files: usize,
    pub bytes: u64,
}

impl Finished {
    const TAG: &'static str = "finished: ";

    fn line(&self) -> String {
        format!("{}{} files, {} bytes", Self::TAG, self.files, self.bytes)
    }

    /// The figures of a marker's text, if it has them.
    pub fn of_marker(text: &str) -> Option<Finished> {
        let line = text.lines().find_map(|l| l.strip_prefix(Self::TAG))?;
        let (files, bytes) = line.split_once(" files, ")?;
        Some(Finished {
            files: files.parse().ok()?,
            bytes: bytes.strip_suffix(" bytes")?.parse().ok()?,
        })
    }
}

/// A build in progress.
pub struct Staging {
    out: PathBuf,
    tmp: PathBuf,
    scanner: Scanner,
    /// Numbers that the 隐私例外 of the records that hold them accepted.
    allowed: Allowed,
    findings: Mutex<Vec<OutputFinding>>,
    /// Nothing is written: the files are only scanned (`check`).
    dry: bool,
    /// The links of the pages, checked at the end when the whole site
    /// is written ([`Staging::with_links`]).
    links: Option<links::Links>,
    io_errors: Mutex<Vec<String>>,
    files: AtomicUsize,
    reused: AtomicUsize,
    bytes: AtomicU64,
    done: bool,
    /// Directories made in the temporary directory so far.
    dirs: Mutex<std::collections::HashSet<PathBuf>>,
    /// Whether there is a previous output to take unchanged files from.
    has_old: bool,
    /// Whether the previous output was scanned for exactly what this
    /// build looks for ([`scan_stamp`]): then a file whose bytes are
    /// those of the previous output's file was found clean already.
    scan_carries_over: bool,
    /// That scan, as the output's marker names it (none for `check`).
    scan_stamp: Option<String>,
    /// Directories of this build that take another name at the end
    /// ([`Staging::rename`]), each with the directory of the previous
    /// output that its files are compared with.
    renamed: std::sync::RwLock<Vec<(String, String)>>,
    /// The build works in the spare tree ([`spare`]), which holds the
    /// previous output's files already: these, with their sizes.
    warm: Option<std::collections::BTreeMap<String, u64>>,
    /// Every file of the output: where it is written, its size, and the
    /// previous output's file it is (linked or kept), if it is one.
    made: Mutex<Vec<(String, u64, Source)>>,
    /// Directories given another name ([`Staging::rename`]): from, to.
    moved: Mutex<Vec<(String, String)>>,
}

/// A file or directory that belongs with the output `out` but is not
/// published: beside it, hidden, named after it (`.public.links`).
pub fn beside(out: &Path, what: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "public".into());
    out.with_file_name(format!(".{name}.{what}"))
}

/// Where a file of the output comes from: the previous output's file at
/// the same place, at another, or none (written now).
enum Source {
    Same,
    Other(Box<str>),
    New,
}

/// Where the files linked from an output's pages are kept: beside it.
pub fn links_file(out: &Path) -> PathBuf {
    beside(out, "links")
}

/// Why the output directory may not be used; otherwise the resolved path
/// to write to (see [`paths`]).
pub fn check_out_dir(site_root: &Path, out: &Path) -> Result<PathBuf, String> {
    paths::writable_dir(site_root, out, MARKER)
}

/// Write a file that should not exist yet; one that does (written or
/// linked earlier in this build) is replaced, never written through.
fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let create = || {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
    };
    let mut f = match create() {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            std::fs::remove_file(path)?;
            create()?
        }
        Err(e) => return Err(e),
    };
    f.write_all(bytes)
}

impl Staging {
    /// A staging that writes nothing: every file is scanned as a build
    /// would scan it, so that `check` finds what `build` finds.
    pub fn dry(scanner: Scanner, allowed: Allowed) -> Staging {
        let mut s = Staging::new(PathBuf::new(), PathBuf::new(), scanner, allowed);
        s.dry = true;
        s.done = true;
        s
    }

    /// A staging of nothing yet, writing to `tmp` for `out`.
    fn new(out: PathBuf, tmp: PathBuf, scanner: Scanner, allowed: Allowed) -> Staging {
        Staging {
            out,
            tmp,
            scanner,
            allowed,
            findings: Mutex::new(Vec::new()),
            dry: false,
            links: None,
            io_errors: Mutex::new(Vec::new()),
            files: AtomicUsize::new(0),
            reused: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
            done: false,
            dirs: Mutex::new(Default::default()),
            has_old: false,
            scan_carries_over: false,
            scan_stamp: None,
            renamed: Default::default(),
            warm: None,
            made: Mutex::new(Vec::new()),
            moved: Mutex::new(Vec::new()),
        }
    }

    /// Note a file of the output (see [`Staging::made`]).
    fn note(&self, rel: &str, len: u64, from: Option<&Path>) {
        let source = match from
            .and_then(|f| f.strip_prefix(&self.out).ok())
            .and_then(|f| f.to_str())
        {
            Some(f) if f == rel => Source::Same,
            Some(f) => Source::Other(f.into()),
            None => Source::New,
        };
        self.made
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((rel.to_string(), len, source));
    }

    /// Count a file of the output taken unchanged from the previous
    /// output's file `from`, and note it.
    fn took(&self, rel: &str, len: u64, from: &Path) {
        self.note(rel, len, Some(from));
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(len, Ordering::Relaxed);
        self.reused.fetch_add(1, Ordering::Relaxed);
    }

    /// Whether the working tree holds the previous output's file `rel`
    /// already: its size, if it does.
    fn kept(&self, rel: &str) -> Option<u64> {
        self.warm.as_ref()?.get(rel).copied()
    }

    pub fn begin(out: &Path, scanner: Scanner, allowed: Allowed) -> std::io::Result<Staging> {
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)?;
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "public".into());
        clean_stale(&parent, &name);
        // The spare tree, brought up to the previous output, if there is
        // one to trust; otherwise a new tree of links.
        let warm = spare::take(out);
        let tmp = if warm.is_some() {
            spare::dir(out)
        } else {
            let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
            if tmp.exists() {
                std::fs::remove_dir_all(&tmp)?;
            }
            std::fs::create_dir(&tmp)?;
            tmp
        };
        let stamp = scan_stamp(&scanner, &allowed);
        let previous = std::fs::read_to_string(out.join(MARKER)).unwrap_or_default();
        let scan_carries_over = previous.lines().any(|l| l == stamp);
        if let Err(e) = write_new(
            &tmp.join(MARKER),
            format!("gongshi build output\n{stamp}\n").as_bytes(),
        ) {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
        let mut staging = Staging::new(out.to_path_buf(), tmp, scanner, allowed);
        staging.has_old = out.join(MARKER).is_file();
        staging.scan_carries_over = scan_carries_over;
        staging.scan_stamp = Some(stamp);
        staging.warm = warm;
        Ok(staging)
    }

    /// Mark the output as a preview with drafts and scheduled records
    /// ([`PREVIEW`]): `deploy` refuses it.
    pub fn preview(self) -> std::io::Result<Staging> {
        let marker = self.tmp.join(MARKER);
        let mut text = std::fs::read_to_string(&marker)?;
        text.push_str(PREVIEW);
        text.push('\n');
        std::fs::write(&marker, text)?;
        Ok(self)
    }

    /// Check, when the site is committed, that every internal link of
    /// its pages names a file it wrote; `base_url` is the site's 网址.
    pub fn with_links(mut self, base_url: &str) -> Staging {
        let mut links = links::Links::new(base_url);
        // The links of the previous output are known only if it was
        // scanned as this build scans (a page taken from it is then not
        // read at all).
        if self.has_old && self.scan_carries_over && !self.dry {
            links = links.with_previous(&links_file(&self.out));
        }
        self.links = Some(links);
        self
    }

    /// What this build's privacy scan looks for, as a stamp: two builds
    /// with the same stamp find the same things. None for `check`.
    pub fn scan_stamp(&self) -> Option<&str> {
        self.scan_stamp.as_deref()
    }

    /// Write one file; `origin` names the record it shows, for findings.
    pub fn write(&self, rel: &str, bytes: &[u8], origin: Option<&str>) {
        let old = self.unchanged(rel, bytes);
        // A file the previous output held byte for byte was scanned then
        // for exactly what this build looks for.
        if old.is_none() || !self.scan_carries_over {
            self.scan(rel, bytes, origin);
        }
        if let Some(links) = &self.links {
            links.add(rel, bytes, origin);
        }
        self.store(rel, bytes, old);
    }

    /// Give a directory written in this build its final name (for a
    /// directory named by the hash of what was written into it).
    pub fn rename(&self, from: &str, to: &str) {
        if self.dry {
            return;
        }
        self.moved
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((from.to_string(), to.to_string()));
        let (a, b) = (self.tmp.join(from), self.tmp.join(to));
        let result = b
            .parent()
            .map(std::fs::create_dir_all)
            .unwrap_or(Ok(()))
            .and_then(|_| {
                if b.exists() {
                    std::fs::remove_dir_all(&b)?;
                }
                std::fs::rename(&a, &b)
            });
        if let Err(e) = result {
            self.io_errors
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(format!("{from} → {to}: {e}"));
        }
    }

    /// The privacy scan of values about to be published otherwise than
    /// as a file (the documents of the server-side search index), each a
    /// text of its own; `what` names them in messages.
    pub fn scan_values<'t>(
        &self,
        what: &str,
        texts: impl Iterator<Item = &'t str>,
        origin: Option<&str>,
    ) {
        let mut joined = String::new();
        for t in texts {
            joined.push(crate::privacy::fold::BOUNDARY);
            crate::privacy::fold::fold_into(t, 0, crate::privacy::fold::Mode::Markup, &mut joined);
        }
        let mut found = Vec::new();
        self.scanner.scan_reader(&joined, &mut found);
        let found = kept(&self.scanner, &self.allowed, found, what, origin);
        if !found.is_empty() {
            self.findings
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .extend(found);
        }
    }

    /// The privacy scan of one file about to be published.
    fn scan(&self, rel: &str, bytes: &[u8], origin: Option<&str>) {
        let found = scan_file(&self.scanner, &self.allowed, rel, bytes, origin);
        if !found.is_empty() {
            self.findings
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .extend(found);
        }
    }

    /// Store a file; `old` is the previous output's file with the same
    /// bytes, if there is one ([`Staging::unchanged`]).
    fn store(&self, rel: &str, bytes: &[u8], old: Option<PathBuf>) {
        if self.dry {
            self.files.fetch_add(1, Ordering::Relaxed);
            self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
            return;
        }
        let path = self.tmp.join(rel);
        let len = bytes.len() as u64;
        if let Some(old) = old.as_ref().filter(|o| **o == self.out.join(rel))
            && self.kept(rel) == Some(len)
        {
            // The working tree holds this very file.
            self.took(rel, len, old);
            return;
        }
        let mut from = None;
        let result = self.make_parent(&path).and_then(|_| {
            if let Some(old) = old {
                // Never write through a link to the previous output's file.
                let _ = std::fs::remove_file(&path);
                if std::fs::hard_link(&old, &path).is_ok() {
                    self.reused.fetch_add(1, Ordering::Relaxed);
                    from = Some(old);
                    return Ok(());
                }
            }
            write_new(&path, bytes)
        });
        match result {
            Ok(()) => {
                self.note(rel, len, from.as_deref());
                self.files.fetch_add(1, Ordering::Relaxed);
                self.bytes.fetch_add(len, Ordering::Relaxed);
            }
            Err(e) => self
                .io_errors
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(format!("{rel}: {e}")),
        }
    }

    /// Make the directory of `path` unless this build already made it.
    fn make_parent(&self, path: &Path) -> std::io::Result<()> {
        let Some(dir) = path.parent() else {
            return Ok(());
        };
        if self
            .dirs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(dir)
        {
            return Ok(());
        }
        std::fs::create_dir_all(dir)?;
        self.dirs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(dir.to_path_buf());
        Ok(())
    }

    /// The file of the current output that already holds exactly these
    /// bytes, if there is one: then it is linked, not written again. Files
    /// are never modified in place, so sharing them between the old and
    /// the new output is safe.
    fn unchanged(&self, rel: &str, bytes: &[u8]) -> Option<PathBuf> {
        if !self.has_old {
            return None;
        }
        let old = self.out.join(&*self.previous_name(rel));
        match std::fs::symlink_metadata(&old) {
            Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {
                std::fs::read(&old).is_ok_and(|b| b == bytes).then_some(old)
            }
            _ => None,
        }
    }

    /// Where the previous output would hold the file written as `rel`:
    /// mostly `rel` itself, borrowed.
    fn previous_name<'r>(&self, rel: &'r str) -> std::borrow::Cow<'r, str> {
        let renamed = self.renamed.read().unwrap_or_else(|e| e.into_inner());
        for (dir, old) in renamed.iter() {
            if let Some(name) = rel
                .strip_prefix(dir.as_str())
                .and_then(|r| r.strip_prefix('/'))
            {
                return format!("{old}/{name}").into();
            }
        }
        rel.into()
    }

    /// The previous output's directory `dir`, if there is a previous output
    /// and it has that directory.
    pub fn previous_dir(&self, dir: &str) -> Option<PathBuf> {
        let path = self.out.join(dir);
        (self.has_old && path.is_dir()).then_some(path)
    }

    /// Where what belongs with this output but is not published is kept
    /// ([`beside`]); none when nothing is written (`check`).
    pub fn beside(&self, what: &str) -> Option<PathBuf> {
        (!self.dry).then(|| beside(&self.out, what))
    }

    /// Compare the files written below `dir` (a directory that is given its
    /// final name by [`Staging::rename`] at the end) with those below `old`
    /// of the previous output, so that the unchanged ones are linked, not
    /// written again: a directory named by the hash of its content is named
    /// anew whenever one of its files changes, while most of them do not.
    pub fn compare_with(&self, dir: &str, old: &str) {
        self.renamed
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .push((dir.to_string(), old.to_string()));
    }

    /// Files taken unchanged from the previous output.
    pub fn reused(&self) -> usize {
        self.reused.load(Ordering::Relaxed)
    }

    /// Take `rel` unchanged from the previous output: scanned again (the
    /// secrets may have changed), then linked. False if it is not there.
    pub fn reuse(&self, rel: &str, origin: Option<&str>) -> bool {
        if self.dry {
            return false;
        }
        let (old, path) = (self.out.join(rel), self.tmp.join(rel));
        let Some(len) = self
            .link_unread(rel, origin, &old, &path)
            .or_else(|| self.link_read(rel, origin, &old, &path))
        else {
            return false;
        };
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(len, Ordering::Relaxed);
        self.reused.fetch_add(1, Ordering::Relaxed);
        true
    }

    /// [`Staging::reuse`] of every file of the previous output's directory
    /// `dir` but those whose names `skip` takes; false if one could not be
    /// taken. A directory of the search index (`search/…`, whose files no
    /// page links to, and whose links are not checked) of tens of
    /// thousands of files is linked name by name within the two
    /// directories, not path by path.
    pub fn reuse_dir(&self, dir: &str, skip: impl Fn(&str) -> bool + Sync) -> bool {
        use rayon::prelude::*;
        if self.dry {
            return false;
        }
        let old = self.out.join(dir);
        if self.scan_carries_over
            && dir.starts_with("search/")
            && let Some(warm) = &self.warm
        {
            // The working tree holds them already.
            let prefix = format!("{dir}/");
            for (rel, len) in warm.range(prefix.clone()..) {
                let Some(name) = rel.strip_prefix(&prefix) else {
                    break;
                };
                if name.contains('/') || skip(name) {
                    continue;
                }
                self.took(rel, *len, &self.out.join(rel));
            }
            return true;
        }
        let Ok(entries) = std::fs::read_dir(&old) else {
            return false;
        };
        let names: Vec<(String, u64)> = entries
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                let meta = e.metadata().ok().filter(|m| m.is_file())?;
                (!skip(&name)).then_some((name, meta.len()))
            })
            .collect();
        if !self.scan_carries_over || !dir.starts_with("search/") || !cfg!(unix) {
            return names
                .par_iter()
                .all(|(n, _)| self.reuse(&format!("{dir}/{n}"), None));
        }
        let new = self.tmp.join(dir);
        if self.make_parent(&new.join("x")).is_err() {
            return false;
        }
        let (Ok(from), Ok(to)) = (std::fs::File::open(&old), std::fs::File::open(&new)) else {
            return false;
        };
        names.par_iter().all(|(n, len)| {
            if !link_at(&from, &to, n) {
                return false;
            }
            let rel = format!("{dir}/{n}");
            self.took(&rel, *len, &self.out.join(&rel));
            true
        })
    }

    /// [`Staging::reuse`] of a file found clean when it was made, whose
    /// links are known: linked, not read. Its length, if it is linked.
    fn link_unread(&self, rel: &str, origin: Option<&str>, old: &Path, path: &Path) -> Option<u64> {
        if !self.scan_carries_over {
            return None;
        }
        let links = self.links.as_ref().filter(|l| l.can_defer())?;
        let len = match self.kept(rel) {
            Some(len) => len,
            None => self
                .make_parent(path)
                .and_then(|_| std::fs::hard_link(old, path))
                .and_then(|()| std::fs::symlink_metadata(path))
                .ok()?
                .len(),
        };
        links.defer(rel, origin);
        self.note(rel, len, Some(old));
        Some(len)
    }

    /// [`Staging::reuse`] of a file read: scanned again if the scan
    /// changed, its links noted, then linked (or written). Its length.
    fn link_read(&self, rel: &str, origin: Option<&str>, old: &Path, path: &Path) -> Option<u64> {
        let bytes = std::fs::read(old).ok()?;
        if !self.scan_carries_over {
            self.scan(rel, &bytes, origin);
        }
        if let Some(links) = &self.links {
            links.add(rel, &bytes, origin);
        }
        let len = bytes.len() as u64;
        if self.kept(rel) == Some(len) {
            self.note(rel, len, Some(old));
            return Some(len);
        }
        let _ = std::fs::remove_file(path);
        let linked = self
            .make_parent(path)
            .and_then(|_| std::fs::hard_link(old, path))
            .is_ok();
        if !linked {
            write_new(path, &bytes).ok()?;
        }
        self.note(rel, len, linked.then_some(old));
        Some(len)
    }

    pub fn files(&self) -> usize {
        self.files.load(Ordering::Relaxed)
    }
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// Findings of the privacy scan so far: one for each thing found,
    /// however many files it stands in.
    pub fn findings(&self) -> Vec<Diagnostic> {
        let found = self.findings.lock().unwrap_or_else(|e| e.into_inner());
        group(&found)
    }

    /// Swap the new site in, if nothing went wrong.
    pub fn commit(mut self) -> Result<(), CommitError> {
        let mut findings = self.findings();
        // The static search index is linked from its manifest, not from
        // pages, and written under its final name at the end.
        const SKIP: &[&str] = &["search/"];
        if let Some(links) = &self.links {
            let tmp = &self.tmp;
            links.read_deferred(SKIP, |rel| std::fs::read(tmp.join(rel)).ok());
            findings.extend(links.dangling(SKIP));
        }
        if !findings.is_empty() {
            return Err(CommitError::Privacy(findings));
        }
        if self.dry {
            return Ok(());
        }
        let io = self
            .io_errors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if !io.is_empty() {
            return Err(CommitError::Io(format!("写入输出失败：{}", io.join("; "))));
        }
        let files = self.final_files();
        if self.warm.is_some() {
            self.clear_untouched(&files)
                .map_err(|e| CommitError::Io(format!("整理输出目录失败：{e}")))?;
        }
        let finished = Finished {
            files: files.len(),
            bytes: files.values().map(|f| f.0).sum(),
        };
        let marker = self.tmp.join(MARKER);
        let mut text = std::fs::read_to_string(&marker).unwrap_or_default();
        text.push_str(&finished.line());
        text.push('\n');
        std::fs::write(&marker, text)
            .map_err(|e| CommitError::Io(format!("写入输出标记失败：{e}")))?;
        sync_dir(&self.tmp);
        swap(&self.tmp, &self.out)
            .map_err(|e| CommitError::Io(format!("替换输出目录失败：{e}")))?;
        self.done = true;
        if let Some(links) = &self.links {
            links.save(&links_file(&self.out));
        }
        // After an exchange, tmp holds the previous output: the next
        // build's working tree.
        spare::keep(
            &self.out,
            &self.tmp,
            &files,
            self.warm.as_ref().map(|w| w.keys()),
        );
        Ok(())
    }

    /// The files of the output as they stand once directories are
    /// renamed: size, and whether the file is the previous output's file
    /// at the same place.
    fn final_files(&self) -> BTreeMap<String, (u64, bool)> {
        let moved = self.moved.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let made = std::mem::take(&mut *self.made.lock().unwrap_or_else(|e| e.into_inner()));
        made.into_iter()
            .map(|(rel, len, source)| {
                let to = moved.iter().find_map(|(from, to)| {
                    rel.strip_prefix(from.as_str())
                        .and_then(|r| r.strip_prefix('/'))
                        .map(|r| format!("{to}/{r}"))
                });
                let renamed = to.is_some();
                let rel = to.unwrap_or(rel);
                let same = match source {
                    Source::Same => !renamed,
                    Source::Other(s) => *s == *rel,
                    Source::New => false,
                };
                (rel, (len, same))
            })
            .collect()
    }

    /// Remove the files of the working tree that this build did not make
    /// (the previous output's that are gone now), and directories left
    /// empty; an error if a file it made is not there.
    fn clear_untouched(&self, files: &BTreeMap<String, (u64, bool)>) -> std::io::Result<()> {
        let mut found = 0;
        for e in walkdir::WalkDir::new(&self.tmp).contents_first(true) {
            let e = e.map_err(std::io::Error::other)?;
            let Some(rel) = e.path().strip_prefix(&self.tmp).ok().and_then(Path::to_str) else {
                continue;
            };
            if e.file_type().is_dir() {
                if !rel.is_empty() {
                    let _ = std::fs::remove_dir(e.path());
                }
            } else if files.contains_key(rel) {
                found += 1;
            } else if rel != MARKER {
                std::fs::remove_file(e.path())?;
            }
        }
        if found != files.len() {
            // A file the working tree was said to hold is not there:
            // taken from the previous output again.
            for (rel, (_, same)) in files {
                let path = self.tmp.join(rel);
                if std::fs::symlink_metadata(&path).is_err() {
                    if !same {
                        return Err(std::io::Error::other(format!("{rel} 缺失")));
                    }
                    self.make_parent(&path)?;
                    std::fs::hard_link(self.out.join(rel), &path)?;
                }
            }
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

pub enum CommitError {
    Privacy(Vec<Diagnostic>),
    Io(String),
}

/// A short content hash for asset names.
pub fn short_hash(bytes: &[u8]) -> String {
    let h = Sha256::digest(bytes);
    crate::base::hex(&h[..5])
}
/// The `Content-Type` of a site file by its name, with the charset of text:
/// what the preview answers and what a deploy stores.
pub fn content_type(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

/// Link the file `name` of directory `from` into directory `to`.
#[cfg(unix)]
fn link_at(from: &std::fs::File, to: &std::fs::File, name: &str) -> bool {
    use std::os::fd::AsRawFd;
    let Ok(c) = std::ffi::CString::new(name) else {
        return false;
    };
    // SAFETY: both descriptors are open directories for the call, and the
    // name is a NUL-terminated string that outlives it.
    unsafe { libc::linkat(from.as_raw_fd(), c.as_ptr(), to.as_raw_fd(), c.as_ptr(), 0) == 0 }
}

#[cfg(not(unix))]
fn link_at(_: &std::fs::File, _: &std::fs::File, _: &str) -> bool {
    false
}
