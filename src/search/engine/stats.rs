//! The counts a search scores with, as an index built afresh from the
//! documents that are alive would give them.
//!
//! tantivy scores with BM25 over counts kept per segment: documents,
//! tokens in each field, documents holding each term. A deleted document
//! stays in those counts until its segment is merged, so an index updated
//! in place (documents deleted, others appended) would score otherwise
//! than one built of its live documents. [`Alive`] gives the counts of the
//! live documents only: the number of documents from the reader, the
//! tokens of each text field from [`Totals`] (kept in the index's commit
//! payload by every build and update), and a term's documents by walking
//! its postings past the deleted ones. In an index without deletions these
//! are tantivy's own counts.

use super::Fields;
use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocSet, Searcher, TERMINATED, Term};

/// The live documents of an index and the tokens of their titles and
/// bodies, as counted when they were indexed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub docs: u64,
    pub tokens: [u64; 2],
}

impl Totals {
    /// As kept in an index's commit payload.
    pub(super) fn payload(&self) -> String {
        format!(
            "gongshi {} {} {}",
            self.docs, self.tokens[0], self.tokens[1]
        )
    }

    pub(super) fn from_payload(payload: Option<&str>) -> Option<Totals> {
        let rest = payload?.strip_prefix("gongshi ")?;
        let mut n = rest.split(' ').map(|s| s.parse::<u64>().ok());
        let totals = Totals {
            docs: n.next()??,
            tokens: [n.next()??, n.next()??],
        };
        n.next().is_none().then_some(totals)
    }

    /// These totals with documents of `counts` added (`sign` 1) or taken
    /// away (`sign` -1); None if more would be taken than there are.
    pub(super) fn with(self, counts: &[[u32; 2]], add: bool) -> Option<Totals> {
        let mut t = self;
        for c in counts {
            for (total, n) in t.tokens.iter_mut().zip(c) {
                *total = if add {
                    total.checked_add(u64::from(*n))?
                } else {
                    total.checked_sub(u64::from(*n))?
                };
            }
        }
        let n = counts.len() as u64;
        t.docs = if add {
            t.docs.checked_add(n)?
        } else {
            t.docs.checked_sub(n)?
        };
        Some(t)
    }
}

/// The counts of an index's live documents ([`Totals`] where it has
/// deletions; tantivy's own where it has none or they are not known).
pub(super) struct Alive<'s> {
    pub(super) searcher: &'s Searcher,
    pub(super) totals: Option<Totals>,
    pub(super) f: Fields,
}

impl Alive<'_> {
    /// The totals to use: only where documents were deleted, and only if
    /// they agree with the reader about how many live.
    fn totals(&self) -> Option<Totals> {
        let deleted = self
            .searcher
            .segment_readers()
            .iter()
            .any(|s| s.has_deletes());
        self.totals
            .filter(|t| deleted && t.docs == self.searcher.num_docs())
    }
}

impl Bm25StatisticsProvider for Alive<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        let at = [self.f.title, self.f.body].iter().position(|f| *f == field);
        match (self.totals(), at) {
            (Some(t), Some(i)) => Ok(t.tokens[i]),
            _ => Bm25StatisticsProvider::total_num_tokens(self.searcher, field),
        }
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        match self.totals() {
            Some(t) => Ok(t.docs),
            None => Bm25StatisticsProvider::total_num_docs(self.searcher),
        }
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        if self.totals().is_none() {
            return self.searcher.doc_freq(term);
        }
        let mut n = 0u64;
        for segment in self.searcher.segment_readers() {
            let index = segment.inverted_index(term.field())?;
            let Some(alive) = segment.alive_bitset() else {
                n += u64::from(index.doc_freq(term)?);
                continue;
            };
            if let Some(mut postings) = index.read_postings(term, IndexRecordOption::Basic)? {
                let mut doc = postings.doc();
                while doc != TERMINATED {
                    n += u64::from(alive.is_alive(doc));
                    doc = postings.advance();
                }
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_read_back_and_refuse_what_is_not_theirs() {
        let t = Totals {
            docs: 3,
            tokens: [40, 900],
        };
        assert_eq!(Totals::from_payload(Some(&t.payload())), Some(t));
        for bad in [
            "",
            "gongshi 3 40",
            "gongshi 3 40 900 1",
            "gongshi a 40 900",
            "3 40 900",
        ] {
            assert_eq!(Totals::from_payload(Some(bad)), None, "{bad:?}");
        }
        assert_eq!(Totals::from_payload(None), None);
        let more = t.with(&[[2, 30], [1, 5]], true).unwrap();
        assert_eq!(
            more,
            Totals {
                docs: 5,
                tokens: [43, 935]
            }
        );
        assert_eq!(more.with(&[[2, 30], [1, 5]], false), Some(t));
        assert_eq!(t.with(&[[41, 0]], false), None);
    }
}
