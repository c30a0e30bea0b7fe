//! The files of one tier of the static index for `search.html` (see
//! [`super::tiers`]): postings sharded by key hash (a query fetches only
//! the shards of its keys), and heavy postings in files of their own
//! (`h<n>.json`, named in their key's shard, `n` from the hash of the key;
//! in a large tier, `h<n>r<j>.json`, one for each range of document
//! numbers, see [`super::encode`]).

use super::encode::{self, Emit, Ranges};
use super::index::{Index, List};
use super::tokenize::fnv1a;
use crate::output::Staging;

/// Raw bytes of postings per shard at most, in the first tier of the index
/// and in the second (gzip takes them to a third): a query of a long term
/// fetches a shard for each of a dozen keys in each tier, so the big first
/// tier has small shards; a new record rewrites every shard of the small
/// second tier, so that one has fewer. The number of shards is rounded up
/// to three significant bits (…, 8192, 10240, 12288, 14336, 16384, …:
/// steps of an eighth to a quarter), so that a shard holds four fifths of
/// the most or more, and a key stays in its shard while the index grows or
/// shrinks within a step: one record more or less moves none.
pub const SHARD_MAX: [usize; 2] = [1_000, 1_500];

/// A string as JSON, byte for byte as serde_json writes it: keys rarely
/// have anything to escape, and then need no second string.
fn push_json_str(out: &mut String, s: &str) {
    if s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
        out.push_str(&serde_json::to_string(s).unwrap_or_default());
    } else {
        out.push('"');
        out.push_str(s);
        out.push('"');
    }
}

