//! Reading a tier's files back: a shard's keys with their entries as
//! written, and a key's list from its entry (and its heavy files).

use crate::search::index::{BODY, List};
use std::path::Path;

/// A shard's keys, each with its entry as written, by key.
pub type Shard = Vec<(String, String)>;

/// The keys of a shard file's text; none if it is not one.
pub fn parse_shard(text: &str) -> Option<Shard> {
    let b = text.as_bytes();
    let mut i = 1;
    let mut out = Vec::new();
    if b.first() != Some(&b'{') {
        return None;
    }
    if b.get(1) == Some(&b'}') {
        return (b.len() == 2).then_some(out);
    }
    loop {
        // The key: a JSON string.
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let mut j = i + 1;
        while *b.get(j)? != b'"' {
            j += if b[j] == b'\\' { 2 } else { 1 };
        }
        let key: String = serde_json::from_str(text.get(i..=j)?).ok()?;
        if b.get(j + 1) != Some(&b':') {
            return None;
        }
        // The entry: numbers, brackets and braces, no strings but keys
        // of one letter.
        let start = j + 2;
        let mut depth = 0i32;
        let mut k = start;
        loop {
            match *b.get(k)? {
                b'[' | b'{' => depth += 1,
                b']' | b'}' if depth > 0 => depth -= 1,
                b',' | b'}' if depth == 0 => break,
                _ => {}
            }
            k += 1;
        }
        out.push((key, text.get(start..k)?.to_string()));
        match b[k] {
            b',' => i = k + 1,
            _ => return (k + 1 == b.len()).then_some(out),
        }
    }
}

/// A key's entry in its shard.
#[derive(Debug, PartialEq)]
pub enum Entry {
    /// The list itself: `[…]`.
    List(Vec<i64>),
    /// A run's positions: `{"p":[…]}`.
    Places(Vec<i64>),
    /// A heavy list in a file of its own (`tag` `h`, or `f` for a run's
    /// positions): number `n`, and the ranges that hold documents, if the
    /// tier cuts heavy lists into ranges.
    File { tag: u8, n: u64, ranges: Vec<u32> },
}

impl Entry {
    pub fn is_file(&self) -> bool {
        matches!(self, Entry::File { .. })
    }
}

/// The numbers of a JSON array of integers.
pub fn numbers(text: &str) -> Option<Vec<i64>> {
    let b = text.as_bytes();
    if b.first() != Some(&b'[') || b.last() != Some(&b']') {
        return None;
    }
    let inner = &b[1..b.len() - 1];
    let mut out = Vec::with_capacity(inner.len() / 3);
    if inner.is_empty() {
        return Some(out);
    }
    for part in inner.split(|&c| c == b',') {
        let (neg, digits) = match part.split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, part),
        };
        if digits.is_empty() || digits.len() > 18 || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let v = digits
            .iter()
            .fold(0i64, |v, d| v * 10 + i64::from(d - b'0'));
        out.push(if neg { -v } else { v });
    }
    Some(out)
}

pub fn parse_entry(raw: &str) -> Option<Entry> {
    if raw.starts_with('[') {
        return numbers(raw).map(Entry::List);
    }
    if let Some(rest) = raw.strip_prefix("{\"p\":") {
        return numbers(rest.strip_suffix('}')?).map(Entry::Places);
    }
    if raw.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Entry::File {
            tag: b'h',
            n: raw.parse().ok()?,
            ranges: Vec::new(),
        });
    }
    let v: serde_json::Value = serde_json::from_str(raw).ok()?;
    let (tag, n) = if let Some(n) = v.get("h") {
        (b'h', n.as_u64()?)
    } else {
        (b'f', v.get("f")?.as_u64()?)
    };
    let ranges = match v.get("r") {
        Some(r) => r
            .as_array()?
            .iter()
            .map(|j| j.as_u64().and_then(|j| u32::try_from(j).ok()))
            .collect::<Option<Vec<u32>>>()?,
        None => Vec::new(),
    };
    Some(Entry::File { tag, n, ranges })
}

