//! The static index for `search.html`: a small manifest, postings sharded by
//! key hash (a query fetches only the shards of its keys), heavy postings
//! in files of their own (`h<n>.json`, named in their key's shard), document chunks
//! (fetched only for the results shown) and one facet table. Every file name
//! carries its content hash, so hosts may cache them for ever.

use super::index::{BODY, FACET_LABELS, FACETS, Index, List};
use super::tokenize::fnv1a;
use crate::decimal::push_u32 as num;
use crate::output::{Staging, short_hash};
use serde_json::{Value, json};

/// Raw bytes of postings per shard we aim for (gzip takes them to a third).
pub const SHARD_TARGET: usize = 1_500;
/// Documents per chunk of result metadata.
pub const CHUNK: usize = 4;

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

/// `[Δdoc, n, pos, Δpos…, Δdoc, n, pos, Δpos…]`: deltas keep the numbers
/// short. A document's first position is written as `2·(p − BODY)` in the
/// body and `2·p + 1` in the title, so that it too is short.
fn encode_pairs(list: &List, out: &mut String) {
    // The list holds these very differences (see `List::positions`): they
    // are written as they are read, but for each document's first
    // position.
    out.push('[');
    let mut it = list.stored();
    let mut first = true;
    while let (Some(doc), Some(n)) = (it.next(), it.next()) {
        if !first {
            out.push(',');
        }
        first = false;
        num(out, doc);
        out.push(',');
        num(out, n);
        for i in 0..n {
            let Some(pos) = it.next() else { break };
            let v = if i > 0 {
                pos
            } else if pos >= BODY {
                2 * (pos - BODY)
            } else {
                2 * pos + 1
            };
            out.push(',');
            num(out, v);
        }
    }
    out.push(']');
}

/// `[Δdoc, Δdoc, -weight, …]`: a document's weight follows it, negated,
/// only where it is not 1. The list holds `Δdoc, weight, …`.
fn encode_weighted(list: &List, out: &mut String) {
    out.push('[');
    let mut it = list.stored();
    let mut first = true;
    while let (Some(doc), Some(weight)) = (it.next(), it.next()) {
        if !first {
            out.push(',');
        }
        first = false;
        num(out, doc);
        if weight != 1 {
            out.push_str(",-");
            num(out, weight);
        }
    }
    out.push(']');
}