/// Where a key's postings are, for encoding them in their shard.
#[derive(Clone, Copy)]
enum Posting<'i> {
    Gram(&'i List),
    Span(&'i List),
    Exact(&'i [u32]),
    /// A run's positions (a light run's, or a run of MAX_RUN tokens'), as
    /// `{"p": […]}` (a list of documents would be an array).
    Run(&'i List),
    /// A heavy list, kept in file `h<n>.json`: its shard holds only `n`;
    /// or in ranges of document numbers, kept in files `h<n>r<j>.json`:
    /// its shard holds `{"h": n, "r": [j, …]}`, the ranges that hold
    /// documents.
    File(u64, &'i [u32]),
    /// A heavy run's positions (a run of MAX_RUN tokens keeps them even
    /// when heavy), kept in file `h<n>.json`: its shard holds `{"f": n}`,
    /// so that the browser can tell them from a heavy list of documents
    /// before it fetches the file; in ranges, `{"f": n, "r": [j, …]}`.
    RunFile(u64, &'i [u32]),
}

/// A heavy list's file, or its ranges: `n`, or `{"<tag>": n, "r": [j, …]}`.
fn file_ref(out: &mut String, tag: &str, n: u64, ranges: &[u32]) {
    if ranges.is_empty() && tag == "h" {
        out.push_str(&n.to_string());
        return;
    }
    out.push_str(&format!("{{\"{tag}\":{n}"));
    if !ranges.is_empty() {
        out.push_str(",\"r\":[");
        for j in ranges {
            out.next();
            crate::decimal::push_u32(out, *j);
        }
        out.push(']');
    }
    out.push('}');
}

impl<'i> Posting<'i> {
    /// A phrase key's list: positions if it is a light run's, documents
    /// otherwise.
    fn of_phrase(p: &'i super::index::Phrase) -> Posting<'i> {
        if p.at {
            Posting::Run(&p.list)
        } else {
            Posting::Gram(&p.list)
        }
    }
    fn encode(self, out: &mut String) {
        match self {
            Posting::Run(_) => {
                out.push_str("{\"p\":[");
                self.numbers(out);
                out.push_str("]}");
            }
            Posting::File(n, ranges) => file_ref(out, "h", n, ranges),
            Posting::RunFile(n, ranges) => file_ref(out, "f", n, ranges),
            _ => {
                out.push('[');
                self.numbers(out);
                out.push(']');
            }
        }
    }
    /// The numbers of a list (nothing for a file's).
    fn numbers(self, out: &mut impl Emit) {
        match self {
            Posting::Gram(p) => encode::weighted(p, out),
            Posting::Span(p) | Posting::Run(p) => encode::pairs(p, out),
            Posting::Exact(d) => encode::docs(d, out),
            Posting::File(..) | Posting::RunFile(..) => {}
        }
    }
    /// A heavy list's file as the browser fetches it: whole (`width` 0),
    /// or its ranges of `width` documents, numbered, each an array (a run's
    /// positions too: the shard tells the browser what they are).
    fn file(self, width: u32) -> Vec<(Option<u32>, String)> {
        if width == 0 {
            let mut whole = String::new();
            self.encode(&mut whole);
            return vec![(None, whole)];
        }
        let mut ranges = Ranges::new(width);
        self.numbers(&mut ranges);
        ranges
            .finish()
            .into_iter()
            .map(|(j, text)| (Some(j), text))
            .collect()
    }
    /// About how many bytes the encoding takes (for the number of shards,
    /// and to tell heavy lists).
    fn estimate(self) -> usize {
        match self {
            // The same measure as [`Index::is_heavy`]: a light run's
            // positions stay in their shard, a longest run's heavy ones
            // go to a file.
            Posting::Gram(p) | Posting::Span(p) | Posting::Run(p) => p.encoded_size(),
            Posting::Exact(d) => 3 * d.len() + 2,
            Posting::File(_, ranges) => 14 + 3 * ranges.len(),
            Posting::RunFile(_, ranges) => 20 + 3 * ranges.len(),
        }
    }
}

/// A key's list as a patch of a tier ([`crate::search::patch`]) gives it.
#[derive(Clone, Copy)]
pub enum Listed<'i> {
    /// Documents and weights.
    Gram(&'i List),
    /// Positions of a span key.
    Span(&'i List),
    Exact(&'i [u32]),
    /// A run's positions (`{"p": […]}`).
    Run(&'i List),
}

/// What a heavy key takes in its shard, as the number of shards counts it.
pub const HEAVY_ENTRY: usize = 14;

impl<'i> Listed<'i> {
    fn posting(self) -> Posting<'i> {
        match self {
            Listed::Gram(l) => Posting::Gram(l),
            Listed::Span(l) => Posting::Span(l),
            Listed::Exact(d) => Posting::Exact(d),
            Listed::Run(l) => Posting::Run(l),
        }
    }

    /// About how many bytes the list takes, as the layout measures it: a
    /// list of more than a tier's heavy threshold has files of its own.
    pub fn size(self) -> usize {
        self.posting().estimate()
    }

    /// The key's entry in its shard and, if it is heavy (`file`: its
    /// number), its files: name and text.
    pub fn written(self, file: Option<u64>, width: u32) -> (String, Vec<(String, String)>) {
        let p = self.posting();
        let mut entry = String::new();
        let Some(n) = file else {
            p.encode(&mut entry);
            return (entry, Vec::new());
        };
        let files = p.file(width);
        let ranges: Vec<u32> = files.iter().filter_map(|f| f.0).collect();
        match self {
            Listed::Run(_) => Posting::RunFile(n, &ranges).encode(&mut entry),
            _ => Posting::File(n, &ranges).encode(&mut entry),
        }
        let named = files
            .into_iter()
            .map(|(j, text)| match j {
                Some(j) => (format!("h{n}r{j}.json"), text),
                None => (format!("h{n}.json"), text),
            })
            .collect();
        (entry, named)
    }
}

/// One key of the index while the shards are laid out: its kind, the packed
/// key (or the number of an exact value or a phrase), the FNV hash of its
/// text, which gives its shard, the number of its file if it is heavy, and
/// the sizes of its text and postings. 32 bytes, where the key's text and a
/// reference to its postings would take three times that for each of a
/// million keys.
#[derive(Clone, Copy)]
struct Entry {
    key: [u64; 2],
    hash: u32,
    file: u32,
    size: u32,
    text: u16,
    kind: u8,
}

const GRAM: u8 = 0;
const SPAN: u8 = 1;
const EXACT: u8 = 2;
const PHRASE: u8 = 3;
const RUN: u8 = 4;
/// No file: the postings are in the shard.
const IN_SHARD: u32 = u32::MAX;

impl Entry {
    fn key(&self) -> super::index::Key {
        u128::from(self.key[0]) | (u128::from(self.key[1]) << 64)
    }
}

/// The text of a key as the browser spells it (span keys are prefixed `@`,
/// phrase keys `~`, exact values are `=…` already) and its postings — in
/// the shard, only the number of its file if it has one (`names` gives the
/// number of each heavy list's file).
fn resolve<'i>(
    index: &'i Index,
    exact: &[&'i String],
    names: &[u64],
    ranges: &'i [Vec<u32>],
    e: &Entry,
) -> Option<(String, Posting<'i>)> {
    let (text, posting) = resolve_list(index, exact, e)?;
    if e.file == IN_SHARD {
        Some((text, posting))
    } else {
        let n = *names.get(e.file as usize)?;
        let ranges = ranges.get(e.file as usize).map_or(&[][..], Vec::as_slice);
        match posting {
            Posting::Run(_) => Some((text, Posting::RunFile(n, ranges))),
            _ => Some((text, Posting::File(n, ranges))),
        }
    }
}

/// The text of a key and where its postings are.
fn resolve_list<'i>(
    index: &'i Index,
    exact: &[&'i String],
    e: &Entry,
) -> Option<(String, Posting<'i>)> {
    match e.kind {
        GRAM => {
            let k = e.key();
            let list = index.grams.get(super::index::part_of(k))?.get(&k)?;
            Some((index.key_text(k), Posting::Gram(list)))
        }
        SPAN => {
            let k = e.key();
            let list = index.spans.get(super::index::part_of(k))?.get(&k)?;
            let mut text = String::from("@");
            index.key_text_into(k, &mut text);
            Some((text, Posting::Span(list)))
        }
        PHRASE | RUN => {
            let p = if e.kind == PHRASE {
                index.phrases.get(e.key[0] as usize)?
            } else {
                index.runs.get(e.key[0] as usize)?
            };
            let mut text = String::with_capacity(p.text.len() + 1);
            text.push('~');
            text.push_str(&p.text);
            Some((text, Posting::of_phrase(p)))
        }
        _ => {
            let k = *exact.get(e.key[0] as usize)?;
            Some((k.clone(), Posting::Exact(index.exact.get(k)?)))
        }
    }
}

/// The keys of the index laid out: every key with its hash, sorted by
/// shard (a heavy key is there too, naming its file); the heavy keys, by
/// text, in the order of their files; the exact values by number; and the
/// number of shards.
struct Layout<'i> {
    shards: u32,
    /// The bytes the shards were counted from.
    total: usize,
    keys: Vec<Entry>,
    heavy: Vec<Entry>,
    /// The file number of each heavy list ([`file_names`]).
    names: Vec<u64>,
    exact: Vec<&'i String>,
}

/// The two parts of the index, each in its own set of shards: the gram,
/// span and exact keys (`s<n>.json`), and the phrase keys (`p<n>.json`),
/// which are laid out once the grams are freed (see [`write`]).
#[derive(Clone, Copy, PartialEq)]
enum Part {
    Keys,
    Phrases,
}

/// An entry of a key of `kind` whose text is `text` and list `size` bytes.
fn entry(kind: u8, k: super::index::Key, text: &str, size: usize) -> Entry {
    Entry {
        key: [k as u64, (k >> 64) as u64],
        hash: fnv1a(text),
        file: IN_SHARD,
        size: size.min(u32::MAX as usize) as u32,
        text: (text.len() + 4).min(u16::MAX as usize) as u16,
        kind,
    }
}

/// The entries of the gram, span and exact keys; the exact values sorted
/// (an exact key is its place there).
fn key_entries(index: &Index) -> (Vec<Entry>, Vec<&String>) {
    use rayon::prelude::*;
    let mut all: Vec<Entry> = Vec::new();
    all.par_extend(index.grams.par_iter().flat_map_iter(|m| m.iter()).map_init(
        String::new,
        |text, (k, p)| {
            text.clear();
            index.key_text_into(*k, text);
            entry(GRAM, *k, text, Posting::Gram(p).estimate())
        },
    ));
    all.par_extend(index.spans.par_iter().flat_map_iter(|m| m.iter()).map_init(
        String::new,
        |text, (k, p)| {
            text.clear();
            text.push('@');
            index.key_text_into(*k, text);
            entry(SPAN, *k, text, Posting::Span(p).estimate())
        },
    ));
    let mut exact: Vec<&String> = index.exact.keys().collect();
    exact.sort_unstable();
    all.extend(exact.iter().enumerate().map(|(i, k)| {
        let size = index
            .exact
            .get(*k)
            .map_or(0, |d| Posting::Exact(d).estimate());
        entry(EXACT, i as u128, k, size)
    }));
    (all, exact)
}

/// The entries of the whole values and runs.
fn phrase_entries(index: &Index) -> Vec<Entry> {
    use rayon::prelude::*;
    let phrase = |kind: u8, i: usize, p: &super::index::Phrase| {
        let text = format!("~{}", p.text);
        entry(kind, i as u128, &text, Posting::of_phrase(p).estimate())
    };
    let mut all: Vec<Entry> = Vec::new();
    // A whole value that is a run too has the run's list: the same
    // documents, and positions if it is light.
    all.par_extend(
        index
            .phrases
            .par_iter()
            .enumerate()
            .filter(|(_, p)| !p.list.is_empty() && index.run(&p.text).is_none())
            .map(|(i, p)| phrase(PHRASE, i, p)),
    );
    all.par_extend(
        index
            .runs
            .par_iter()
            .enumerate()
            .map(|(i, p)| phrase(RUN, i, p)),
    );
    all
}

/// The keys of one part laid out (see [`Layout`]). Heavy lists get files
/// of their own, named by a number made from their key's text: a query for
/// a rare key never downloads a common one that happens to share its
/// shard, and a list that becomes heavy or light does not rename the
/// others.
fn keys(index: &Index, part: Part, shard_max: usize) -> Layout<'_> {
    use rayon::prelude::*;
    let (mut all, exact) = match part {
        Part::Keys => key_entries(index),
        Part::Phrases => (phrase_entries(index), Vec::new()),
    };
    let heavy_list = |e: &Entry| e.size as usize > index.heavy;
    let mut heavy: Vec<(String, Entry)> = all
        .par_iter()
        .filter(|e| heavy_list(e))
        .filter_map(|e| Some((resolve_list(index, &exact, e)?.0, *e)))
        .collect();
    heavy.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let names = file_names(&heavy, part);
    let files: std::collections::HashMap<([u64; 2], u8), u32> = heavy
        .iter()
        .enumerate()
        .map(|(i, (_, e))| ((e.key, e.kind), i as u32))
        .collect();
    let mut total = 0;
    for e in &mut all {
        if let Some(&i) = heavy_list(e).then(|| files.get(&(e.key, e.kind))).flatten() {
            e.file = i;
            // Ranges, not known yet, add a few bytes to this.
            e.size = HEAVY_ENTRY as u32;
        }
        total += usize::from(e.text) + e.size as usize;
    }
    let shards = shard_count(total, shard_max);
    // Within a shard the keys are sorted by text when it is written.
    all.par_sort_unstable_by_key(|e| (e.hash % shards, e.kind, e.key));
    Layout {
        shards,
        total,
        keys: all,
        heavy: heavy.into_iter().map(|h| h.1).collect(),
        names,
        exact,
    }
}

/// Shards for postings of `total` bytes, `most` to a shard (see
/// [`SHARD_MAX`]).
pub fn shard_count(total: usize, most: usize) -> u32 {
    let n = total.div_ceil(most.max(1)).clamp(1, 1 << 24);
    let step = 1usize << (usize::BITS - n.leading_zeros()).saturating_sub(3);
    (n.div_ceil(step) * step) as u32
}

/// The file numbers of heavy lists (sorted by their keys' text): 31 bits
/// of the hash of the text, doubled, plus one for a phrase key's, so that
/// the two parts never meet; on a collision the later key takes the next
/// free number of its part. At most ten digits: no number of that length
/// is mistaken for a personal one by the output scan.
fn file_names(heavy: &[(String, Entry)], part: Part) -> Vec<u64> {
    use sha2::{Digest, Sha256};
    let mut used = crate::base::FastSet::default();
    heavy
        .iter()
        .map(|(text, _)| {
            let h = Sha256::digest(text.as_bytes());
            let mut n = (h[..4].iter().fold(0u64, |a, b| a << 8 | u64::from(*b)) >> 1) * 2
                + u64::from(part == Part::Phrases);
            while !used.insert(n) {
                n += 2;
            }
            n
        })
        .collect()
}

/// Write the shards of one part (`s<n>.json` or `p<n>.json`) and its heavy
/// lists' files into `dir`, each list whole or, if `width` is not 0, in
/// ranges of `width` documents; returns the number of shards and the
/// bytes they were counted from.
fn write_part(
    index: &Index,
    staging: &Staging,
    part: Part,
    dir: &str,
    shard_max: usize,
    width: u32,
) -> (u32, u64) {
    use rayon::prelude::*;
    let Layout {
        shards,
        total,
        keys,
        heavy,
        names,
        exact,
    } = keys(index, part, shard_max);
    let prefix = match part {
        Part::Keys => 's',
        Part::Phrases => 'p',
    };
    // Each heavy list in its file, `h<n>.json`, or in its ranges'
    // files, `h<n>r<j>.json`, whose numbers its shard names.
    let ranges: Vec<Vec<u32>> = heavy
        .par_iter()
        .zip(names.par_iter())
        .map(|(e, n)| {
            let Some((_, p)) = resolve_list(index, &exact, e) else {
                return Vec::new();
            };
            let files = p.file(width);
            for (j, text) in &files {
                let name = match j {
                    Some(j) => format!("{dir}/h{n}r{j}.json"),
                    None => format!("{dir}/h{n}.json"),
                };
                staging.write(&name, text.as_bytes(), None);
            }
            files.into_iter().filter_map(|(j, _)| j).collect()
        })
        .collect();
    let mut groups: Vec<&[Entry]> = Vec::with_capacity(shards as usize);
    let mut rest = keys.as_slice();
    for i in 0..shards {
        let n = rest.iter().take_while(|e| e.hash % shards == i).count();
        let (group, tail) = rest.split_at(n);
        groups.push(group);
        rest = tail;
    }
    groups.par_iter().enumerate().for_each(|(i, group)| {
        let mut entries: Vec<(String, Posting)> = group
            .iter()
            .filter_map(|e| resolve(index, &exact, &names, &ranges, e))
            .collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let b = shard_text(&entries, |p, b| p.encode(b));
        staging.write(&format!("{dir}/{prefix}{i}.json"), b.as_bytes(), None);
    });
    (shards, total as u64)
}

/// A shard's text: its keys, sorted, each with its entry as `entry`
/// writes it.
pub fn shard_text<K: AsRef<str>, E>(entries: &[(K, E)], entry: impl Fn(&E, &mut String)) -> String {
    let mut b = String::from("{");
    for (j, (k, e)) in entries.iter().enumerate() {
        if j > 0 {
            b.push(',');
        }
        push_json_str(&mut b, k.as_ref());
        b.push(':');
        entry(e, &mut b);
    }
    b.push('}');
    b
}

/// What writing a tier's postings gives: the numbers of shards of its two
/// parts, the bytes each was counted from, and each heavy run's size of
/// positions (by text), for a later patch of the tier.
pub struct Written {
    pub shards: [u32; 2],
    pub totals: [u64; 2],
    pub runs: Vec<(String, u32)>,
}

/// Write the postings of `index` into `dir`: the gram, span and exact keys
/// first; then, with the grams freed, the runs of five tokens and more are
/// joined from the spans and the phrase keys written, so that the two never
/// take memory at the same time.
pub fn write_postings(
    index: &mut Index,
    staging: &Staging,
    dir: &str,
    shard_max: usize,
    width: u32,
) -> Written {
    let (shards, total) = write_part(index, staging, Part::Keys, dir, shard_max, width);
    index.grams = Vec::new();
    index.exact = Default::default();
    let runs = index.join_runs();
    index.spans = Vec::new();
    index.name_runs(runs);
    let (phrase_shards, phrase_total) =
        write_part(index, staging, Part::Phrases, dir, shard_max, width);
    // Sorted by text, as the runs are.
    let runs = index
        .runs
        .iter()
        .filter(|r| r.measured > 0)
        .map(|r| (r.text.clone(), r.measured))
        .collect();
    index.drop_postings();
    Written {
        shards: [shards, phrase_shards],
        totals: [total, phrase_total],
        runs,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn shard_counts_come_in_steps() {
        use super::shard_count;
        const MOST: usize = 1_000;
        let counts: Vec<u32> = [1, 7, 8, 9, 8192, 8193, 10240, 10241]
            .iter()
            .map(|n| shard_count(n * MOST, MOST))
            .collect();
        assert_eq!(counts, [1, 7, 8, 10, 8192, 10240, 10240, 12288]);
        // One record more or less (a few kilobytes) keeps the count.
        let total = 12_000_000;
        assert_eq!(shard_count(total, MOST), shard_count(total + 5_000, MOST));
        assert_eq!(shard_count(total, MOST), shard_count(total - 5_000, MOST));
        // The shards stay full: at most a quarter more than needed.
        for total in (1..2_000_000usize).step_by(9_973) {
            let need = total.div_ceil(MOST) as f64;
            assert!(
                f64::from(shard_count(total, MOST)) <= need * 1.25 + 1.0,
                "{total}"
            );
        }
    }

    proptest::proptest! {
        /// Keys are written as serde_json writes strings, escapes and all.
        #[test]
        fn keys_are_json_strings_as_serde_json_writes_them(s in "[\\x00-\\x7f安全阀|~@ ]{0,12}") {
            let mut out = String::new();
            super::push_json_str(&mut out, &s);
            proptest::prop_assert_eq!(out, serde_json::to_string(&s).unwrap());
        }
    }
}
