//! The searchable documents: what of each published record the indexes
//! read.

use super::*;

#[derive(Debug, Clone, Serialize)]
pub struct SearchDoc {
    pub kind: Kind,
    pub id: String,
    pub url: String,
    pub title: String,
    pub date: chrono::NaiveDate,
    pub party: Option<String>,
    /// The opening of the body, for the snippet.
    pub summary: String,
    pub facets: [String; 6],
    #[serde(skip)]
    pub body: String,
    #[serde(skip)]
    pub exact: Vec<String>,
}

impl SearchDoc {
    /// Each field that an index reads, in turn, as text: what a hash of
    /// the documents an index is made from takes in (the static tiers'
    /// keys, the tantivy index's).
    pub fn each_field(&self, mut field: impl FnMut(&str)) {
        field(self.kind.label());
        field(&self.id);
        field(&self.url);
        field(&self.title);
        field(&self.date.to_string());
        field(self.party.as_deref().unwrap_or("\u{0}"));
        field(&self.summary);
        for f in &self.facets {
            field(f);
        }
        field(&self.body);
        field(&self.exact.len().to_string());
        for e in &self.exact {
            field(e);
        }
    }

    /// The place of a record that has been public and is not searchable
    /// now: no text, no address, no facets.
    pub fn gap(date: chrono::NaiveDate, kind: Kind, id: &str) -> SearchDoc {
        SearchDoc {
            kind,
            id: id.to_string(),
            url: String::new(),
            title: String::new(),
            date,
            party: None,
            summary: String::new(),
            facets: Default::default(),
            body: String::new(),
            exact: Vec::new(),
        }
    }

    pub fn is_gap(&self) -> bool {
        self.url.is_empty()
    }

    /// Documents are numbered in this order: by date, oldest first, and
    /// within a day so that the higher number comes first by kind and id
    /// (ranking prefers the higher number: the newer record).
    fn number_key(
        &self,
    ) -> (
        chrono::NaiveDate,
        std::cmp::Reverse<Kind>,
        std::cmp::Reverse<&str>,
    ) {
        (
            self.date,
            std::cmp::Reverse(self.kind),
            std::cmp::Reverse(self.id.as_str()),
        )
    }
}

pub(super) const SUMMARY_CHARS: usize = 120;

pub(super) fn opt(body: &mut Vec<String>, s: &Option<String>) {
    if let Some(s) = s {
        body.push(s.clone());
    }
}

/// The searchable text of a record: the title, then its public fields.
pub(super) fn doc_of(r: &PubRecord) -> SearchDoc {
    let mut body: Vec<String> = Vec::new();
    let mut exact = vec![r.id.clone()];
    if let Some(p) = &r.party {
        opt(&mut body, &Some(p.name.clone()));
        opt(&mut body, &p.code);
        exact.push(p.name.clone());
        if let Some(c) = &p.code {
            exact.push(c.clone());
        }
    }
    body_texts(r, &mut body, &mut exact);
    for c in &r.corrections {
        body.push(c.text.clone());
    }
    // The facets are words people search for too (气瓶, 城关镇).
    for v in [&r.region, &r.sector, &r.equipment].into_iter().flatten() {
        body.push(v.clone());
    }
    let body: Vec<String> = body.into_iter().filter(|s| !s.trim().is_empty()).collect();
    let mut joined = body.join("\n");
    // What a record's text can cost the indexes is bounded: every
    // position of the text is the start of up to GRAM keys, and the text
    // of a record may be a megabyte.
    if let Some((cut, _)) = joined.char_indices().nth(MAX_INDEXED_CHARS) {
        joined.truncate(cut);
    }
    let summary = summary(r, &joined);
    let status = r
        .status
        .as_ref()
        .map(|s| s.label().to_string())
        .unwrap_or_default();
    let region = crate::publish::narrow::place(r).map(str::to_string);
    SearchDoc {
        kind: r.kind,
        id: r.id.clone(),
        url: r.url.clone(),
        title: r.title.clone(),
        date: r.published,
        party: r.party.as_ref().map(|p| p.name.clone()),
        summary,
        facets: [
            r.kind.label().to_string(),
            region.unwrap_or_default(),
            r.sector.clone().unwrap_or_default(),
            r.equipment.clone().unwrap_or_default(),
            r.published.format("%Y").to_string(),
            status,
        ],
        body: joined,
        exact,
    }
}

/// What the search covers: every listed record of the listed kinds and the
/// free pages; not previews, not removal notices, not daily tallies.
pub fn searchable<'p, 'a>(public: &'p PublicSite<'a>) -> impl Iterator<Item = &'p PubRecord<'a>> {
    public
        .records
        .iter()
        .filter(|r| r.preview.is_none() && r.kind != Kind::Daily)
}

