//! What a kind's list can be narrowed to — a place or a year — with the
//! records of each, and the overdue hazards: made once per public view
//! ([`PublicSite::lists`]), since every list page shows them.

use super::{Badge, PubBody, PubRecord, PublicSite};
use crate::base::FastMap;
use crate::content::model::Kind;
use chrono::Datelike;
use serde::Serialize;

/// A narrowing of a list: a place (地区, or a clue's 属地) or the year of
/// publication.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Filter {
    Place(String),
    Year(i32),
}

impl Filter {
    pub fn label(&self) -> String {
        match self {
            Filter::Place(p) => p.clone(),
            Filter::Year(y) => format!("{y} 年"),
        }
    }
}

/// Where a record is: its 地区, or a clue's 属地.
pub fn place<'p>(r: &'p PubRecord) -> Option<&'p str> {
    r.region.as_deref().or(match &r.body {
        PubBody::Clue(c) => Some(c.locality.as_str()),
        _ => None,
    })
}

#[derive(Default)]
pub struct Lists {
    /// Each kind's places (by name) and years (newest first) with their
    /// counts; none of a dimension with a single value.
    filters: FastMap<Kind, Vec<(Filter, usize)>>,
    /// The records of each narrowing, as positions in
    /// [`PublicSite::records`], in list order.
    members: FastMap<(Kind, Filter), Vec<usize>>,
    /// The overdue hazards, longest overdue first (earliest deadline; then
    /// as listed), as positions.
    overdue: Vec<usize>,
}

impl Lists {
    pub(super) fn new(public: &PublicSite) -> Lists {
        let mut lists = Lists::default();
        for (i, r) in public.records.iter().enumerate() {
            if let Some(p) = place(r) {
                lists
                    .members
                    .entry((r.kind, Filter::Place(p.to_string())))
                    .or_default()
                    .push(i);
            }
            lists
                .members
                .entry((r.kind, Filter::Year(r.published.year())))
                .or_default()
                .push(i);
            if r.kind == Kind::Hazards && r.status == Some(Badge::Overdue) {
                lists.overdue.push(i);
            }
        }
        lists
            .overdue
            .sort_by_key(|&i| match &public.records[i].body {
                PubBody::Hazard(h) => Some(h.deadline),
                _ => None,
            });
        // Per kind: its places, and its years.
        type Counts = Vec<(Filter, usize)>;
        let mut by_kind: FastMap<Kind, (Counts, Counts)> = FastMap::default();
        for ((kind, f), members) in &lists.members {
            let (places, years) = by_kind.entry(*kind).or_default();
            match f {
                Filter::Place(_) => places.push((f.clone(), members.len())),
                Filter::Year(_) => years.push((f.clone(), members.len())),
            }
        }
        for (kind, (mut places, mut years)) in by_kind {
            places.sort();
            years.sort_by(|a, b| b.0.cmp(&a.0));
            let mut all = Vec::new();
            if places.len() > 1 {
                all.extend(places);
            }
            if years.len() > 1 {
                all.extend(years);
            }
            lists.filters.insert(kind, all);
        }
        lists
    }

    /// What `kind`'s list can be narrowed to, with how many records each.
    pub fn filters(&self, kind: Kind) -> &[(Filter, usize)] {
        self.filters.get(&kind).map_or(&[], Vec::as_slice)
    }
}

impl<'a> PublicSite<'a> {
    /// The narrowings of the lists (made on first use).
    pub fn lists(&self) -> &Lists {
        self.lists.get_or_init(|| Lists::new(self))
    }

    /// The records of `kind` narrowed by `f`, in list order.
    pub fn narrowed(&self, kind: Kind, f: &Filter) -> impl Iterator<Item = &PubRecord<'a>> {
        self.lists()
            .members
            .get(&(kind, f.clone()))
            .into_iter()
            .flatten()
            .map(|&i| &self.records[i])
    }

    /// The overdue hazards, longest overdue first.
    pub fn overdue(&self) -> impl Iterator<Item = &PubRecord<'a>> {
        self.lists().overdue.iter().map(|&i| &self.records[i])
    }
}
