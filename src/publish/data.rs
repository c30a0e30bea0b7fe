//! The open-data object of a record, held compactly.
//!
//! Every published record keeps its open-data object for the whole build:
//! the data files, the pages (as `d`), the privacy scan and the reports
//! read it. As a `serde_json::Value` it took about 3.6 KB and 40
//! allocations per record (an `IndexMap` with its hash table and an owned
//! string for every key); here a map is one boxed slice of entries whose
//! keys are shared for the life of the process, and a string is boxed to
//! its length. It serializes exactly as the `Value` it is made from would
//! (JSON and template values alike), keys in their order.

use crate::content::decode::intern;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Number, Value};

#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    Null,
    Bool(bool),
    Num(Number),
    Str(Box<str>),
    List(Box<[Data]>),
    Map(Box<[(&'static str, Data)]>),
}

impl Data {
    /// The value at `key` of a map.
    pub fn get(&self, key: &str) -> Option<&Data> {
        match self {
            Data::Map(m) => m.iter().find(|(k, _)| *k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Data::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Set `key` of a map: in its place if it is there, else at the end.
    pub fn insert(&mut self, key: &str, value: Data) {
        let Data::Map(m) = self else { return };
        if let Some(slot) = m.iter_mut().find(|(k, _)| *k == key) {
            slot.1 = value;
            return;
        }
        let mut entries = std::mem::take(m).into_vec();
        entries.push((intern(key), value));
        *m = entries.into_boxed_slice();
    }
}

impl From<Value> for Data {
    fn from(v: Value) -> Data {
        match v {
            Value::Null => Data::Null,
            Value::Bool(b) => Data::Bool(b),
            Value::Number(n) => Data::Num(n),
            Value::String(s) => Data::Str(s.into_boxed_str()),
            Value::Array(items) => Data::List(items.into_iter().map(Data::from).collect()),
            Value::Object(m) => Data::Map(
                m.into_iter()
                    .map(|(k, v)| (intern(&k), Data::from(v)))
                    .collect(),
            ),
        }
    }
}

impl Serialize for Data {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Data::Null => s.serialize_unit(),
            Data::Bool(b) => s.serialize_bool(*b),
            Data::Num(n) => n.serialize(s),
            Data::Str(v) => s.serialize_str(v),
            Data::List(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Data::Map(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> Value {
        json!({
            "id": "hc-1",
            "标题": "<案>",
            "金额": 12.5,
            "件数": 3,
            "负数": -2,
            "是否": true,
            "空": null,
            "关键词": ["甲", "乙"],
            "当事人": {"名称": "某公司", "类型": "企业"},
            "更正": [{"日期": "2024-01-02", "说明": "x"}],
            "发布日期": "2024-01-01"
        })
    }

    #[test]
    fn serializes_as_the_value_it_is_made_from() {
        let v = sample();
        let d = Data::from(v.clone());
        assert_eq!(
            serde_json::to_string(&d).unwrap(),
            serde_json::to_string(&v).unwrap()
        );
        // Templates see the same value too.
        let (a, b) = (
            minijinja::Value::from_serialize(&d),
            minijinja::Value::from_serialize(&v),
        );
        assert_eq!(a, b);
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
    }

    #[test]
    fn get_and_insert_keep_the_order() {
        let mut d = Data::from(sample());
        assert_eq!(d.get("标题").and_then(Data::as_str), Some("<案>"));
        assert_eq!(d.get("没有"), None);
        d.insert("标题", Data::Str("新".into()));
        d.insert("关联", Data::List(vec![Data::Str("cases/a".into())].into()));
        let mut v = sample();
        v["标题"] = json!("新");
        v["关联"] = json!(["cases/a"]);
        assert_eq!(
            serde_json::to_string(&d).unwrap(),
            serde_json::to_string(&v).unwrap()
        );
    }

    #[test]
    fn keys_are_shared() {
        let a = intern(&String::from("当事人"));
        let b = std::thread::spawn(|| intern("当事人")).join().unwrap();
        assert!(std::ptr::eq(a, b));
    }
}
