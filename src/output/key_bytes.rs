//! The bytes a page's cache key is hashed from: any `Serialize` value
//! written as a compact, unambiguous byte string. Every value carries a
//! tag, every string its length and every list, map and struct an end
//! mark, so two different values of a type never write the same bytes (what the cache needs), and nothing is
//! escaped or formatted (what JSON spent most of its time on).

use serde::ser::{self, Serialize};
use std::fmt;

/// Append the bytes of `value` to `out`.
pub fn write<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    // The encoder itself never fails; a value whose Serialize does (a map
    // with a failing key, say) leaves what it wrote so far, as JSON did.
    let _ = value.serialize(&mut Enc(out));
}

pub struct Enc<'a>(&'a mut Vec<u8>);

/// An error raised by a value's own `Serialize`; the encoder raises none.
#[derive(Debug)]
pub struct ValueError(String);

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ValueError {}

impl ser::Error for ValueError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        ValueError(msg.to_string())
    }
}

// One byte per kind of value.
const NONE: u8 = 0;
const SOME: u8 = 1;
const UNIT: u8 = 2;
const BOOL: u8 = 3;
const INT: u8 = 4;
const UINT: u8 = 5;
const FLOAT: u8 = 6;
const CHAR: u8 = 7;
const STR: u8 = 8;
const BYTES: u8 = 9;
const SEQ: u8 = 10;
const MAP: u8 = 11;
const STRUCT: u8 = 12;
const VARIANT: u8 = 13;
const NEWTYPE: u8 = 14;
/// Closes a list, map or struct (their length is not given up front).
const END: u8 = 15;
/// Opens a struct's field that is present.
const FIELD: u8 = 16;

impl Enc<'_> {
    fn tag(&mut self, t: u8) {
        self.0.push(t);
    }
    /// A length or index, seven bits a byte.
    fn len(&mut self, n: usize) {
        let mut n = n as u64;
        while n >= 0x80 {
            self.0.push((n as u8) | 0x80);
            n >>= 7;
        }
        self.0.push(n as u8);
    }
    fn text(&mut self, s: &[u8]) {
        self.len(s.len());
        self.0.extend_from_slice(s);
    }
}

