//! What a build keeps of each tier it wrote, beside the output, so that
//! the next build can patch the tier instead of writing it again: the
//! indexed text of its documents, the bytes its two parts' keys take (for
//! the number of shards) and the size of each heavy run's positions.
//!
//! One file per tier, named by the tier's key (`.public.search-kept/<key>`):
//! the key is a hash of everything the tier is made from, so a file is
//! valid for any output whose manifest names that key, whatever happened
//! between builds. A SHA-256 of the content closes the file; a file that
//! does not read back whole is not used.

use crate::search::SearchDoc;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

const MAGIC: &[u8] = b"gongshi-search-kept-1\n";

/// The text of a document as the index reads it.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Text {
    pub title: String,
    pub body: String,
    pub party: Option<String>,
    pub exact: Vec<String>,
}

impl Text {
    /// Whether `d` reads as this text.
    pub fn is(&self, d: &SearchDoc) -> bool {
        self.title == d.title
            && self.body == d.body
            && self.party == d.party
            && self.exact == d.exact
    }

    /// A document of this text (what the index reads of it; the rest
    /// empty).
    pub fn doc(&self) -> SearchDoc {
        let mut d = SearchDoc::gap(
            chrono::NaiveDate::MIN,
            crate::content::model::Kind::Cases,
            "",
        );
        d.title = self.title.clone();
        d.body = self.body.clone();
        d.party = self.party.clone();
        d.exact = self.exact.clone();
        d
    }
}

/// What a tier is made with, beyond its documents.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Params {
    pub first: usize,
    pub len: usize,
    pub heavy: usize,
    pub width: u32,
    pub shard_max: usize,
}

impl Params {
    /// The numbers of the tier's documents.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.first..self.first + self.len
    }
}

/// What the next build needs of a tier.
#[derive(Debug, Default)]
pub struct Kept {
    pub params: Option<Params>,
    /// Bytes of the keys of each part, as the shards are counted
    /// ([`crate::search::static_files::shard_count`]).
    pub totals: [u64; 2],
    pub docs: Vec<Text>,
    /// Heavy runs shorter than the longest (their files hold documents):
    /// text and the size of their positions, sorted by text.
    pub runs: Vec<(String, u32)>,
}

impl Kept {
    /// The size of the positions of heavy run `text`.
    pub fn run_size(&self, text: &str) -> Option<u32> {
        let i = self
            .runs
            .binary_search_by(|r| r.0.as_str().cmp(text))
            .ok()?;
        Some(self.runs[i].1)
    }
}

/// The directory of the kept files of output `out`.
pub fn dir(staging: &crate::output::Staging) -> Option<PathBuf> {
    staging.beside("search-kept")
}

