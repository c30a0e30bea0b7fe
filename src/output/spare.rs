//! The output before the current one, kept beside it (`.public.spare`) to
//! become the next build's working tree, instead of a new tree of tens of
//! thousands of links made and the old one removed on every build.
//!
//! After a build is put in place, the directory it was built in holds the
//! output before it. A file beside it (`.public.spare.state`) says which
//! files the current output has (with their sizes), which of them are not
//! the spare's file at the same path (written anew, or taken from
//! elsewhere), and which of the spare's files the current output does not
//! have; and it names both trees by their markers (device, inode, size,
//! time and content). The next build checks both markers, removes the state file
//! (from then on a failed or killed build leaves a spare nobody uses), and
//! brings the spare up to the current output: it links the current
//! output's files in place of those that differ and removes those the
//! current output lacks. Every other file of the spare is already the
//! current output's own file (the same inode), so the build only has to
//! write what changed and remove what left.

use super::MARKER;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where the spare of output `out` is, and what is kept about it.
pub(super) fn dir(out: &Path) -> PathBuf {
    super::beside(out, "spare")
}

fn state_file(out: &Path) -> PathBuf {
    super::beside(out, "spare.state")
}

/// What names a tree: its marker's device, inode, size, time of change
/// and content (not the time of its inode's change, which a link made to
/// it, as by a backup with `cp -al`, moves).
fn ident(tree: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let path = tree.join(MARKER);
    let m = std::fs::symlink_metadata(&path).ok()?;
    let text = std::fs::read(&path).ok()?;
    Some(format!(
        "{} {} {} {} {} {}",
        m.dev(),
        m.ino(),
        m.size(),
        m.mtime(),
        m.mtime_nsec(),
        super::short_hash(&text)
    ))
}

/// The files of the current output and their sizes, from the spare made
/// ready as the next build's tree; none if there is no spare to trust
/// (then what is there is removed).
pub(super) fn take(out: &Path) -> Option<BTreeMap<String, u64>> {
    let spare = dir(out);
    let state = state_file(out);
    let text = std::fs::read_to_string(&state).ok();
    // From here on the spare is being changed: no later build trusts it
    // unless this one finishes.
    let _ = std::fs::remove_file(&state);
    let ready = text.and_then(|t| ready(out, &spare, &t));
    if ready.is_none() {
        discard(&spare);
    }
    ready
}

/// Remove a spare tree (only one gongshi made: it has the marker).
fn discard(tree: &Path) {
    let ours = std::fs::symlink_metadata(tree).is_ok_and(|m| m.is_dir())
        && std::fs::symlink_metadata(tree.join(MARKER)).is_ok_and(|m| m.is_file());
    if ours {
        super::swap::remove_tree(tree);
        let _ = std::fs::remove_file(tree.join(MARKER));
        let _ = std::fs::remove_dir(tree);
    }
}

fn ready(out: &Path, spare: &Path, text: &str) -> Option<BTreeMap<String, u64>> {
    let mut lines = text.lines();
    if lines.next()? != "gongshi-spare-1"
        || lines.next()? != ident(out)?
        || lines.next()? != ident(spare)?
    {
        return None;
    }
    let mut files = BTreeMap::new();
    for line in lines {
        let (tag, rest) = line.split_at_checked(1)?;
        let (size, rel) = rest.split_once('\t')?;
        if rel.is_empty()
            || rel
                .split('/')
                .any(|p| p.is_empty() || p == "." || p == "..")
        {
            return None;
        }
        let (from, to) = (out.join(rel), spare.join(rel));
        match tag {
            // A file of the output: kept in the spare already...
            "=" => {
                files.insert(rel.to_string(), size.parse().ok()?);
            }
            // ...or to be linked from the output.
            "+" => {
                files.insert(rel.to_string(), size.parse().ok()?);
                let _ = std::fs::remove_file(&to);
                if let Some(parent) = to.parent() {
                    std::fs::create_dir_all(parent).ok()?;
                }
                std::fs::hard_link(&from, &to).ok()?;
            }
            // A file of the spare that the output lacks.
            "-" => match std::fs::remove_file(&to) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(_) => return None,
            },
            _ => return None,
        }
    }
    Some(files)
}

/// Keep `spare` (the tree that held the output before `out`'s current one)
/// for the next build: `files`, the files of the current output with their
/// sizes and whether each is the spare's file at the same path; `before`,
/// the files the spare has (none known: they are listed from it).
pub(super) fn keep<'b>(
    out: &Path,
    spare: &Path,
    files: &BTreeMap<String, (u64, bool)>,
    before: Option<impl Iterator<Item = &'b String>>,
) {
    let at = dir(out);
    let listed: Vec<String>;
    let before: Vec<&String> = match before {
        Some(b) => b.collect(),
        None => {
            listed = list(spare);
            listed.iter().collect()
        }
    };
    if spare != at {
        discard(&at);
    }
    let kept = (spare == at || std::fs::rename(spare, &at).is_ok())
        .then(|| write_state(out, &at, files, &before))
        .and_then(Result::ok);
    if kept.is_none() {
        let _ = std::fs::remove_file(state_file(out));
        discard(&at);
        discard(spare);
    }
}

fn write_state(
    out: &Path,
    spare: &Path,
    files: &BTreeMap<String, (u64, bool)>,
    before: &[&String],
) -> std::io::Result<()> {
    let (Some(a), Some(b)) = (ident(out), ident(spare)) else {
        return Err(std::io::Error::other("no marker"));
    };
    let state = state_file(out);
    let tmp = state.with_extension(format!("tmp-{}", std::process::id()));
    let mut w = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
    writeln!(w, "gongshi-spare-1\n{a}\n{b}")?;
    for (rel, (size, same)) in files {
        if rel.contains(['\n', '\t']) {
            return Err(std::io::Error::other("name"));
        }
        writeln!(w, "{}{size}\t{rel}", if *same { '=' } else { '+' })?;
    }
    for rel in before {
        if !files.contains_key(*rel) {
            writeln!(w, "-0\t{rel}")?;
        }
    }
    w.flush()?;
    drop(w);
    std::fs::rename(&tmp, &state)
}

/// The files of a tree (its marker left out).
fn list(tree: &Path) -> Vec<String> {
    walkdir::WalkDir::new(tree)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(tree).ok()?.to_str()?.to_string();
            (rel != MARKER).then_some(rel)
        })
        .collect()
}
