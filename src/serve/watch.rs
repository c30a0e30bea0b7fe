//! Watching the site for changes. On Linux the kernel says when a file
//! under content/, templates/ or theme/ changes (inotify), so a save is
//! seen at once; elsewhere, or if inotify is unavailable, the tree is
//! polled (one metadata call per file every 300 ms).

use super::{State, rebuild};
use crate::pipeline::BuildOptions;
use std::path::Path;
use std::time::{Duration, SystemTime};

/// A fingerprint of everything a build reads.
pub fn fingerprint(site: &Path) -> (u64, u128, u64) {
    let mut count = 0u64;
    let mut newest = 0u128;
    let mut size = 0u64;
    for dir in ["content", "templates", "theme"] {
        for e in walkdir::WalkDir::new(site.join(dir))
            .into_iter()
            .filter_map(Result::ok)
        {
            if let Ok(m) = e.metadata() {
                count += 1;
                size = size.wrapping_add(m.len());
                let t = m
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
                    .map(|d| d.as_nanos())
                    .unwrap_or(0);
                newest = newest.max(t);
            }
        }
    }
    (count, newest, size)
}

/// How changes are noticed; made before the first build, so that nothing
/// saved while it runs is missed.
pub enum Watch {
    #[cfg(target_os = "linux")]
    Kernel(inotify::Watcher),
    Poll((u64, u128, u64)),
}

pub fn begin(site: &Path) -> Watch {
    #[cfg(target_os = "linux")]
    if let Some(w) = inotify::Watcher::new(site) {
        return Watch::Kernel(w);
    }
    Watch::Poll(fingerprint(site))
}

pub fn watch(w: Watch, opts: &BuildOptions, state: &State) {
    let mut last = match w {
        #[cfg(target_os = "linux")]
        Watch::Kernel(w) => {
            loop {
                let mut change = inotify::Change::default();
                if !w.wait(None, &mut change) {
                    break;
                }
                // Let an editor finish writing its files: gather what
                // follows, until 2 ms pass without an event once every
                // file written to is closed (20 ms while one is open).
                loop {
                    let quiet = if change.writing.is_empty() { 2 } else { 20 };
                    if !w.wait(Some(Duration::from_millis(quiet)), &mut change) {
                        break;
                    }
                }
                if change.new_dir {
                    w.add_dirs(&opts.site);
                }
                if let Some(paths) = change.paths {
                    state
                        .loaded
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .changed_only(paths);
                }
                eprintln!("检测到修改，重新生成…");
                rebuild(opts, state);
            }
            fingerprint(&opts.site)
        }
        Watch::Poll(last) => last,
    };
    loop {
        std::thread::sleep(Duration::from_millis(300));
        let now = fingerprint(&opts.site);
        if now != last {
            // Let an editor finish writing its files.
            std::thread::sleep(Duration::from_millis(50));
            last = fingerprint(&opts.site);
            eprintln!("检测到修改，重新生成…");
            rebuild(opts, state);
        }
    }
}

#[cfg(target_os = "linux")]
mod inotify {
    use std::cell::RefCell;
    use std::collections::{HashMap, HashSet};
    use std::os::unix::ffi::{OsStrExt, OsStringExt};
    use std::path::{Path, PathBuf};
    use std::time::Duration;

    /// Kernel notifications for the directories a build reads.
    pub struct Watcher {
        fd: libc::c_int,
        /// The directory of each watch.
        dirs: RefCell<HashMap<i32, PathBuf>>,
    }

    /// What changed.
    pub struct Change {
        /// A directory was made or moved in: it needs a watch of its own.
        pub new_dir: bool,
        /// The paths that changed; None if that is not known (the kernel's
        /// queue overflowed, or a directory came or went).
        pub paths: Option<Vec<PathBuf>>,
        /// Files written to and not closed yet.
        pub writing: HashSet<PathBuf>,
    }

    impl Default for Change {
        fn default() -> Change {
            Change {
                new_dir: false,
                paths: Some(Vec::new()),
                writing: HashSet::new(),
            }
        }
    }

    const EVENTS: u32 = libc::IN_CLOSE_WRITE
        | libc::IN_MODIFY
        | libc::IN_ATTRIB
        | libc::IN_CREATE
        | libc::IN_DELETE
        | libc::IN_MOVED_FROM
        | libc::IN_MOVED_TO
        | libc::IN_DELETE_SELF;

