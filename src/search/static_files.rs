//! The static index for `search.html`: a small manifest, postings sharded by
//! key hash (a query fetches only the shards of its keys), document chunks
//! (fetched only for the results shown) and one facet table. Every file name
//! carries its content hash, so hosts may cache them for ever.

use super::index::{BODY, FACET_LABELS, FACETS, Index, decode};
use super::tokenize::shard_of;
use crate::output::{Staging, short_hash};
use serde_json::{Value, json};

/// Raw bytes of postings per shard we aim for (gzip takes them to a third).
pub const SHARD_TARGET: usize = 8_000;
/// Documents per chunk of result metadata.
pub const CHUNK: usize = 8;

/// `[Δdoc, n, Δpos…, Δdoc, n, Δpos…]`: deltas keep the numbers short.
fn encode_pairs(p: &[u32], out: &mut String) {
    use std::fmt::Write;
    out.push('[');
    let mut last = 0;
    let mut first = true;
    for (doc, positions) in decode(p) {
        let mut lp = 0;
        let _ = write!(
            out,
            "{}{},{}",
            if first { "" } else { "," },
            doc - last,
            positions.len()
        );
        first = false;
        last = doc;
        for pos in positions {
            let _ = write!(out, ",{}", pos - lp);
            lp = *pos;
        }
    }
    out.push(']');
}

fn encode_docs(d: &[u32], out: &mut String) {
    use std::fmt::Write;
    out.push('[');
    let mut last = 0;
    for (i, x) in d.iter().enumerate() {
        let _ = write!(out, "{}{}", if i == 0 { "" } else { "," }, x - last);
        last = *x;
    }
    out.push(']');
}

/// Every key with its encoded postings (JSON text), sorted by key.
pub fn entries(index: &Index) -> Vec<(&str, String)> {
    let mut all: Vec<(&str, String)> =
        Vec::with_capacity(index.pairs.len() + index.singles.len() + index.exact.len());
    for (k, p) in &index.pairs {
        let mut s = String::new();
        encode_pairs(p, &mut s);
        all.push((k, s));
    }
    for (k, d) in index.singles.iter().chain(index.exact.iter()) {
        let mut s = String::new();
        encode_docs(d, &mut s);
        all.push((k, s));
    }
    all.sort_unstable_by(|a, b| a.0.cmp(b.0));
    all
}

fn write_json(staging: &Staging, stem: &str, v: &Value) -> String {
    let bytes = serde_json::to_vec(v).unwrap_or_default();
    let name = format!("search/{stem}.{}.json", short_hash(&bytes));
    staging.write(&name, &bytes, None);
    name
}

/// Write the index; returns the manifest's path (for search.html).
/// Write the index; returns the manifest's path (for search.html).
///
/// Shards, chunks and the facet table go into one directory named by the
/// hash of them all (`search/<hash>/s0.json` …), so the manifest carries a
/// single name instead of thousands: the first visit downloads less, and
/// every file is still cached for ever under a content-hashed path.
pub fn write(index: &Index, staging: &Staging) -> String {
    use sha2::{Digest, Sha256};
    let entries = entries(index);
    let total: usize = entries.iter().map(|(k, v)| k.len() + v.len() + 4).sum();
    let shards = total.div_ceil(SHARD_TARGET).max(1) as u32;
    let chunk = |docs: &[super::index::SearchDoc]| -> Vec<u8> {
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
    };
    let facets = serde_json::to_vec(&facet_table(index)).unwrap_or_default();
    // The directory's name is the hash of everything in it, computed first
    // so that each file can be written as soon as it is made (memory stays
    // at one copy of the postings).
    let mut h = Sha256::new();
    h.update(shards.to_le_bytes());
    for (k, v) in &entries {
        h.update(k.as_bytes());
        h.update([0]);
        h.update(v.as_bytes());
    }
    for docs in index.docs.chunks(CHUNK) {
        h.update(chunk(docs));
    }
    h.update(&facets);
    let dir: String = h
        .finalize()
        .iter()
        .take(5)
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut buckets: Vec<String> = vec![String::from("{"); shards as usize];
    for (k, v) in entries {
        let b = &mut buckets[shard_of(k, shards) as usize];
        if b.len() > 1 {
            b.push(',');
        }
        b.push_str(&serde_json::to_string(k).unwrap_or_default());
        b.push(':');
        b.push_str(&v);
    }
    for (i, mut b) in buckets.into_iter().enumerate() {
        b.push('}');
        staging.write(&format!("search/{dir}/s{i}.json"), b.as_bytes(), None);
    }
    let chunks = index.docs.len().div_ceil(CHUNK);
    for (i, docs) in index.docs.chunks(CHUNK).enumerate() {
        staging.write(&format!("search/{dir}/d{i}.json"), &chunk(docs), None);
    }
    staging.write(&format!("search/{dir}/f.json"), &facets, None);
    let manifest = json!({
        "v": 2,
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