impl<'a, 'b> ser::Serializer for &'a mut Enc<'b> {
    type Ok = ();
    type Error = ValueError;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, v: bool) -> Result<(), ValueError> {
        self.tag(BOOL);
        self.0.push(u8::from(v));
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), ValueError> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result<(), ValueError> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Result<(), ValueError> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Result<(), ValueError> {
        self.tag(INT);
        self.0.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Result<(), ValueError> {
        self.tag(INT);
        self.0.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), ValueError> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Result<(), ValueError> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Result<(), ValueError> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Result<(), ValueError> {
        self.tag(UINT);
        self.0.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Result<(), ValueError> {
        self.tag(UINT);
        self.0.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), ValueError> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<(), ValueError> {
        self.tag(FLOAT);
        self.0.extend_from_slice(&v.to_bits().to_le_bytes());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), ValueError> {
        self.tag(CHAR);
        self.0.extend_from_slice(&u32::from(v).to_le_bytes());
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), ValueError> {
        self.tag(STR);
        self.text(v.as_bytes());
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), ValueError> {
        self.tag(BYTES);
        self.text(v);
        Ok(())
    }
    fn serialize_none(self) -> Result<(), ValueError> {
        self.tag(NONE);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), ValueError> {
        self.tag(SOME);
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), ValueError> {
        self.tag(UNIT);
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), ValueError> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
    ) -> Result<(), ValueError> {
        self.tag(VARIANT);
        self.len(index as usize);
        self.tag(UNIT);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), ValueError> {
        self.tag(NEWTYPE);
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
        value: &T,
    ) -> Result<(), ValueError> {
        self.tag(VARIANT);
        self.len(index as usize);
        value.serialize(self)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self, ValueError> {
        // Closed by END rather than counted: a length given up front may
        // be a guess (serde allows it), and the END after each element
        // list keeps `[[a], b]` apart from `[[a, b]]` all the same.
        self.tag(SEQ);
        Ok(self)
    }
    fn serialize_tuple(self, len: usize) -> Result<Self, ValueError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Self, ValueError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
        len: usize,
    ) -> Result<Self, ValueError> {
        self.tag(VARIANT);
        self.len(index as usize);
        self.serialize_seq(Some(len))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self, ValueError> {
        self.tag(MAP);
        Ok(self)
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self, ValueError> {
        self.tag(STRUCT);
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self, ValueError> {
        self.tag(VARIANT);
        self.len(index as usize);
        self.tag(STRUCT);
        Ok(self)
    }
}

/// Elements follow one another; END closes the list.
macro_rules! elements {
    ($($trait:ident :: $method:ident),*) => {$(
        impl<'a, 'b> ser::$trait for &'a mut Enc<'b> {
            type Ok = ();
            type Error = ValueError;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ValueError> {
                value.serialize(&mut **self)
            }
            fn end(self) -> Result<(), ValueError> {
                self.tag(END);
                Ok(())
            }
        }
    )*};
}

elements!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl<'a, 'b> ser::SerializeMap for &'a mut Enc<'b> {
    type Ok = ();
    type Error = ValueError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), ValueError> {
        key.serialize(&mut **self)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ValueError> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), ValueError> {
        self.tag(END);
        Ok(())
    }
}

/// A struct's fields come in the order of its type, each marked present
/// or left out (skipped when empty), so that one cannot be mistaken for
/// the next; their names follow from the type.
macro_rules! fields {
    ($($trait:ident),*) => {$(
        impl<'a, 'b> ser::$trait for &'a mut Enc<'b> {
            type Ok = ();
            type Error = ValueError;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                _key: &'static str,
                value: &T,
            ) -> Result<(), ValueError> {
                self.tag(FIELD);
                value.serialize(&mut **self)
            }
            fn skip_field(&mut self, _key: &'static str) -> Result<(), ValueError> {
                self.tag(NONE);
                Ok(())
            }
            fn end(self) -> Result<(), ValueError> {
                self.tag(END);
                Ok(())
            }
        }
    )*};
}

fields!(SerializeStruct, SerializeStructVariant);

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use std::collections::BTreeMap;

    fn bytes<T: Serialize>(v: &T) -> Vec<u8> {
        let mut out = Vec::new();
        write(&mut out, v);
        out
    }

    #[derive(Serialize)]
    struct Page<'a> {
        title: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        party: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        org: Option<&'a str>,
        tags: Vec<&'a str>,
    }

    /// Values that JSON would tell apart, this tells apart too; a list of
    /// neighbours that differ in one way each.
    #[test]
    fn different_values_give_different_bytes() {
        let page = |title, party, org, tags| Page {
            title,
            party,
            org,
            tags,
        };
        let mut map = BTreeMap::new();
        map.insert("a", "b");
        let mut map2 = BTreeMap::new();
        map2.insert("ab", "");
        let values: Vec<Vec<u8>> = vec![
            bytes(&page("a", None, None, vec![])),
            bytes(&page("a", Some("x"), None, vec![])),
            bytes(&page("a", None, Some("x"), vec![])),
            bytes(&page("a", None, None, vec![""])),
            bytes(&page("a", None, None, vec!["", ""])),
            bytes(&page("ab", None, None, vec![])),
            bytes(&page("a", None, None, vec!["b"])),
            bytes(&(vec![vec![1u32], vec![2]], 3u32)),
            bytes(&(vec![vec![1u32, 2]], 3u32)),
            bytes(&(vec![vec![1u32]], vec![2u32, 3])),
            bytes(&map),
            bytes(&map2),
            bytes(&("a", "b")),
            bytes(&1u32),
            bytes(&1i32),
            bytes(&1.0f64),
            bytes(&Some(1u32)),
            bytes(&None::<u32>),
            bytes(&'a'),
            bytes(&"a"),
            bytes(&true),
            bytes(&()),
        ];
        for (i, a) in values.iter().enumerate() {
            for (j, b) in values.iter().enumerate().skip(i + 1) {
                assert_ne!(a, b, "values {i} and {j}");
            }
        }
        assert_eq!(
            bytes(&page("a", Some("x"), None, vec!["b"])),
            bytes(&page("a", Some("x"), None, vec!["b"])),
            "the same value, the same bytes"
        );
    }

    proptest::proptest! {
        /// Lists of strings: equal bytes exactly when equal values.
        #[test]
        fn lists_of_strings_are_told_apart(
            a in proptest::collection::vec("[ab]{0,3}", 0..4),
            b in proptest::collection::vec("[ab]{0,3}", 0..4),
        ) {
            proptest::prop_assert_eq!(a == b, bytes(&a) == bytes(&b));
        }
    }
}
