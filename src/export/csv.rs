//! CSV for spreadsheets: UTF-8 with a byte-order mark (so that Excel reads
//! Chinese correctly), nested fields flattened to `当事人.名称` columns.

use crate::content::decode::intern;
use crate::publish::Data;

/// Columns (in order of first appearance) and the cells of every row.
pub fn table(rows: &[&Data]) -> (Vec<String>, Vec<Vec<String>>) {
    let flat: Vec<Vec<(&'static str, String)>> = rows.iter().map(|r| flatten(r)).collect();
    // A kind with no public record still has its header: the columns
    // every row has, so that the file reads (and imports) as a table.
    let mut columns: Vec<&'static str> = if rows.is_empty() {
        vec!["id", "url"]
    } else {
        Vec::new()
    };
    let mut at: crate::base::FastMap<&'static str, usize> = Default::default();
    for row in &flat {
        for (k, _) in row {
            at.entry(k).or_insert_with(|| {
                columns.push(k);
                columns.len() - 1
            });
        }
    }
    let cells = flat
        .into_iter()
        .map(|row| {
            let mut cells = vec![String::new(); columns.len()];
            for (k, v) in row {
                cells[at[k]] = v;
            }
            cells
        })
        .collect();
    (columns.into_iter().map(String::from).collect(), cells)
}

#[cfg(test)]
pub fn to_csv(rows: &[&serde_json::Value]) -> Vec<u8> {
    let rows: Vec<Data> = rows.iter().map(|&r| Data::from(r.clone())).collect();
    let (columns, cells) = table(&rows.iter().collect::<Vec<_>>());
    write(&columns, &cells)
}

/// The CSV of a [`table`].
pub fn write(columns: &[String], cells: &[Vec<String>]) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    out.push_str(
        &columns
            .iter()
            .map(|c| field(c))
            .collect::<Vec<_>>()
            .join(","),
    );
    out.push_str("\r\n");
    for row in cells {
        out.push_str(&row.iter().map(|v| field(v)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

pub(crate) fn field(s: &str) -> String {
    // A leading = + - @ would be run as a formula by spreadsheets.
    let guarded = match s.chars().next() {
        Some('=' | '+' | '@' | '\t' | '\r') => format!("'{s}"),
        Some('-') if s.parse::<f64>().is_err() => format!("'{s}"),
        _ => s.to_string(),
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// Flatten one record: objects to dotted keys, lists joined with "；".
pub fn flatten(v: &Data) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if let Data::Map(m) = v {
        walk("", m, &mut out);
    }
    out
}

fn walk(prefix: &str, m: &[(&'static str, Data)], out: &mut Vec<(&'static str, String)>) {
    for (k, v) in m {
        let key = if prefix.is_empty() {
            k
        } else {
            intern(&format!("{prefix}.{k}"))
        };
        match v {
            Data::Map(inner) => walk(key, inner, out),
            other => out.push((key, text(other))),
        }
    }
}

pub fn text(v: &Data) -> String {
    match v {
        Data::Null => String::new(),
        Data::Str(s) => s.to_string(),
        Data::Num(n) => n.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::List(items) => items.iter().map(text).collect::<Vec<_>>().join("；"),
        Data::Map(m) => m
            .iter()
            .map(|(k, v)| match v {
                Data::Str(_) | Data::Num(_) => format!("{k}：{}", text(v)),
                _ => text(v),
            })
            .collect::<Vec<_>>()
            .join(" "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bom_quotes_and_formulas() {
        let a =
            json!({"id": "a", "标题": "x,\"y\"", "当事人": {"名称": "=cmd"}, "关键词": ["p", "q"]});
        let b = json!({"id": "b", "罚款金额": 1.5});
        let out = String::from_utf8(to_csv(&[&a, &b])).unwrap();
        assert!(out.starts_with('\u{feff}'));
        let lines: Vec<&str> = out.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert_eq!(lines[0], "id,标题,当事人.名称,关键词,罚款金额");
        assert_eq!(lines[1], "a,\"x,\"\"y\"\"\",'=cmd,p；q,");
        assert_eq!(lines[2], "b,,,,1.5");
    }
}