/// The names of a heavy list's files in a tier whose ranges are `width`
/// documents wide (0: one file).
pub fn file_names(n: u64, ranges: &[u32], width: u32) -> Vec<String> {
    if width == 0 {
        vec![format!("h{n}.json")]
    } else {
        ranges.iter().map(|j| format!("h{n}r{j}.json")).collect()
    }
}

/// The numbers of an entry's list: in the shard, or read from its files
/// in `dir`.
pub fn list_numbers(entry: &Entry, dir: &Path, width: u32) -> Option<Vec<i64>> {
    match entry {
        Entry::List(v) | Entry::Places(v) => Some(v.clone()),
        Entry::File { n, ranges, .. } => {
            let mut all = Vec::new();
            for name in file_names(*n, ranges, width) {
                let text = std::fs::read_to_string(dir.join(name)).ok()?;
                let text = text.trim();
                let part = match text.strip_prefix("{\"p\":") {
                    Some(rest) => numbers(rest.strip_suffix('}')?)?,
                    None => numbers(text)?,
                };
                all.extend(part);
            }
            Some(all)
        }
    }
}

/// A list as plain entries, by document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entries {
    /// Document and weight.
    Weighted(Vec<(u32, u32)>),
    /// Document and positions.
    Pairs(Vec<(u32, Vec<u32>)>),
    Docs(Vec<u32>),
}

/// What one document holds in a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Held {
    Weight(u32),
    Places(Vec<u32>),
    Doc,
}

fn num(v: i64) -> Option<u32> {
    u32::try_from(v).ok()
}

/// The entries of a list of weights as written: `Δdoc` then, if not 1,
/// the weight negated.
pub fn weighted(n: &[i64]) -> Option<Entries> {
    let mut out: Vec<(u32, u32)> = Vec::new();
    let mut doc = 0u32;
    for &v in n {
        if v < 0 {
            let last = out.last_mut()?;
            if last.1 != 1 {
                return None;
            }
            last.1 = num(-v)?;
        } else {
            doc = doc.checked_add(num(v)?)?;
            out.push((doc, 1));
        }
    }
    Some(Entries::Weighted(out))
}

/// The entries of a list of positions as written: `Δdoc, n, first, Δpos…`
/// with the first position `2·(p − BODY)` in the body, `2·p + 1` in the
/// title.
pub fn pairs(n: &[i64]) -> Option<Entries> {
    let mut out = Vec::new();
    let mut doc = 0u32;
    let mut it = n.iter().map(|&v| num(v));
    while let Some(d) = it.next() {
        doc = doc.checked_add(d?)?;
        let count = it.next()??;
        let mut places = Vec::with_capacity(count as usize);
        let mut pos = 0u32;
        for i in 0..count {
            let v = it.next()??;
            pos = if i > 0 {
                pos.checked_add(v)?
            } else if v % 2 == 1 {
                (v - 1) / 2
            } else {
                (v / 2).checked_add(BODY)?
            };
            places.push(pos);
        }
        out.push((doc, places));
    }
    Some(Entries::Pairs(out))
}

pub fn docs(n: &[i64]) -> Option<Entries> {
    let mut doc = 0u32;
    let mut out = Vec::with_capacity(n.len());
    for &v in n {
        doc = doc.checked_add(num(v)?)?;
        out.push(doc);
    }
    Some(Entries::Docs(out))
}

impl Entries {
    pub fn is_empty(&self) -> bool {
        match self {
            Entries::Weighted(v) => v.is_empty(),
            Entries::Pairs(v) => v.is_empty(),
            Entries::Docs(v) => v.is_empty(),
        }
    }

    /// What document `doc` holds.
    pub fn held(&self, doc: u32) -> Option<Held> {
        match self {
            Entries::Weighted(v) => v
                .binary_search_by_key(&doc, |e| e.0)
                .ok()
                .map(|i| Held::Weight(v[i].1)),
            Entries::Pairs(v) => v
                .binary_search_by_key(&doc, |e| e.0)
                .ok()
                .map(|i| Held::Places(v[i].1.clone())),
            Entries::Docs(v) => v.binary_search(&doc).ok().map(|_| Held::Doc),
        }
    }

