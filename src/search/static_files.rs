//! The static index for `search.html`: a small manifest, postings sharded by
//! key hash (a query fetches only the shards of its keys), document chunks
//! (fetched only for the results shown) and one facet table. Every file name
//! carries its content hash, so hosts may cache them for ever.

use super::index::{BODY, FACET_LABELS, FACETS, Index, List, decode};
use super::tokenize::shard_of;
use crate::output::{Staging, short_hash};
use serde_json::{Value, json};

/// Raw bytes of postings per shard we aim for (gzip takes them to a third).
pub const SHARD_TARGET: usize = 8_000;
/// Documents per chunk of result metadata.
pub const CHUNK: usize = 4;

/// `[Δdoc, n, pos, Δpos…, Δdoc, n, pos, Δpos…]`: deltas keep the numbers
/// short. A document's first position is written as `2·(p − BODY)` in the
/// body and `2·p + 1` in the title, so that it too is short.
/// Append a number in decimal (faster than `write!` for the millions of
/// numbers of an index).
fn num(out: &mut String, mut v: u32) {
    let mut buf = [0u8; 10];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for b in &buf[i..] {
        out.push(char::from(*b));
    }
}

fn encode_pairs(p: &[u32], out: &mut String) {
    out.push('[');
    let mut last = 0;
    let mut first = true;
    for (doc, positions) in decode(p) {
        let mut lp = 0;
        if !first {
            out.push(',');
        }
        num(out, doc - last);
        out.push(',');
        num(out, positions.len() as u32);
        first = false;
        last = doc;
        for (i, pos) in positions.iter().enumerate() {
            let v = if i > 0 {
                pos - lp
            } else if *pos >= BODY {
                2 * (pos - BODY)
            } else {
                2 * pos + 1
            };
            out.push(',');
            num(out, v);
            lp = *pos;
        }
    }
    out.push(']');
}

/// `[Δdoc, Δdoc, -weight, …]`: a document's weight follows it, negated,
/// only where it is not 1.
fn encode_weighted(list: &[u32], out: &mut String) {
    out.push('[');
    let mut last = 0;
    for (i, pair) in list.chunks_exact(2).enumerate() {
        if i > 0 {
            out.push(',');
        }
        num(out, pair[0] - last);
        last = pair[0];
        if pair[1] != 1 {
            out.push_str(",-");
            num(out, pair[1]);
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
}

impl Posting<'_> {
    fn encode(self, out: &mut String) {
        match self {
            Posting::Gram(p) => encode_weighted(&p.grams(), out),
            Posting::Span(p) => encode_pairs(&p.spans(), out),
            Posting::Exact(d) => encode_docs(d, out),
        }
    }
    /// About how many bytes the encoding takes (for the number of shards).
    fn estimate(self) -> usize {
        match self {
            Posting::Gram(p) | Posting::Span(p) => 2 * p.len() + 2,
            Posting::Exact(d) => 3 * d.len() + 2,
        }
    }
}

/// Every key as the browser spells it, with its postings, sorted by shard
/// and then by key. Span keys (with positions) are prefixed `@`, exact
/// values are `=…` already. Returns the number of shards too.
fn keys(index: &Index) -> (u32, Vec<(u32, String, Posting<'_>)>) {
    use rayon::prelude::*;
    let mut all: Vec<(u32, String, Posting)> = index
        .grams
        .par_iter()
        .flat_map_iter(|m| m.iter())
        .map(|(k, p)| (0, index.key_text(*k), Posting::Gram(p)))
        .collect();
    all.par_extend(
        index
            .spans
            .par_iter()
            .flat_map_iter(|m| m.iter())
            .map(|(k, p)| (0, format!("@{}", index.key_text(*k)), Posting::Span(p))),
    );
    all.par_extend(
        index
            .exact
            .par_iter()
            .map(|(k, d)| (0, k.clone(), Posting::Exact(d))),
    );
    let total: usize = all.iter().map(|(_, k, p)| k.len() + 4 + p.estimate()).sum();
    let shards = total.div_ceil(SHARD_TARGET).max(1) as u32;
    all.par_iter_mut()
        .for_each(|e| e.0 = shard_of(&e.1, shards));
    all.par_sort_unstable_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    (shards, all)
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
pub fn write(index: &mut Index, staging: &Staging) -> String {
    use rayon::prelude::*;
    use sha2::{Digest, Sha256};
    // Shards are encoded, hashed and written one by one, in parallel, into
    // a directory that takes its hashed name at the end: no second copy of
    // the postings is ever held in memory.
    const BUILDING: &str = "search/.building";
    let (shards, keys) = keys(index);
    let mut groups: Vec<&[(u32, String, Posting)]> = Vec::with_capacity(shards as usize);
    let mut rest = keys.as_slice();
    for i in 0..shards {
        let n = rest.iter().take_while(|e| e.0 == i).count();
        let (group, tail) = rest.split_at(n);
        groups.push(group);
        rest = tail;
    }
    let mut digests: Vec<[u8; 32]> = groups
        .par_iter()
        .enumerate()
        .map(|(i, group)| {
            let mut b = String::from("{");
            for (j, (_, k, p)) in group.iter().enumerate() {
                if j > 0 {
                    b.push(',');
                }
                b.push_str(&serde_json::to_string(k).unwrap_or_default());
                b.push(':');
                p.encode(&mut b);
            }
            b.push('}');
            staging.write(&format!("{BUILDING}/s{i}.json"), b.as_bytes(), None);
            Sha256::digest(b.as_bytes()).into()
        })
        .collect();
    drop(groups);
    drop(keys);
    // Only the documents are needed from here on.
    index.drop_postings();
    let chunks: Vec<Vec<u8>> = index
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
        .collect();
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
        "v": 3,
        "gram": super::index::GRAM,
        "docs": index.docs.len(),
        "body": BODY,
        "dir": format!("{dir}/"),
        "shards": shards,
        "chunk": CHUNK,
        "chunks": chunks,
        "facet_names": FACETS,
        "facet_labels": FACET_LABELS,
    });
    write_json(staging, "index", &manifest)
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
