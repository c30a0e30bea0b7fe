//! What a kind's list can be narrowed to — a place or a year — with the
//! records of each, the pages of every list, and the overdue hazards: made
//! once per public view ([`PublicSite::lists`]), since every list page
//! shows them.
//!
//! A list's pages are cut so that a record coming or going touches only
//! its own page. Every record that has been public by the build date has
//! a room in each list it belongs to, numbered oldest first: page 1 holds
//! rooms 1–20, page 2 rooms 21–40, and so on. A page shows the records of
//! its rooms that are listed now, newest first: a withdrawn or expired
//! record leaves its room empty rather than moving every record after
//! it, and a new record takes a room after the others. A page whose rooms
//! are all empty is not made. The list's first page (`index.html`) shows
//! the newest pages, as many as hold [`PER_PAGE`] records or more, and
//! the list's total.

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

/// [`place`] of a record as authored: the same 地区 or 属地.
pub(super) fn record_place(r: &crate::content::model::Record) -> Option<&str> {
    use crate::content::model::Body;
    r.meta.region.as_deref().or(match &r.body {
        Body::Clue(c) => Some(c.public.locality.as_str()),
        _ => None,
    })
}

/// Rooms per page of a list.
pub const PER_PAGE: usize = 20;

/// A list (a kind's, or narrowed to a place or year) cut into pages.
#[derive(Default)]
pub struct Paging {
    /// The pages that hold a listed record, newest first: each page's
    /// number (1: the oldest rooms) and its records, as positions in
    /// [`PublicSite::records`], newest first.
    pub pages: Vec<(usize, Vec<usize>)>,
    /// How many of the newest pages the list's first page shows.
    pub front: usize,
}

impl Paging {
    /// The records on the first page, newest first.
    pub fn front_records(&self) -> impl Iterator<Item = usize> + '_ {
        self.pages[..self.front]
            .iter()
            .flat_map(|(_, r)| r.iter().copied())
    }

    /// The records of page `number`, newest first.
    pub fn page(&self, number: usize) -> Option<&[usize]> {
        self.pages
            .iter()
            .find(|(n, _)| *n == number)
            .map(|(_, r)| r.as_slice())
    }

    /// The numbers of the pages, newest first.
    pub fn numbers(&self) -> impl Iterator<Item = usize> + '_ {
        self.pages.iter().map(|(n, _)| *n)
    }

    /// The number of the newest page that the first page does not show.
    pub fn after_front(&self) -> Option<usize> {
        self.pages.get(self.front).map(|(n, _)| *n)
    }
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
    /// The pages of each kind's list (no narrowing) and of each narrowed
    /// one.
    paging: FastMap<(Kind, Option<Filter>), Paging>,
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
        lists.paging = paging(public);
        lists
    }

    /// What `kind`'s list can be narrowed to, with how many records each.
    pub fn filters(&self, kind: Kind) -> &[(Filter, usize)] {
        self.filters.get(&kind).map_or(&[], Vec::as_slice)
    }
}

/// A list: a kind's, or narrowed.
type List = (Kind, Option<Filter>);

/// The lists a record of `kind` published on `published` at `place` is
/// on.
fn lists_of(kind: Kind, published: chrono::NaiveDate, place: Option<&str>) -> Vec<List> {
    let mut lists: Vec<List> = vec![(kind, None), (kind, Some(Filter::Year(published.year())))];
    lists.extend(place.map(|p| (kind, Some(Filter::Place(p.to_string())))));
    lists
}

/// Each record's room in each of its lists ([`lists_of`], in that order),
/// by kind and id.
fn rooms<'p>(public: &'p PublicSite) -> FastMap<(Kind, &'p str), Vec<usize>> {
    // The rooms: every record that has been public, and the records that
    // only a preview lists (drafts, scheduled ones), oldest first, in the
    // reverse of list order.
    let mut rooms: Vec<(
        Kind,
        chrono::NaiveDate,
        std::cmp::Reverse<&str>,
        Option<&str>,
    )> = public
        .slots
        .iter()
        .map(|s| (s.kind, s.published, std::cmp::Reverse(s.id), s.place))
        .collect();
    let known: crate::base::FastSet<(Kind, &str)> =
        public.slots.iter().map(|s| (s.kind, s.id)).collect();
    rooms.extend(
        public
            .records
            .iter()
            .filter(|r| !known.contains(&(r.kind, r.id.as_str())))
            .map(|r| {
                (
                    r.kind,
                    r.published,
                    std::cmp::Reverse(r.id.as_str()),
                    place(r),
                )
            }),
    );
    drop(known);
    rooms.sort_unstable();
    // Each record's room in each of its lists.
    let mut taken: FastMap<List, usize> = FastMap::default();
    let mut room: FastMap<(Kind, &str), Vec<usize>> = FastMap::default();
    for &(kind, published, std::cmp::Reverse(id), place) in &rooms {
        let numbers = lists_of(kind, published, place)
            .into_iter()
            .map(|list| {
                let next = taken.entry(list).or_default();
                *next += 1;
                *next - 1
            })
            .collect();
        room.insert((kind, id), numbers);
    }
    room
}

/// The pages of every list ([`Paging`]).
fn paging(public: &PublicSite) -> FastMap<List, Paging> {
    let room = rooms(public);
    // The pages: records in list order, so each page's are newest first.
    let mut pages: FastMap<List, std::collections::BTreeMap<usize, Vec<usize>>> =
        FastMap::default();
    for (i, r) in public.records.iter().enumerate() {
        let Some(numbers) = room.get(&(r.kind, r.id.as_str())) else {
            continue;
        };
        for (list, n) in lists_of(r.kind, r.published, place(r))
            .into_iter()
            .zip(numbers)
        {
            pages
                .entry(list)
                .or_default()
                .entry(n / PER_PAGE + 1)
                .or_default()
                .push(i);
        }
    }
    pages
        .into_iter()
        .map(|(list, by_number)| {
            let pages: Vec<(usize, Vec<usize>)> = by_number.into_iter().rev().collect();
            let mut shown = 0;
            let front = pages
                .iter()
                .take_while(|(_, records)| {
                    let more = shown < PER_PAGE;
                    shown += records.len();
                    more
                })
                .count();
            (list, Paging { pages, front })
        })
        .collect()
}

impl<'a> PublicSite<'a> {
    /// The pages of `kind`'s list, narrowed by `f` or not (none without
    /// records).
    pub fn paging(&self, kind: Kind, f: Option<&Filter>) -> &Paging {
        static EMPTY: Paging = Paging {
            pages: Vec::new(),
            front: 0,
        };
        self.lists()
            .paging
            .get(&(kind, f.cloned()))
            .unwrap_or(&EMPTY)
    }

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
