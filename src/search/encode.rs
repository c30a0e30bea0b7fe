//! The postings of a key written as search.js reads them
//! (`decodeWeighted`, `decodePairs`, `decodeDocs`): whole, into a shard's
//! text, or cut into ranges by document number for a heavy list's files.
//!
//! A heavy list of a large tier is in ranges so that a record that leaves,
//! or changes, rewrites the range that holds it, not the whole list (a
//! common key's list holds most of the tier's documents).

use super::index::{BODY, List};
use crate::decimal::push_u32 as num;

/// Where the numbers of a list go.
pub trait Emit {
    /// The numbers that follow are document `doc`'s.
    fn doc(&mut self, doc: u32);
    /// The text to write the next number into, after a comma where one is
    /// needed.
    fn next(&mut self) -> &mut String;
}

/// A list written whole, into a text that holds its opening bracket.
impl Emit for String {
    fn doc(&mut self, _: u32) {}
    fn next(&mut self) -> &mut String {
        if !self.ends_with('[') {
            self.push(',');
        }
        self
    }
}

/// A list cut into ranges: range `j` holds the documents numbered
/// `width·j` to `width·(j + 1) − 1`. Each range is an array of its own,
/// but the differences run on from one range to the next, so that the
/// arrays of the ranges joined are the whole list.
pub struct Ranges {
    width: u32,
    ranges: Vec<(u32, String)>,
}

impl Ranges {
    pub fn new(width: u32) -> Ranges {
        Ranges {
            width: width.max(1),
            ranges: Vec::new(),
        }
    }

    /// The ranges that hold documents, by number, each a JSON array.
    pub fn finish(mut self) -> Vec<(u32, String)> {
        for (_, text) in &mut self.ranges {
            text.push(']');
        }
        self.ranges
    }
}

impl Emit for Ranges {
    fn doc(&mut self, doc: u32) {
        let j = doc / self.width;
        if self.ranges.last().is_none_or(|p| p.0 != j) {
            self.ranges.push((j, String::from("[")));
        }
    }
    fn next(&mut self) -> &mut String {
        if self.ranges.is_empty() {
            self.ranges.push((0, String::from("[")));
        }
        let last = self.ranges.len() - 1;
        self.ranges[last].1.next()
    }
}

/// `Δdoc, n, first, Δpos…` for each document: the list holds these very
/// differences (see `List::positions`) and they are written as they are
/// read, but for each document's first position, written as
/// `2·(p − BODY)` in the body and `2·p + 1` in the title so that it too is
/// short.
pub fn pairs(list: &List, out: &mut impl Emit) {
    let mut it = list.stored();
    let mut at = 0u32;
    while let (Some(doc), Some(n)) = (it.next(), it.next()) {
        at = at.wrapping_add(doc);
        out.doc(at);
        num(out.next(), doc);
        num(out.next(), n);
        for i in 0..n {
            let Some(pos) = it.next() else { break };
            let v = if i > 0 {
                pos
            } else if pos >= BODY {
                2 * (pos - BODY)
            } else {
                2 * pos + 1
            };
            num(out.next(), v);
        }
    }
}

/// `Δdoc, Δdoc, -weight, …`: a document's weight follows it, negated,
/// only where it is not 1. The list holds `Δdoc, weight, …`.
pub fn weighted(list: &List, out: &mut impl Emit) {
    let mut it = list.stored();
    let mut at = 0u32;
    while let (Some(doc), Some(weight)) = (it.next(), it.next()) {
        at = at.wrapping_add(doc);
        out.doc(at);
        num(out.next(), doc);
        if weight != 1 {
            let text = out.next();
            text.push('-');
            num(text, weight);
        }
    }
}

/// `Δdoc, Δdoc, …` of documents in ascending order.
pub fn docs(d: &[u32], out: &mut impl Emit) {
    let mut last = 0;
    for &x in d {
        out.doc(x);
        num(out.next(), x.saturating_sub(last));
        last = x;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The numbers of a JSON array.
    fn numbers(text: &str) -> Vec<i64> {
        serde_json::from_str(text).unwrap()
    }

    /// The ranges of `d` at `width`, each with its numbers.
    fn doc_ranges(d: &[u32], width: u32) -> Vec<(u32, Vec<i64>)> {
        let mut ranges = Ranges::new(width);
        docs(d, &mut ranges);
        ranges
            .finish()
            .into_iter()
            .map(|(j, t)| (j, numbers(&t)))
            .collect()
    }

    #[test]
    fn ranges_joined_are_the_whole_list() {
        let d = [0, 3, 9, 10, 11, 40, 41, 100];
        let mut whole = String::from("[");
        docs(&d, &mut whole);
        whole.push(']');
        assert_eq!(whole, "[0,3,6,1,1,29,1,59]");
        for width in [1, 2, 8, 16, 64, 1024] {
            let ranges = doc_ranges(&d, width);
            let joined: Vec<i64> = ranges.iter().flat_map(|p| p.1.clone()).collect();
            assert_eq!(joined, numbers(&whole), "width {width}");
            // Each range holds its documents, and only those.
            let mut at = 0;
            for (j, n) in &ranges {
                for delta in n {
                    at += *delta as u32;
                    assert_eq!(at / width, *j, "document {at} in range {j}");
                }
            }
        }
        let numbers: Vec<u32> = doc_ranges(&d, 8).iter().map(|p| p.0).collect();
        assert_eq!(numbers, [0, 1, 5, 12]);
    }

    #[test]
    fn weights_stay_with_their_documents() {
        let mut list = List::default();
        for (doc, weight) in [(2, 1), (5, 11), (9, 3), (17, 1), (18, 20)] {
            list.doc(doc);
            list.put(weight);
        }
        let mut ranges = Ranges::new(8);
        weighted(&list, &mut ranges);
        let ranges: Vec<(u32, Vec<i64>)> = ranges
            .finish()
            .into_iter()
            .map(|(j, t)| (j, numbers(&t)))
            .collect();
        assert_eq!(
            ranges,
            [(0, vec![2, 3, -11]), (1, vec![4, -3]), (2, vec![8, 1, -20])]
        );
        let mut whole = String::from("[");
        weighted(&list, &mut whole);
        whole.push(']');
        assert_eq!(whole, "[2,3,-11,4,-3,8,1,-20]");
    }

    #[test]
    fn positions_stay_with_their_documents() {
        let mut list = List::default();
        list.positions(1, [BODY, BODY + 4].into_iter());
        list.positions(12, [3].into_iter());
        let mut ranges = Ranges::new(10);
        pairs(&list, &mut ranges);
        let ranges = ranges.finish();
        assert_eq!(
            ranges,
            [(0, "[1,2,0,4]".to_string()), (1, "[11,1,7]".to_string())]
        );
    }
}