fn encode_docs(d: &[u32], out: &mut String) {
    out.push('[');
    let mut last = 0;
    for (i, x) in d.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        num(out, x - last);
        last = *x;
    }
    out.push(']');
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
    /// A heavy list, kept in file `h<n>.json`: its shard holds only `n`.
    File(u32),
    /// A heavy run's positions (a run of MAX_RUN tokens keeps them even
    /// when heavy), kept in file `h<n>.json`: its shard holds `{"f": n}`,
    /// so that the browser can tell them from a heavy list of documents
    /// before it fetches the file.
    RunFile(u32),
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
            Posting::Gram(p) => encode_weighted(p, out),
            Posting::Span(p) => encode_pairs(p, out),
            Posting::Exact(d) => encode_docs(d, out),
            Posting::Run(p) => {
                out.push_str("{\"p\":");
                encode_pairs(p, out);
                out.push('}');
            }
            Posting::File(n) => num(out, n),
            Posting::RunFile(n) => {
                out.push_str("{\"f\":");
                num(out, n);
                out.push('}');
            }
        }
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
            Posting::File(_) => 8,
            Posting::RunFile(_) => 14,
        }
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
/// the shard, only the number of its file if it has one.
fn resolve<'i>(index: &'i Index, exact: &[&'i String], e: &Entry) -> Option<(String, Posting<'i>)> {
    let (text, posting) = resolve_list(index, exact, e)?;
    if e.file == IN_SHARD {
        Some((text, posting))
    } else {
        match posting {
            Posting::Run(_) => Some((text, Posting::RunFile(e.file))),
            _ => Some((text, Posting::File(e.file))),
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
    keys: Vec<Entry>,
    heavy: Vec<Entry>,
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

fn keys(index: &Index, part: Part, first_file: u32) -> Layout<'_> {
    use rayon::prelude::*;
    let (mut all, exact) = match part {
        Part::Keys => key_entries(index),
        Part::Phrases => (phrase_entries(index), Vec::new()),
    };
    // Heavy lists get files of their own, numbered in the order of their
    // keys' text: a query for a rare key never downloads a common one
    // that happens to share its shard.
    let heavy_list = |e: &Entry| e.size as usize > index.heavy;
    let mut heavy: Vec<(String, Entry)> = all
        .par_iter()
        .filter(|e| heavy_list(e))
        .filter_map(|e| Some((resolve_list(index, &exact, e)?.0, *e)))
        .collect();
    heavy.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let files: std::collections::HashMap<([u64; 2], u8), u32> = heavy
        .iter()
        .enumerate()
        .map(|(i, (_, e))| ((e.key, e.kind), first_file + i as u32))
        .collect();
    let mut total = 0;
    for e in &mut all {
        if let Some(&n) = heavy_list(e).then(|| files.get(&(e.key, e.kind))).flatten() {
            e.file = n;
            e.size = Posting::File(n).estimate() as u32;
        }
        total += usize::from(e.text) + e.size as usize;
    }
    let shards = total.div_ceil(SHARD_TARGET).max(1) as u32;
    // Within a shard the keys are sorted by text when it is written.
    all.par_sort_unstable_by_key(|e| (e.hash % shards, e.kind, e.key));
    Layout {
        shards,
        keys: all,
        heavy: heavy.into_iter().map(|h| h.1).collect(),
        exact,
    }
}

/// Write the shards of one part and its heavy lists' files, numbered from
/// `first_file`; returns the number of shards, the files' hashes and the
/// next file number.
fn write_part(
    index: &Index,
    staging: &Staging,
    part: Part,
    first_file: u32,
    dir: &str,
) -> (u32, Vec<[u8; 32]>, u32) {
    use rayon::prelude::*;
    use sha2::{Digest, Sha256};
    let Layout {
        shards,
        keys,
        heavy,
        exact,
    } = keys(index, part, first_file);
    let prefix = match part {
        Part::Keys => 's',
        Part::Phrases => 'p',
    };
    let mut groups: Vec<&[Entry]> = Vec::with_capacity(shards as usize);
    let mut rest = keys.as_slice();
    for i in 0..shards {
        let n = rest.iter().take_while(|e| e.hash % shards == i).count();
        let (group, tail) = rest.split_at(n);
        groups.push(group);
        rest = tail;
    }
    let mut digests: Vec<[u8; 32]> = groups
        .par_iter()
        .enumerate()
        .map(|(i, group)| {
            let mut entries: Vec<(String, Posting)> = group
                .iter()
                .filter_map(|e| resolve(index, &exact, e))
                .collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            let mut b = String::from("{");
            for (j, (k, p)) in entries.iter().enumerate() {
                if j > 0 {
                    b.push(',');
                }
                push_json_str(&mut b, k);
                b.push(':');
                p.encode(&mut b);
            }
            b.push('}');
            staging.write(&format!("{dir}/{prefix}{i}.json"), b.as_bytes(), None);
            Sha256::digest(b.as_bytes()).into()
        })
        .collect();
    // Each heavy list in its file: `h<n>.json` holds the list alone.
    digests.par_extend(heavy.par_iter().enumerate().map(|(i, e)| -> [u8; 32] {
        let mut b = String::new();
        if let Some((_, p)) = resolve_list(index, &exact, e) {
            p.encode(&mut b);
        }
        let n = first_file + i as u32;
        staging.write(&format!("{dir}/h{n}.json"), b.as_bytes(), None);
        Sha256::digest(b.as_bytes()).into()
    }));
    (shards, digests, first_file + heavy.len() as u32)
}

fn write_json(staging: &Staging, stem: &str, v: &Value) -> String {
    let bytes = serde_json::to_vec(v).unwrap_or_default();
    let name = format!("search/{stem}.{}.json", short_hash(&bytes));
    staging.write(&name, &bytes, None);
    name
}

/// Write the index; returns the manifest's path (for search.html).
///
/// Shards, chunks and the facet table go into one directory named by the
/// hash of them all (`search/<hash>/s0.json` …), so the manifest carries a
/// single name instead of thousands: the first visit downloads less, and
/// every file is still cached for ever under a content-hashed path.
/// The result rows of the documents, `CHUNK` to a file: url, title,
/// kind, date, party, summary.
fn doc_chunks(index: &Index) -> Vec<Vec<u8>> {
    use rayon::prelude::*;
    index
        .docs
        .par_chunks(CHUNK)
        .map(|docs| {
            let rows: Vec<Value> = docs
                .iter()
                .map(|d| {
                    json!([
                        d.url,
                        d.title,
                        d.facets[0],
                        d.date,
                        d.party.clone().unwrap_or_default(),
                        d.summary
                    ])
                })
                .collect();
            serde_json::to_vec(&rows).unwrap_or_default()
        })
        .collect()
}

pub fn write(index: &mut Index, staging: &Staging) -> String {
    use rayon::prelude::*;
    use sha2::{Digest, Sha256};
    // Shards are encoded, hashed and written one by one, in parallel, into
    // a directory that takes its hashed name at the end: no second copy of
    // the postings is ever held in memory.
    const BUILDING: &str = "search/.building";
    if let Some(old) = previous_dir(staging) {
        staging.compare_with(BUILDING, &old);
    }
    // The gram, span and exact keys first; then, with the grams freed, the
    // runs of five tokens are joined from the spans, and the phrase keys
    // written. The two never take memory at the same time.
    let (shards, mut digests, files) = write_part(index, staging, Part::Keys, 0, BUILDING);
    index.grams = Vec::new();
    index.exact = Default::default();
    let runs = index.join_runs();
    index.spans = Vec::new();
    index.name_runs(runs);
    let (phrase_shards, more, _) = write_part(index, staging, Part::Phrases, files, BUILDING);
    digests.extend(more);
    // Only the documents are needed from here on.
    index.drop_postings();
    let chunks = doc_chunks(index);
    let facets = serde_json::to_vec(&facet_table(index)).unwrap_or_default();
    chunks.par_iter().enumerate().for_each(|(i, c)| {
        staging.write(&format!("{BUILDING}/d{i}.json"), c, None);
    });
    staging.write(&format!("{BUILDING}/f.json"), &facets, None);
    // The directory's name is the hash of everything in it: of the hashes
    // of its files.
    digests.par_extend(
        chunks
            .par_iter()
            .map(|c| -> [u8; 32] { Sha256::digest(c).into() }),
    );
    let mut h = Sha256::new();
    h.update(shards.to_le_bytes());
    h.update(phrase_shards.to_le_bytes());
    for d in &digests {
        h.update(d);
    }
    h.update(&facets);
    let dir: String = h
        .finalize()
        .iter()
        .take(5)
        .map(|b| format!("{b:02x}"))
        .collect();
    staging.rename(BUILDING, &format!("search/{dir}"));
    let chunks = chunks.len();
    let manifest = json!({
        "v": 6,
        "gram": super::index::GRAM,
        "run": super::index::MAX_RUN,
        "docs": index.docs.len(),
        "body": BODY,
        "dir": format!("{dir}/"),
        "shards": shards,
        "phrase_shards": phrase_shards,
        "chunk": CHUNK,
        "chunks": chunks,
        "facet_names": FACETS,
        "facet_labels": FACET_LABELS,
    });
    write_json(staging, "index", &manifest)
}

/// The directory of the previous output's static index (`search/<hash>`),
/// whose files the new index's are compared with: after a small change
/// most shards are the same, and linking them instead of writing them
/// anew spares the file system tens of thousands of new files.
fn previous_dir(staging: &Staging) -> Option<String> {
    let search = staging.previous_dir("search")?;
    let mut dirs: Vec<String> = std::fs::read_dir(search)
        .ok()?
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_hexdigit()))
        .collect();
    dirs.sort();
    dirs.first().map(|d| format!("search/{d}"))
}

/// Facet values, and one character per document naming its value.
fn facet_table(index: &Index) -> Value {
    let mut values: Vec<Vec<String>> = vec![Vec::new(); FACETS.len()];
    let mut columns: Vec<String> = vec![String::new(); FACETS.len()];
    for (f, vals) in values.iter_mut().enumerate() {
        let mut set: Vec<String> = index.docs.iter().map(|d| d.facets[f].clone()).collect();
        set.sort();
        set.dedup();
        if f == 4 {
            set.reverse(); // newest year first
        }
        *vals = set;
        columns[f] = index
            .docs
            .iter()
            .map(|d| {
                let i = vals.iter().position(|v| *v == d.facets[f]).unwrap_or(0);
                char::from_u32(48 + i as u32).unwrap_or('0')
            })
            .collect();
    }
    json!({ "values": values, "docs": columns })
}

#[cfg(test)]
mod tests {
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