    impl Watcher {
        pub fn new(site: &Path) -> Option<Watcher> {
            // SAFETY: inotify_init1 takes flags and returns a descriptor or -1.
            let fd = unsafe { libc::inotify_init1(libc::IN_CLOEXEC | libc::IN_NONBLOCK) };
            if fd < 0 {
                return None;
            }
            let w = Watcher {
                fd,
                dirs: RefCell::new(HashMap::new()),
            };
            w.add(site)?;
            w.add_dirs(site);
            Some(w)
        }

        fn add(&self, dir: &Path) -> Option<()> {
            let c = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
            // SAFETY: a valid descriptor and a NUL-terminated path.
            let wd = unsafe { libc::inotify_add_watch(self.fd, c.as_ptr(), EVENTS) };
            if wd < 0 {
                return None;
            }
            self.dirs.borrow_mut().insert(wd, dir.to_path_buf());
            Some(())
        }

        /// Watch every directory under content/, templates/ and theme/
        /// (again: a directory made since is added; one already watched
        /// keeps its watch).
        pub fn add_dirs(&self, site: &Path) {
            for top in ["content", "templates", "theme"] {
                for e in walkdir::WalkDir::new(site.join(top))
                    .into_iter()
                    .filter_map(Result::ok)
                    .filter(|e| e.file_type().is_dir())
                {
                    let _ = self.add(e.path());
                }
            }
        }

        /// Wait for events (at most `timeout`) and read them all into
        /// `change`; false if there were none.
        pub fn wait(&self, timeout: Option<Duration>, change: &mut Change) -> bool {
            let mut pfd = libc::pollfd {
                fd: self.fd,
                events: libc::POLLIN,
                revents: 0,
            };
            let ms = timeout.map_or(-1, |t| t.as_millis().min(i32::MAX as u128) as i32);
            // SAFETY: one valid pollfd.
            let ready = unsafe { libc::poll(&mut pfd, 1, ms) };
            if ready <= 0 {
                return false;
            }
            let mut buf = [0u8; 8192];
            let mut any = false;
            let dirs = self.dirs.borrow();
            const HEAD: usize = std::mem::size_of::<libc::inotify_event>();
            loop {
                // SAFETY: reading into a buffer of the given length.
                let n = unsafe { libc::read(self.fd, buf.as_mut_ptr().cast(), buf.len()) };
                if n <= 0 {
                    break;
                }
                any = true;
                // Each event: wd, mask, cookie, len (native u32s), then
                // `len` bytes of name.
                let mut at = 0;
                while at + HEAD <= n as usize {
                    let word = |k: usize| {
                        let b = &buf[at + 4 * k..at + 4 * k + 4];
                        u32::from_ne_bytes([b[0], b[1], b[2], b[3]])
                    };
                    let (wd, mask, len) = (word(0) as i32, word(1), word(3) as usize);
                    let end = (at + HEAD + len).min(n as usize);
                    let name = &buf[(at + HEAD).min(end)..end];
                    let name = &name[..name.iter().position(|&b| b == 0).unwrap_or(name.len())];
                    if mask & libc::IN_ISDIR != 0
                        && mask & (libc::IN_CREATE | libc::IN_MOVED_TO) != 0
                    {
                        change.new_dir = true;
                    }
                    let known =
                        mask & (libc::IN_ISDIR | libc::IN_Q_OVERFLOW | libc::IN_IGNORED) == 0;
                    match (known, dirs.get(&wd), &mut change.paths) {
                        (true, Some(dir), Some(paths)) if !name.is_empty() => {
                            let path = dir.join(std::ffi::OsString::from_vec(name.to_vec()));
                            if mask & libc::IN_MODIFY != 0 {
                                change.writing.insert(path.clone());
                            }
                            if mask & (libc::IN_CLOSE_WRITE | libc::IN_MOVED_TO | libc::IN_DELETE)
                                != 0
                            {
                                change.writing.remove(&path);
                            }
                            paths.push(path);
                        }
                        // The watched directory itself (of content/'s
                        // parent: a file beside content/ is no content).
                        (true, Some(_), Some(_)) => {}
                        _ => change.paths = None,
                    }
                    at += HEAD + len;
                }
            }
            any
        }
    }

    impl Drop for Watcher {
        fn drop(&mut self) {
            // SAFETY: the descriptor is ours and closed once.
            unsafe { libc::close(self.fd) };
        }
    }
}
