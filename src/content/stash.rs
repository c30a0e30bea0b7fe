//! A compact binary form of the records read from a file, for the records
//! cache ([`super::kept`]): what a build keeps so that the next one need
//! not parse and decode a file that has not changed.
//!
//! This is not serde on purpose. The whistleblower's fields are a private
//! table that implements no `Serialize`, so that no template, export or
//! index can be handed them; [`Stash`] is a trait of this crate alone,
//! implemented for the record types only, and its bytes go to one file
//! that is never part of a site.
//!
//! Reading is total: any byte string gives `None` or a value, never a
//! panic, and no length read from the bytes allocates more than the bytes
//! that remain.

use super::decode::Spans;
use super::model::*;
use crate::diag::{Diagnostic, Diagnostics, Pos, Severity};
use chrono::NaiveDate;

/// A value that can be written to the records cache and read back equal.
pub(crate) trait Stash: Sized {
    fn put(&self, w: &mut Vec<u8>);
    fn take(r: &mut Reader) -> Option<Self>;
}

/// The bytes left to read.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len()
    }

    pub(crate) fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.bytes.len() {
            return None;
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Some(head)
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.bytes(N)?.try_into().ok()
    }

    /// A count of items each of at least one byte: never more than the
    /// bytes left, so that no allocation outgrows the input.
    fn count(&mut self) -> Option<usize> {
        let n = usize::try_from(u32::take(self)?).ok()?;
        (n <= self.bytes.len()).then_some(n)
    }
}

impl Stash for u8 {
    fn put(&self, w: &mut Vec<u8>) {
        w.push(*self);
    }
    fn take(r: &mut Reader) -> Option<Self> {
        Some(r.array::<1>()?[0])
    }
}

impl Stash for u32 {
    fn put(&self, w: &mut Vec<u8>) {
        w.extend_from_slice(&self.to_le_bytes());
    }
    fn take(r: &mut Reader) -> Option<Self> {
        Some(u32::from_le_bytes(r.array()?))
    }
}

impl Stash for u64 {
    fn put(&self, w: &mut Vec<u8>) {
        w.extend_from_slice(&self.to_le_bytes());
    }
    fn take(r: &mut Reader) -> Option<Self> {
        Some(u64::from_le_bytes(r.array()?))
    }
}

impl Stash for f64 {
    fn put(&self, w: &mut Vec<u8>) {
        self.to_bits().put(w);
    }
    fn take(r: &mut Reader) -> Option<Self> {
        Some(f64::from_bits(u64::take(r)?))
    }
}

/// A string: its length, then its bytes.
fn put_str(s: &str, w: &mut Vec<u8>) {
    // Record files are far below 4 GiB (site.yaml 限制.文件大小).
    (s.len() as u32).put(w);
    w.extend_from_slice(s.as_bytes());
}

/// A sequence of `len` items: its length, then each item (read back as a
/// `Vec`).
fn put_seq<'a, T: Stash + 'a>(len: usize, items: impl Iterator<Item = &'a T>, w: &mut Vec<u8>) {
    (len as u32).put(w);
    for v in items {
        v.put(w);
    }
}

impl Stash for String {
    fn put(&self, w: &mut Vec<u8>) {
        put_str(self, w);
    }
    fn take(r: &mut Reader) -> Option<Self> {
        let n = usize::try_from(u32::take(r)?).ok()?;
        std::str::from_utf8(r.bytes(n)?).ok().map(str::to_string)
    }
}

/// Field names: kept once for the whole run, as when decoded.
impl Stash for &'static str {
    fn put(&self, w: &mut Vec<u8>) {
        put_str(self, w);
    }
    fn take(r: &mut Reader) -> Option<Self> {
        Some(super::decode::intern(&String::take(r)?))
    }
}

impl<T: Stash> Stash for Option<T> {
    fn put(&self, w: &mut Vec<u8>) {
        match self {
            None => 0u8.put(w),
            Some(v) => {
                1u8.put(w);
                v.put(w);
            }
        }
    }
    fn take(r: &mut Reader) -> Option<Self> {
        match u8::take(r)? {
            0 => Some(None),
            1 => Some(Some(T::take(r)?)),
            _ => None,
        }
    }
}