/// Write what is kept of a tier of key `key`, unless a file of that key
/// is there already (the same key is the same content).
pub fn save(
    dir: &Path,
    key: &str,
    params: Params,
    totals: [u64; 2],
    docs: &[SearchDoc],
    runs: &[(String, u32)],
) {
    let path = dir.join(key);
    if path.is_file() {
        return;
    }
    let tmp = dir.join(format!("{key}.tmp-{}", std::process::id()));
    let written = std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::File::create(&tmp))
        .and_then(|f| {
            let mut w = Hashing {
                out: std::io::BufWriter::new(f),
                hash: Sha256::new(),
            };
            write(&mut w, params, totals, docs, runs)?;
            let sum = w.hash.finalize();
            w.out.write_all(&sum)?;
            w.out.flush()
        })
        .and_then(|()| std::fs::rename(&tmp, &path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

fn write(
    w: &mut Hashing,
    p: Params,
    totals: [u64; 2],
    docs: &[SearchDoc],
    runs: &[(String, u32)],
) -> std::io::Result<()> {
    w.put(MAGIC)?;
    for n in [
        p.first as u64,
        p.len as u64,
        p.heavy as u64,
        u64::from(p.width),
        p.shard_max as u64,
    ] {
        w.u64(n)?;
    }
    w.u64(totals[0])?;
    w.u64(totals[1])?;
    w.u64(docs.len() as u64)?;
    for d in docs {
        w.str(&d.title)?;
        w.str(&d.body)?;
        match &d.party {
            Some(p) => {
                w.put(&[1])?;
                w.str(p)?;
            }
            None => w.put(&[0])?,
        }
        w.u64(d.exact.len() as u64)?;
        for e in &d.exact {
            w.str(e)?;
        }
    }
    w.u64(runs.len() as u64)?;
    for (text, size) in runs {
        w.str(text)?;
        w.u64(u64::from(*size))?;
    }
    Ok(())
}

struct Hashing {
    out: std::io::BufWriter<std::fs::File>,
    hash: Sha256,
}

impl Hashing {
    fn put(&mut self, b: &[u8]) -> std::io::Result<()> {
        self.hash.update(b);
        self.out.write_all(b)
    }
    fn u64(&mut self, n: u64) -> std::io::Result<()> {
        self.put(&n.to_le_bytes())
    }
    fn str(&mut self, s: &str) -> std::io::Result<()> {
        self.u64(s.len() as u64)?;
        self.put(s.as_bytes())
    }
}

/// What was kept of the tier of key `key`, if it reads back whole.
pub fn load(dir: &Path, key: &str) -> Option<Kept> {
    if key.is_empty() || !key.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    let bytes = std::fs::read(dir.join(key)).ok()?;
    let (body, sum) = bytes.split_at(bytes.len().checked_sub(32)?);
    if Sha256::digest(body).as_slice() != sum {
        return None;
    }
    read(body)
}

fn read(b: &[u8]) -> Option<Kept> {
    let mut r = Reader { b, at: 0 };
    if r.take(MAGIC.len())? != MAGIC {
        return None;
    }
    let mut n = [0u64; 5];
    for v in &mut n {
        *v = r.u64()?;
    }
    let params = Params {
        first: usize::try_from(n[0]).ok()?,
        len: usize::try_from(n[1]).ok()?,
        heavy: usize::try_from(n[2]).ok()?,
        width: u32::try_from(n[3]).ok()?,
        shard_max: usize::try_from(n[4]).ok()?,
    };
    let totals = [r.u64()?, r.u64()?];
    let count = r.count()?;
    let mut docs = Vec::with_capacity(count.min(1 << 20));
    for _ in 0..count {
        let title = r.str()?;
        let body = r.str()?;
        let party = match r.take(1)?[0] {
            0 => None,
            _ => Some(r.str()?),
        };
        let n = r.count()?;
        let exact = (0..n).map(|_| r.str()).collect::<Option<Vec<String>>>()?;
        docs.push(Text {
            title,
            body,
            party,
            exact,
        });
    }
    let count = r.count()?;
    let mut runs = Vec::with_capacity(count.min(1 << 20));
    for _ in 0..count {
        let text = r.str()?;
        runs.push((text, u32::try_from(r.u64()?).ok()?));
    }
    (r.at == b.len()).then_some(Kept {
        params: Some(params),
        totals,
        docs,
        runs,
    })
}

struct Reader<'b> {
    b: &'b [u8],
    at: usize,
}

impl<'b> Reader<'b> {
    fn take(&mut self, n: usize) -> Option<&'b [u8]> {
        let end = self.at.checked_add(n)?;
        let s = self.b.get(self.at..end)?;
        self.at = end;
        Some(s)
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    /// A count of things that follow, each at least a byte.
    fn count(&mut self) -> Option<usize> {
        let n = usize::try_from(self.u64()?).ok()?;
        (n <= self.b.len() - self.at).then_some(n)
    }
    fn str(&mut self) -> Option<String> {
        let n = self.count()?;
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }
}

/// Remove the kept files of tiers that are neither in `keep` nor being
/// written by a live build.
pub fn prune(dir: &Path, keep: &[&str]) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let live_tmp = name
            .split_once(".tmp-")
            .is_some_and(|(_, pid)| pid.parse().is_ok_and(crate::base::running));
        if !keep.contains(&name.as_str()) && !live_tmp {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_kept_reads_back_and_a_damaged_file_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = Text {
            title: "标题".into(),
            body: "正文 abc".into(),
            party: Some("某公司".into()),
            exact: vec!["=1".into(), "=某 公 司".into()],
        }
        .doc();
        let params = Params {
            first: 3,
            len: 2,
            heavy: 300,
            width: 0,
            shard_max: 1000,
        };
        let gap = SearchDoc::gap(d.date, d.kind, "x");
        d.url = "u".into();
        save(
            dir.path(),
            "abc",
            params,
            [10, 20],
            &[d.clone(), gap.clone()],
            &[("安 全".into(), 4000)],
        );
        let kept = load(dir.path(), "abc").unwrap();
        assert_eq!(kept.params, Some(params));
        assert_eq!(kept.totals, [10, 20]);
        assert!(kept.docs[0].is(&d) && kept.docs[1].is(&gap) && !kept.docs[0].is(&gap));
        assert_eq!(kept.run_size("安 全"), Some(4000));
        assert_eq!(kept.run_size("安"), None);
        // Another key, a damaged byte, a cut file: nothing.
        assert!(load(dir.path(), "abd").is_none());
        let path = dir.path().join("abc");
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[40] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        assert!(load(dir.path(), "abc").is_none());
        bytes[40] ^= 1;
        std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        assert!(load(dir.path(), "abc").is_none());
        prune(dir.path(), &[]);
        assert!(!path.exists());
    }
}
