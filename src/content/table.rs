//! The table of a record kind: each field's key, whether it is required,
//! its type and what to write in it, declared once.
//!
//! A kind is declared with [`table!`](crate::content::table::table), which
//! gives from that one declaration:
//! - the Rust type, whose public fields serialize under their Chinese keys
//!   (the open-data columns, in the form's order);
//! - the decoder, which reads each field as its table entry says and
//!   reports every problem before giving up on the record;
//! - `FIELDS`, read by `fields.rs` for the JSON Schema and the `new`
//!   template, and `KEYS`, the keys a mapping of that kind may have.

use super::decode::{Ctx, Obj};
use chrono::NaiveDate;

#[derive(Clone, Copy, Debug)]
pub enum Ty {
    Text,
    Markdown,
    Date,
    Money,
    Count,
    Choice(&'static [&'static str]),
    Choices(&'static [&'static str]),
    /// 行业领域: one of the site's own list (site.yaml 行业领域).
    Sector,
    Texts,
    Party,
    Refs,
    Object(&'static [Field]),
    Objects(&'static [Field]),
    /// 办理结果: any of the ten items, each with its text.
    Results,
}

#[derive(Clone, Copy, Debug)]
pub struct Field {
    pub key: &'static str,
    pub required: bool,
    pub ty: Ty,
    pub help: &'static str,
}

pub const fn f(key: &'static str, required: bool, ty: Ty, help: &'static str) -> Field {
    Field {
        key,
        required,
        ty,
        help,
    }
}

/// Reading one field of a table from a mapping. `None` means the field is
/// missing or wrong, and that has been reported; optional fields read as
/// `Some(None)` when absent.
pub trait Read: Sized {
    /// Whether a value read with a problem reported is still whole enough
    /// for the rules (a party without its 类型 is still the party); if not,
    /// the field counts as missing.
    const WHOLE_DESPITE_REPORTS: bool = false;
    fn read(ctx: &mut Ctx, o: &mut Obj, f: &Field) -> Option<Self>;
}

/// Read a field as its table says; a field missing or wrong is named in
/// `missing`. An optional field written wrong reads as absent: what was
/// reported while reading it tells it apart.
pub fn read_noting<T: Read>(
    ctx: &mut Ctx,
    o: &mut Obj,
    f: &Field,
    missing: &mut Vec<&'static str>,
) -> Option<T> {
    let before = ctx.diags.len();
    let v = T::read(ctx, o, f);
    if v.is_none() || (!T::WHOLE_DESPITE_REPORTS && ctx.diags.len() > before) {
        missing.push(f.key);
    }
    v
}

/// Left out of the open data: an absent option, an empty list.
pub trait Absent {
    fn absent(&self) -> bool {
        false
    }
}

impl<T> Absent for Option<T> {
    fn absent(&self) -> bool {
        self.is_none()
    }
}

impl<T> Absent for Vec<T> {
    fn absent(&self) -> bool {
        self.is_empty()
    }
}

impl Absent for String {}
impl Absent for NaiveDate {}
impl Absent for u32 {}

impl Read for String {
    fn read(ctx: &mut Ctx, o: &mut Obj, f: &Field) -> Option<Self> {
        debug_assert!(f.required, "{}: an optional field is an Option", f.key);
        match f.ty {
            Ty::Choice(c) => o.req_choice(ctx, f.key, c),
            _ => o.req_str(ctx, f.key),
        }
    }
}

impl Read for Option<String> {
    fn read(ctx: &mut Ctx, o: &mut Obj, f: &Field) -> Option<Self> {
        Some(match f.ty {
            Ty::Choice(c) => o.opt_choice(ctx, f.key, c),
            _ => o.opt_str(ctx, f.key),
        })
    }
}

impl Read for NaiveDate {
    fn read(ctx: &mut Ctx, o: &mut Obj, f: &Field) -> Option<Self> {
        o.req_date(ctx, f.key)
    }
}

impl Read for Option<NaiveDate> {
    fn read(ctx: &mut Ctx, o: &mut Obj, f: &Field) -> Option<Self> {
        Some(o.opt_date(ctx, f.key))
    }
}

/// An amount in 万元.
impl Read for Option<f64> {
    fn read(ctx: &mut Ctx, o: &mut Obj, f: &Field) -> Option<Self> {
        Some(o.opt_money(ctx, f.key))
    }
}

impl Read for u32 {
    fn read(ctx: &mut Ctx, o: &mut Obj, f: &Field) -> Option<Self> {
        o.req_count(ctx, f.key)
    }
}

/// A list of texts, or of choices from a fixed list.
impl Read for Vec<String> {
    fn read(ctx: &mut Ctx, o: &mut Obj, f: &Field) -> Option<Self> {
        Some(match f.ty {
            Ty::Choices(c) => o.choice_list(ctx, f.key, c, f.required),
            _ => o.str_list(ctx, f.key, f.required),
        })
    }
}

/// Read a nested table's mapping, then report its unknown keys.
pub fn nested<T>(
    ctx: &mut Ctx,
    mut o: Obj,
    keys: &[&str],
    decode: fn(&mut Ctx, &mut Obj) -> Option<T>,
) -> Option<T> {
    let v = decode(ctx, &mut o);
    o.finish(ctx, keys);
    v
}

/// A required list of nested tables: missing is reported at the mapping.
pub fn nested_list<T>(
    ctx: &mut Ctx,
    o: &mut Obj,
    f: &Field,
    keys: &[&str],
    decode: fn(&mut Ctx, &mut Obj) -> Option<T>,
) -> Vec<T> {
    if f.required && !o.has_value(f.key) {
        let expected = format!("{}列表，每项 {{{}}}", f.key, keys.join(", "));
        let _ = o.req(ctx, f.key, &expected);
    }
    o.obj_list(ctx, f.key, |ctx, item| nested(ctx, item, keys, decode))
}

/// Declare a table: the struct, its `FIELDS` and `KEYS`, its decoder and
/// its [`Read`] for a nested, optional or listed use. A `pub struct` is
/// public data and serializes under its keys; a `private struct` has no
/// `Serialize`, `Debug` or `Clone`, so that nothing can publish it.
macro_rules! table {
    (@req required) => { true };
    (@req optional) => { false };
    (@impl $name:ident { $( $field:ident: $ty:ty = $key:literal, $req:ident, $t:expr, $help:expr; )* }) => {
        impl $name {
            /// The fields, in the form's order.
            pub const FIELDS: &'static [$crate::content::table::Field] = &[
                $( $crate::content::table::f($key, table!(@req $req), $t, $help), )*
            ];
            /// The keys a mapping of this table may have.
            pub const KEYS: &'static [&'static str] = &[$($key),*];

            /// Read every field, reporting each problem; `None` when any
            /// required field is missing or wrong.
            pub fn decode(
                ctx: &mut $crate::content::decode::Ctx,
                o: &mut $crate::content::decode::Obj,
            ) -> Option<Self> {
                let (v, missing) = Self::decode_all(ctx, o);
                missing.is_empty().then_some(v)
            }

            /// Read every field, reporting each problem; a field missing
            /// or wrong takes its default value and is named in the list
            /// returned, so that the rules that read it can be left out.
            pub fn decode_all(
                ctx: &mut $crate::content::decode::Ctx,
                o: &mut $crate::content::decode::Obj,
            ) -> (Self, Vec<&'static str>) {
                let mut fields = Self::FIELDS.iter();
                let mut missing = Vec::new();
                $(
                    let $field = match fields.next() {
                        Some(f) => $crate::content::table::read_noting::<$ty>(ctx, o, f, &mut missing)
                            .unwrap_or_default(),
                        None => Default::default(),
                    };
                )*
                (Self { $( $field, )* }, missing)
            }
        }

        // Both public and private tables: the records cache keeps what
        // was read (see content::stash; it is never published).
        impl $crate::content::stash::Stash for $name {
            fn put(&self, w: &mut Vec<u8>) {
                $( $crate::content::stash::Stash::put(&self.$field, w); )*
            }
            fn take(r: &mut $crate::content::stash::Reader) -> Option<Self> {
                Some(Self { $( $field: $crate::content::stash::Stash::take(r)?, )* })
            }
        }

        impl $crate::content::table::Read for $name {
            fn read(
                ctx: &mut $crate::content::decode::Ctx,
                o: &mut $crate::content::decode::Obj,
                f: &$crate::content::table::Field,
            ) -> Option<Self> {
                let sub = o.sub(ctx, f.key, true)?;
                $crate::content::table::nested(ctx, sub, Self::KEYS, Self::decode)
            }
        }

        impl $crate::content::table::Read for Option<$name> {
            fn read(
                ctx: &mut $crate::content::decode::Ctx,
                o: &mut $crate::content::decode::Obj,
                f: &$crate::content::table::Field,
            ) -> Option<Self> {
                Some(o.sub(ctx, f.key, false).and_then(|sub| {
                    $crate::content::table::nested(ctx, sub, $name::KEYS, $name::decode)
                }))
            }
        }

        impl $crate::content::table::Read for Vec<$name> {
            fn read(
                ctx: &mut $crate::content::decode::Ctx,
                o: &mut $crate::content::decode::Obj,
                f: &$crate::content::table::Field,
            ) -> Option<Self> {
                Some($crate::content::table::nested_list(ctx, o, f, $name::KEYS, $name::decode))
            }
        }
    };
    (
        $(#[$m:meta])*
        pub struct $name:ident {
            $(
                $(#[$fm:meta])*
                $field:ident: $ty:ty = $key:literal, $req:ident, $t:expr, $help:expr;
            )*
        }
    ) => {
        $(#[$m])*
        #[derive(Debug, Clone, Default, serde::Serialize)]
        pub struct $name {
            $(
                $(#[$fm])*
                #[serde(rename = $key, skip_serializing_if = "crate::content::table::Absent::absent")]
                pub $field: $ty,
            )*
        }
        impl $crate::content::table::Absent for $name {}
        table!(@impl $name { $( $field: $ty = $key, $req, $t, $help; )* });
    };
    (
        $(#[$m:meta])*
        private struct $name:ident {
            $(
                $(#[$fm:meta])*
                $field:ident: $ty:ty = $key:literal, $req:ident, $t:expr, $help:expr;
            )*
        }
    ) => {
        $(#[$m])*
        #[derive(Default)]
        pub struct $name {
            $(
                $(#[$fm])*
                pub $field: $ty,
            )*
        }
        table!(@impl $name { $( $field: $ty = $key, $req, $t, $help; )* });
    };
}
pub(crate) use table;