/// The searchable documents in the order of their numbers: oldest first,
/// with a [gap](SearchDoc::gap) for every record that has been public but
/// is not searchable now (withdrawn, expired, removed). A document keeps its
/// number when others come and go: a new record is numbered after the
/// ones before it, and one that leaves leaves a gap.
pub fn documents(public: &PublicSite) -> Vec<SearchDoc> {
    let mut docs: Vec<SearchDoc> = searchable(public)
        .collect::<Vec<_>>()
        .par_iter()
        .map(|r| doc_of(r))
        .collect();
    let here: FastSet<(Kind, &str)> = docs.iter().map(|d| (d.kind, d.id.as_str())).collect();
    let gaps: Vec<SearchDoc> = public
        .slots
        .iter()
        .filter(|s| !here.contains(&(s.kind, s.id)))
        .map(|s| SearchDoc::gap(s.published, s.kind, s.id))
        .collect();
    drop(here);
    docs.extend(gaps);
    sort_docs(&mut docs);
    docs
}

pub(super) fn sort_docs(docs: &mut [SearchDoc]) {
    docs.sort_by(|a, b| a.number_key().cmp(&b.number_key()));
}

/// The searched texts of a record's own fields, and the values found
/// only as a whole (document numbers).
fn body_texts(r: &PubRecord, body: &mut Vec<String>, exact: &mut Vec<String>) {
    match &r.body {
        PubBody::Case(c) => {
            body.push(c.keywords.join("、"));
            body.push(c.gist.clone());
            body.push(c.inspector.clone());
            body.push(c.facts.clone());
            body.push(c.result.measures.join("、"));
            opt(body, &c.result.note);
            opt(body, &c.analysis.responsibility);
            opt(body, &c.analysis.institutions);
            opt(body, &c.analysis.factors);
            body.extend(c.advice.iter().cloned());
        }
        PubBody::Action(a) => {
            opt(body, &a.doc_no);
            exact.extend(a.doc_no.clone());
            body.push(a.measure.clone());
            body.push(a.classes.join("、"));
            body.push(a.authority.clone());
            body.push(a.reason.clone());
            opt(body, &a.basis);
            opt(body, &a.content);
        }
        PubBody::Hazard(h) => {
            body.push(h.content.clone());
            body.push(h.measures.clone());
            body.push(h.inspector.clone());
            body.push(h.listing_unit.clone());
            body.push(h.resp_unit.clone());
        }
        PubBody::Accountability(a) => {
            body.push(a.cause.clone());
            body.push(a.form.clone());
        }
        PubBody::Clue(c) => {
            opt(body, &c.assign_no);
            exact.extend(c.assign_no.clone());
            body.push(c.kind.clone());
            body.push(c.locality.clone());
            opt(body, &c.assign_unit);
            body.extend(c.results.iter().map(|x| format!("{}：{}", x.item, x.text)));
            body.extend(c.progress.iter().map(|x| x.text.clone()));
            opt(body, &c.reply);
        }
        PubBody::Blacklist(b) => {
            body.push(b.doc_no.clone());
            exact.push(b.doc_no.clone());
            opt(body, &b.representative);
            body.push(b.cause.clone());
            body.push(b.basis.clone());
            body.push(b.authority.clone());
        }
        PubBody::Page(p) => body.push(p.body.clone()),
        PubBody::Daily(_) => {}
    }
}

/// The line under a result: the field that says what the record is about,
/// on one line, at most `SUMMARY_CHARS` characters.
fn summary(r: &PubRecord, joined: &str) -> String {
    let source = match &r.body {
        PubBody::Case(c) => c.gist.as_str(),
        PubBody::Action(a) => a.reason.as_str(),
        PubBody::Hazard(h) => h.content.as_str(),
        PubBody::Accountability(a) => a.cause.as_str(),
        PubBody::Clue(c) => c
            .results
            .first()
            .map(|x| x.text.as_str())
            .unwrap_or(c.kind.as_str()),
        PubBody::Blacklist(b) => b.cause.as_str(),
        _ => joined,
    };
    // As the page shows it: Markdown's marks (## 重点, **…**, links) are
    // not the record's words. Only the opening is shown, and read.
    let end = source
        .char_indices()
        .nth(4 * SUMMARY_CHARS)
        .map_or(source.len(), |(i, _)| i);
    let source = &source[..end];
    let marked = source.contains(['#', '*', '_', '`', '[', '<', '>', '|', '\\', '~']);
    let shown = if marked {
        std::borrow::Cow::Owned(crate::privacy::markdown::reader_text(source).0)
    } else {
        std::borrow::Cow::Borrowed(source)
    };
    shown
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(SUMMARY_CHARS)
        .collect()
}