impl<T: Stash> Stash for Vec<T> {
    fn put(&self, w: &mut Vec<u8>) {
        put_seq(self.len(), self.iter(), w);
    }
    fn take(r: &mut Reader) -> Option<Self> {
        let n = r.count()?;
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(T::take(r)?);
        }
        Some(v)
    }
}

impl<A: Stash, B: Stash> Stash for (A, B) {
    fn put(&self, w: &mut Vec<u8>) {
        self.0.put(w);
        self.1.put(w);
    }
    fn take(r: &mut Reader) -> Option<Self> {
        Some((A::take(r)?, B::take(r)?))
    }
}

impl Stash for NaiveDate {
    fn put(&self, w: &mut Vec<u8>) {
        use chrono::Datelike;
        (self.num_days_from_ce() as u32).put(w);
    }
    fn take(r: &mut Reader) -> Option<Self> {
        NaiveDate::from_num_days_from_ce_opt(u32::take(r)? as i32)
    }
}

/// `Stash` for an enum without data: a value by its place in `$all`.
macro_rules! stash_among {
    ($ty:ty, $all:expr) => {
        impl Stash for $ty {
            fn put(&self, w: &mut Vec<u8>) {
                let i = $all.iter().position(|x| x == self).unwrap_or(0);
                (i as u8).put(w);
            }
            fn take(r: &mut Reader) -> Option<Self> {
                $all.get(usize::from(u8::take(r)?)).copied()
            }
        }
    };
}

stash_among!(Kind, Kind::ALL);
stash_among!(
    Status,
    [Status::Published, Status::Draft, Status::Withdrawn]
);
stash_among!(Severity, [Severity::Error, Severity::Warning]);

impl Stash for Spans {
    fn put(&self, w: &mut Vec<u8>) {
        put_seq(self.entries().len(), self.entries().iter(), w);
    }
    fn take(r: &mut Reader) -> Option<Self> {
        Some(Spans::from_entries(Stash::take(r)?))
    }
}

impl Stash for Body {
    fn put(&self, w: &mut Vec<u8>) {
        match self {
            Body::Case(v) => (0u8, v).put_pair(w),
            Body::Action(v) => (1u8, v).put_pair(w),
            Body::Hazard(v) => (2u8, v).put_pair(w),
            Body::Accountability(v) => (3u8, v).put_pair(w),
            Body::Clue(c) => {
                4u8.put(w);
                c.public.put(w);
                c.private.put(w);
            }
            Body::Blacklist(v) => (5u8, v).put_pair(w),
            Body::Daily(v) => (6u8, v).put_pair(w),
            Body::Page(v) => (7u8, v).put_pair(w),
        }
    }
    fn take(r: &mut Reader) -> Option<Self> {
        Some(match u8::take(r)? {
            0 => Body::Case(Stash::take(r)?),
            1 => Body::Action(Stash::take(r)?),
            2 => Body::Hazard(Stash::take(r)?),
            3 => Body::Accountability(Stash::take(r)?),
            4 => Body::Clue(Box::new(Clue {
                public: Stash::take(r)?,
                private: Stash::take(r)?,
            })),
            5 => Body::Blacklist(Stash::take(r)?),
            6 => Body::Daily(Stash::take(r)?),
            7 => Body::Page(Stash::take(r)?),
            _ => return None,
        })
    }
}

/// A variant's tag and its value.
trait PutPair {
    fn put_pair(self, w: &mut Vec<u8>);
}

impl<T: Stash> PutPair for (u8, &T) {
    fn put_pair(self, w: &mut Vec<u8>) {
        self.0.put(w);
        self.1.put(w);
    }
}

/// `Stash` for a struct: its fields in the order given, which must name
/// them all (the struct is built from them, so a field left out does not
/// compile).
macro_rules! stash_fields {
    ($ty:ident { $($field:ident),* $(,)? }) => {
        impl Stash for $ty {
            fn put(&self, w: &mut Vec<u8>) {
                $( self.$field.put(w); )*
            }
            fn take(r: &mut Reader) -> Option<Self> {
                Some($ty { $( $field: Stash::take(r)?, )* })
            }
        }
    };
}