    /// Put what document `doc` holds now (nothing: take it out); false if
    /// it does not fit this list.
    pub fn set(&mut self, doc: u32, held: Option<Held>) -> bool {
        fn put<T>(v: &mut Vec<(u32, T)>, doc: u32, x: Option<T>) {
            match (v.binary_search_by_key(&doc, |e| e.0), x) {
                (Ok(i), Some(x)) => v[i].1 = x,
                (Ok(i), None) => {
                    v.remove(i);
                }
                (Err(i), Some(x)) => v.insert(i, (doc, x)),
                (Err(_), None) => {}
            }
        }
        match (self, held) {
            (Entries::Weighted(v), Some(Held::Weight(w))) => put(v, doc, Some(w)),
            (Entries::Weighted(v), None) => put(v, doc, None::<u32>),
            (Entries::Pairs(v), Some(Held::Places(p))) => put(v, doc, Some(p)),
            (Entries::Pairs(v), None) => put(v, doc, None::<Vec<u32>>),
            (Entries::Docs(v), h) => match (v.binary_search(&doc), h) {
                (Ok(_), Some(Held::Doc)) | (Err(_), None) => {}
                (Ok(i), None) => {
                    v.remove(i);
                }
                (Err(i), Some(Held::Doc)) => v.insert(i, doc),
                _ => return false,
            },
            _ => return false,
        }
        true
    }

    /// The list as the index keeps it (for documents: the numbers).
    pub fn list(&self) -> Result<List, Vec<u32>> {
        let mut list = List::default();
        match self {
            Entries::Weighted(v) => {
                for &(d, w) in v {
                    list.doc(d);
                    list.put(w);
                }
            }
            Entries::Pairs(v) => {
                for (d, p) in v {
                    list.positions(*d, p.iter().copied());
                }
            }
            Entries::Docs(v) => return Err(v.clone()),
        }
        Ok(list)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_read_back_key_by_key() {
        let text =
            r#"{"@安 全 阀 门":[3,1,0],"a\"b":12,"~x y":{"h":44,"r":[0,2]},"z":{"p":[1,1,2]}}"#;
        let shard = parse_shard(text).unwrap();
        let keys: Vec<&str> = shard.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(keys, ["@安 全 阀 门", "a\"b", "~x y", "z"]);
        assert_eq!(parse_entry(&shard[0].1), Some(Entry::List(vec![3, 1, 0])));
        assert_eq!(
            parse_entry(&shard[1].1),
            Some(Entry::File {
                tag: b'h',
                n: 12,
                ranges: vec![]
            })
        );
        assert_eq!(
            parse_entry(&shard[2].1),
            Some(Entry::File {
                tag: b'h',
                n: 44,
                ranges: vec![0, 2]
            })
        );
        assert_eq!(parse_entry(&shard[3].1), Some(Entry::Places(vec![1, 1, 2])));
        assert_eq!(parse_shard("{}"), Some(vec![]));
        for bad in ["", "{", "{\"a\":[1]", "{\"a\":[1]}x", "[1]"] {
            assert!(parse_shard(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn lists_decode_as_they_were_encoded() {
        use crate::search::encode;
        let mut w = List::default();
        for (d, x) in [(2, 1), (5, 11), (9, 1)] {
            w.doc(d);
            w.put(x);
        }
        let mut text = String::from("[");
        encode::weighted(&w, &mut text);
        text.push(']');
        let e = weighted(&numbers(&text).unwrap()).unwrap();
        assert_eq!(e, Entries::Weighted(vec![(2, 1), (5, 11), (9, 1)]));
        assert!(e.list().unwrap().stored().eq(w.stored()));

        let mut p = List::default();
        p.positions(1, [3, BODY, BODY + 7].into_iter());
        p.positions(8, [BODY + 2].into_iter());
        let mut text = String::from("[");
        encode::pairs(&p, &mut text);
        text.push(']');
        let e = pairs(&numbers(&text).unwrap()).unwrap();
        assert_eq!(
            e,
            Entries::Pairs(vec![(1, vec![3, BODY, BODY + 7]), (8, vec![BODY + 2])])
        );
        assert!(e.list().unwrap().stored().eq(p.stored()));
    }
}
