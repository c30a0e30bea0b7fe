//! Position lists: where a key stands in which document, and the weights
//! read from them.

use super::*;

/// Builds a list of positions (as [`List::spans`] reads it) from
/// occurrences met in order of document and position.
#[derive(Default)]
pub(super) struct Positions {
    pub(super) list: List,
    pub(super) doc: Option<u32>,
    pub(super) at: Vec<u32>,
}

impl Positions {
    /// An occurrence at [`at_key`]`(doc, pos)`.
    pub(super) fn push(&mut self, at: u64) {
        let (doc, pos) = ((at >> 32) as u32, at as u32);
        if self.doc != Some(doc) {
            self.flush();
            self.doc = Some(doc);
        }
        self.at.push(pos);
    }
    pub(super) fn flush(&mut self) {
        if let Some(d) = self.doc.take() {
            self.list.positions(d, self.at.iter().copied());
            self.at.clear();
        }
    }
    pub(super) fn finish(mut self) -> List {
        self.flush();
        self.list.bytes.shrink_to_fit();
        self.list
    }
}

/// `doc, weight, …` from a list of positions.
pub(super) fn weights_of(positions: &List) -> List {
    let mut out = List::default();
    let mut weight = 0u32;
    positions.each_position(|doc, n, i, pos| {
        if i == 0 {
            weight = 0;
        }
        weight = weight.saturating_add(weight_at(pos));
        if i + 1 == n {
            out.doc(doc);
            out.put(weight);
        }
    });
    out.bytes.shrink_to_fit();
    out
}

/// Where an occurrence stands: `doc << 32 | position`.
pub(super) fn at_key(doc: u32, pos: u32) -> u64 {
    u64::from(doc) << 32 | u64::from(pos)
}

/// What one occurrence adds to a document's weight for a key: ten in the
/// title, one in the body.
pub fn weight_at(pos: u32) -> u32 {
    if pos < BODY { 10 } else { 1 }
}

/// Positions of a span key, flat: `doc, n, pos₁ … posₙ, doc, n, …`, documents
/// ascending. One allocation per key, not per (key, document).
pub type Postings = Vec<u32>;

/// Decode flat postings into (document, positions).
pub fn decode(p: &[u32]) -> Vec<(u32, &[u32])> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < p.len() {
        let doc = p[i];
        let n = p[i + 1] as usize;
        let end = (i + 2 + n).min(p.len());
        out.push((doc, &p[i + 2..end]));
        i = end;
    }
    out
}

/// A postings list as the index keeps it while building: numbers as
/// variable-length bytes, documents as differences (a fifth of the memory
/// of plain `u32`s). [`List::grams`] and [`List::spans`] give back the
/// plain forms.
#[derive(Default)]
pub struct List {
    pub(super) last: u32,
    pub(super) bytes: Vec<u8>,
}

impl List {
    pub(crate) fn put(&mut self, mut v: u32) {
        while v >= 0x80 {
            self.bytes.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.bytes.push(v as u8);
    }
    pub(crate) fn doc(&mut self, doc: u32) {
        self.put(doc - self.last);
        self.last = doc;
    }
    /// A document and its positions, ascending (as [`List::spans`] reads
    /// them).
    pub(crate) fn positions(&mut self, doc: u32, ps: impl ExactSizeIterator<Item = u32>) {
        self.doc(doc);
        self.put(ps.len() as u32);
        let mut last = 0;
        for p in ps {
            self.put(p - last);
            last = p;
        }
    }
    /// Bytes held.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }
    /// About how many bytes the list takes in the static index.
    pub fn encoded_size(&self) -> usize {
        2 * self.len() + 2
    }
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
    pub(super) fn numbers(&self) -> impl Iterator<Item = u32> + '_ {
        let mut i = 0;
        std::iter::from_fn(move || {
            let mut v: u32 = 0;
            let mut shift = 0;
            while let Some(b) = self.bytes.get(i) {
                i += 1;
                v |= u32::from(b & 0x7f).checked_shl(shift).unwrap_or(0);
                if b & 0x80 == 0 {
                    return Some(v);
                }
                shift += 7;
            }
            None
        })
    }
    /// The numbers as they are kept: `Δdoc, weight, …` for a list of
    /// documents, `Δdoc, n, pos₁, pos₂ − pos₁, …` for one of positions.
    pub fn stored(&self) -> impl Iterator<Item = u32> + '_ {
        self.numbers()
    }
    /// `doc, weight, doc, weight, …`
    pub fn grams(&self) -> Vec<u32> {
        let mut out = Vec::new();
        let mut it = self.numbers();
        let mut doc = 0;
        while let (Some(d), Some(w)) = (it.next(), it.next()) {
            doc += d;
            out.push(doc);
            out.push(w);
        }
        out
    }
    /// `doc, n, pos₁ … posₙ, …` (see [`Postings`]).
    pub fn spans(&self) -> Postings {
        let mut out = Vec::new();
        self.each_position(|doc, n, i, pos| {
            if i == 0 {
                out.push(doc);
                out.push(n);
            }
            out.push(pos);
        });
        out
    }
    /// Each occurrence of a list of positions, in order: its document, the
    /// number of positions in it, its index among them, and its position.
    pub(super) fn each_position(&self, mut f: impl FnMut(u32, u32, u32, u32)) {
        let mut it = self.numbers();
        let mut doc = 0;
        while let (Some(d), Some(n)) = (it.next(), it.next()) {
            doc += d;
            let mut pos = 0;
            for i in 0..n {
                let Some(p) = it.next() else { break };
                pos = if i == 0 { p } else { pos + p };
                f(doc, n, i, pos);
            }
        }
    }
}