stash_fields!(Pos { line, col });
stash_fields!(Party { name, code, kind });
stash_fields!(Ref { kind, id, pos });
stash_fields!(ResultItem { item, text });
stash_fields!(Page { title, body });
stash_fields!(Record { meta, body });
stash_fields!(Meta {
    kind,
    id,
    path,
    pos,
    spans,
    published,
    status,
    withdrawal,
    corrections,
    org,
    region,
    sector,
    equipment,
    privacy_ok,
    privacy_used,
    incomplete,
});
stash_fields!(Diagnostic {
    severity,
    path,
    line,
    column,
    field,
    message,
    expected,
    found,
});

impl Stash for Diagnostics {
    fn put(&self, w: &mut Vec<u8>) {
        put_seq(self.len(), self.iter(), w);
    }
    fn take(r: &mut Reader) -> Option<Self> {
        let mut all = Diagnostics::default();
        for d in Vec::<Diagnostic>::take(r)? {
            all.push_diag(d);
        }
        Some(all)
    }
}

/// `T` read from all of `bytes`; None unless they are exactly one.
pub(crate) fn from_bytes<T: Stash>(bytes: &[u8]) -> Option<T> {
    let mut r = Reader::new(bytes);
    let v = T::take(&mut r)?;
    r.is_empty().then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn fixture() -> crate::content::Content {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/base");
        crate::content::load(&root).0
    }

    fn fixture_records() -> Vec<std::sync::Arc<Record>> {
        fixture().records
    }

    fn bytes_of<T: Stash>(v: &T) -> Vec<u8> {
        let mut w = Vec::new();
        v.put(&mut w);
        w
    }

    #[test]
    fn every_kind_of_record_reads_back_as_written_private_fields_included() {
        let content = fixture();
        let (records, site) = (&content.records, &content.site);
        let kinds: std::collections::BTreeSet<Kind> = records.iter().map(|r| r.meta.kind).collect();
        assert_eq!(kinds.len(), Kind::ALL.len(), "every kind in the fixture");
        for r in records {
            let bytes = bytes_of(r.as_ref());
            let back: Record = from_bytes(&bytes).expect("reads back");
            // Everything written is read: writing again gives the same bytes.
            assert_eq!(bytes_of(&back), bytes, "{}", r.meta.path);
            assert_eq!(back.secrets(site), r.secrets(site), "{}", r.meta.path);
            // And a byte short is not a record.
            assert!(from_bytes::<Record>(&bytes[..bytes.len() - 1]).is_none());
        }
        let clue = records
            .iter()
            .find_map(|r| match &r.body {
                Body::Clue(c) => Some(c),
                _ => None,
            })
            .expect("a clue");
        assert!(
            clue.private.values().count() > 0,
            "the fixture's clue has a reporter"
        );
    }

    #[test]
    fn no_byte_string_makes_reading_panic() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut diags = Diagnostics::default();
        diags.push(crate::diag::report("a.yaml", Pos::new(3, 4), "字段", "消息").expected("甲"));
        let valid: Vec<Vec<u8>> = fixture_records()
            .iter()
            .map(|r| {
                // A file of one record and one message.
                let mut w = Vec::new();
                1u32.put(&mut w);
                r.put(&mut w);
                diags.put(&mut w);
                w
            })
            .collect();
        for round in 0..20_000 {
            let mut bytes = valid[round % valid.len()].clone();
            match next() % 3 {
                0 => {
                    let i = (next() as usize) % bytes.len();
                    bytes[i] = next() as u8;
                }
                1 => bytes.truncate((next() as usize) % bytes.len()),
                _ => bytes = (0..next() % 64).map(|_| next() as u8).collect(),
            }
            let _ = from_bytes::<(Vec<Record>, Diagnostics)>(&bytes);
        }
        for bytes in &valid {
            let (records, d): (Vec<Record>, Diagnostics) = from_bytes(bytes).expect("valid");
            assert_eq!((records.len(), d.len()), (1, 1));
        }
    }
}
