//! Reading a located YAML tree into typed values, reporting every problem.
//!
//! A decoder never stops at the first problem: each accessor reports what is
//! wrong (with the key, what was expected and what was found) and returns
//! `None`, and [`Obj::finish`] reports every key nobody asked for, so a typo
//! never silently drops a field.

use super::yaml::{Node, Value};
use crate::diag::{Diagnostics, Pos, report};
use chrono::NaiveDate;
use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

/// Where a record's fields stand in its file: field path → position.
///
/// The same few dozen field paths repeat in every record, so each path is
/// kept once for the whole run (`intern`) and a record holds a short list
/// of (path, position): a tenth of the memory of a map of owned strings,
/// which at 20,000 records was some 40 MB.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Spans(Vec<(&'static str, Pos)>);

impl Spans {
    pub fn new() -> Spans {
        Spans(Vec::new())
    }

    pub fn insert(&mut self, field: String, pos: Pos) {
        match self.0.iter_mut().find(|(f, _)| *f == field) {
            Some(slot) => slot.1 = pos,
            None => self.0.push((intern(&field), pos)),
        }
    }

    pub fn get(&self, field: &str) -> Option<&Pos> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, p)| p)
    }

    pub fn contains_key(&self, field: &str) -> bool {
        self.get(field).is_some()
    }

    /// The (path, position) pairs, in the order they were read.
    pub(crate) fn entries(&self) -> &[(&'static str, Pos)] {
        &self.0
    }

    pub(crate) fn from_entries(entries: Vec<(&'static str, Pos)>) -> Spans {
        Spans(entries)
    }
}

/// One shared copy of a field path or key for the life of the process.
/// They come from the content format and the content (field names, map
/// keys), so there are as many as the site has distinct ones: a few
/// hundred, a few kilobytes. Each thread remembers the ones it has met, so
/// that the shared set is locked only for a new one.
pub fn intern(field: &str) -> &'static str {
    thread_local! {
        static MET: std::cell::RefCell<crate::base::FastSet<&'static str>> =
            Default::default();
    }
    static PATHS: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    if let Some(p) = MET.with_borrow(|met| met.get(field).copied()) {
        return p;
    }
    let p = {
        let mut paths = PATHS
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        match paths.get(field) {
            Some(p) => *p,
            None => {
                let p: &'static str = Box::leak(field.to_string().into_boxed_str());
                paths.insert(p);
                p
            }
        }
    };
    MET.with_borrow_mut(|met| met.insert(p));
    p
}

/// Everything a decoder needs to report problems in one file.
pub struct Ctx<'a> {
    pub path: &'a str,
    pub diags: &'a mut Diagnostics,
    pub spans: Spans,
}

impl<'a> Ctx<'a> {
    pub fn new(path: &'a str, diags: &'a mut Diagnostics) -> Self {
        Ctx {
            path,
            diags,
            spans: Spans::new(),
        }
    }
    pub fn error(&mut self, pos: Pos, field: &str, msg: impl Into<String>) -> crate::diag::Report {
        report(self.path, pos, field, msg)
    }
    pub fn push(&mut self, r: crate::diag::Report) {
        self.diags.push(r);
    }
    /// Report a value of the wrong shape.
    pub fn wrong(&mut self, node: &Node, field: &str, expected: &str) {
        let r = report(
            self.path,
            node.pos,
            field,
            format!("「{field}」的值不符合要求"),
        )
        .expected(expected)
        .found(node.describe());
        self.diags.push(r);
    }
}

/// A mapping being read; keys are taken one by one.
pub struct Obj<'n> {
    pub pos: Pos,
    prefix: String,
    entries: Vec<(&'n str, Pos, &'n Node)>,
    used: Vec<bool>,
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

impl<'n> Obj<'n> {
    /// Open `node` as a mapping; reports and returns `None` otherwise.
    pub fn open(ctx: &mut Ctx, node: &'n Node, field: &str) -> Option<Obj<'n>> {
        let Value::Map(entries) = &node.value else {
            let what = if field.is_empty() { "记录" } else { field };
            let r = report(ctx.path, node.pos, field, format!("「{what}」应为键值对象"))
                .expected("键值对象（每行「键: 值」）")
                .found(node.describe());
            ctx.push(r);
            return None;
        };
        let mut out = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            match k.as_str() {
                Some(key) => out.push((key, k.pos, v)),
                None => ctx.wrong(k, field, "文本键"),
            }
        }
        let used = vec![false; out.len()];
        Some(Obj {
            pos: node.pos,
            prefix: field.to_string(),
            entries: out,
            used,
        })
    }

    pub fn field(&self, key: &str) -> String {
        join(&self.prefix, key)
    }

    /// Take a key's value (`None` when absent or explicitly null).
    pub fn take(&mut self, ctx: &mut Ctx, key: &str) -> Option<&'n Node> {
        let i = self.entries.iter().position(|(k, _, _)| *k == key)?;
        self.used[i] = true;
        let (_, kpos, node) = self.entries[i];
        ctx.spans.insert(self.field(key), kpos);
        if node.value == Value::Null {
            None
        } else {
            Some(node)
        }
    }

    /// Whether `key` is written with a value (not empty, not null).
    pub fn has_value(&self, key: &str) -> bool {
        self.entries
            .iter()
            .any(|(k, _, v)| *k == key && v.value != Value::Null)
    }

    /// Take a required key; reports its absence at the mapping.
    pub fn req(&mut self, ctx: &mut Ctx, key: &str, expected: &str) -> Option<&'n Node> {
        let n = self.take(ctx, key);
        if n.is_none() {
            let f = self.field(key);
            // Written but left empty: point at the key itself.
            let written = self
                .entries
                .iter()
                .find(|(k, _, _)| *k == key)
                .map(|(_, pos, _)| *pos);
            let r = match written {
                Some(pos) => report(ctx.path, pos, &f, format!("必填字段「{f}」未填写")),
                None => report(ctx.path, self.pos, &f, format!("缺少必填字段「{f}」")),
            };
            ctx.push(r.expected(expected).found("未填写"));
        }
        n
    }

    pub fn req_str(&mut self, ctx: &mut Ctx, key: &str) -> Option<String> {
        let f = self.field(key);
        self.req(ctx, key, "文本").and_then(|n| text(ctx, n, &f))
    }

    pub fn opt_str(&mut self, ctx: &mut Ctx, key: &str) -> Option<String> {
        let f = self.field(key);
        self.take(ctx, key).and_then(|n| text(ctx, n, &f))
    }

    pub fn req_date(&mut self, ctx: &mut Ctx, key: &str) -> Option<NaiveDate> {
        let f = self.field(key);
        self.req(ctx, key, "日期 YYYY-MM-DD")
            .and_then(|n| date(ctx, n, &f))
    }

    pub fn opt_date(&mut self, ctx: &mut Ctx, key: &str) -> Option<NaiveDate> {
        let f = self.field(key);
        self.take(ctx, key).and_then(|n| date(ctx, n, &f))
    }

    /// A text from a fixed list.
    pub fn req_choice(&mut self, ctx: &mut Ctx, key: &str, choices: &[&str]) -> Option<String> {
        let f = self.field(key);
        let expected = choices.join(" | ");
        self.req(ctx, key, &expected)
            .and_then(|n| choice(ctx, n, &f, choices))
    }

    pub fn opt_choice(&mut self, ctx: &mut Ctx, key: &str, choices: &[&str]) -> Option<String> {
        let f = self.field(key);
        self.take(ctx, key)
            .and_then(|n| choice(ctx, n, &f, choices))
    }

    /// An amount in 万元, at least 0.
    pub fn opt_money(&mut self, ctx: &mut Ctx, key: &str) -> Option<f64> {
        let f = self.field(key);
        let n = self.take(ctx, key)?;
        match n.as_str().and_then(|s| s.trim().parse::<f64>().ok()) {
            Some(v) if v.is_finite() && v >= 0.0 => Some(v),
            _ => {
                ctx.wrong(n, &f, "不小于 0 的数字（单位：万元）");
                None
            }
        }
    }

    /// A whole number, at least 0.
    pub fn req_count(&mut self, ctx: &mut Ctx, key: &str) -> Option<u32> {
        let f = self.field(key);
        let n = self.req(ctx, key, "不小于 0 的整数")?;
        match n.as_str().and_then(|s| s.trim().parse::<u32>().ok()) {
            Some(v) => Some(v),
            None => {
                ctx.wrong(n, &f, "不小于 0 的整数");
                None
            }
        }
    }

    /// A list of texts; a single text is accepted as a list of one.
    pub fn str_list(&mut self, ctx: &mut Ctx, key: &str, required: bool) -> Vec<String> {
        let f = self.field(key);
        let node = if required {
            self.req(ctx, key, "文本列表")
        } else {
            self.take(ctx, key)
        };
        let Some(node) = node else { return Vec::new() };
        if yes_or_no(ctx, node, &f, "[甲, 乙]") {
            return Vec::new();
        }
        if required && empty_seq(ctx, node, &f) {
            return Vec::new();
        }
        match &node.value {
            Value::Seq(items) => items
                .iter()
                .enumerate()
                .filter_map(|(i, n)| text(ctx, n, &format!("{f}[{}]", i + 1)))
                .collect(),
            Value::Str(_) => text(ctx, node, &f).into_iter().collect(),
            _ => {
                ctx.wrong(node, &f, "文本列表");
                Vec::new()
            }
        }
    }

    /// A list whose items are each checked against `choices`.
    pub fn choice_list(
        &mut self,
        ctx: &mut Ctx,
        key: &str,
        choices: &[&str],
        required: bool,
    ) -> Vec<String> {
        let f = self.field(key);
        let node = if required {
            self.req(ctx, key, &choices.join(" | "))
        } else {
            self.take(ctx, key)
        };
        let Some(node) = node else { return Vec::new() };
        if yes_or_no(
            ctx,
            node,
            &f,
            &format!("[{}]", choices.first().copied().unwrap_or("甲")),
        ) {
            return Vec::new();
        }
        if required && empty_seq(ctx, node, &f) {
            return Vec::new();
        }
        let items: Vec<&Node> = match &node.value {
            Value::Seq(items) => items.iter().collect(),
            Value::Str(_) => vec![node],
            _ => {
                ctx.wrong(node, &f, &format!("列表，取值：{}", choices.join(" | ")));
                return Vec::new();
            }
        };
        items
            .into_iter()
            .enumerate()
            .filter_map(|(i, n)| choice(ctx, n, &format!("{f}[{}]", i + 1), choices))
            .collect()
    }

    /// A list of mappings, each opened as an `Obj` and given to `each`.
    pub fn obj_list<T>(
        &mut self,
        ctx: &mut Ctx,
        key: &str,
        mut each: impl FnMut(&mut Ctx, Obj<'n>) -> Option<T>,
    ) -> Vec<T> {
        let f = self.field(key);
        let Some(node) = self.take(ctx, key) else {
            return Vec::new();
        };
        let Value::Seq(items) = &node.value else {
            ctx.wrong(node, &f, "列表（每项为键值对象）");
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, n) in items.iter().enumerate() {
            if let Some(o) = Obj::open(ctx, n, &format!("{f}[{}]", i + 1))
                && let Some(v) = each(ctx, o)
            {
                out.push(v);
            }
        }
        out
    }

    /// A nested mapping.
    pub fn sub(&mut self, ctx: &mut Ctx, key: &str, required: bool) -> Option<Obj<'n>> {
        let f = self.field(key);
        let node = if required {
            self.req(ctx, key, "键值对象")?
        } else {
            self.take(ctx, key)?
        };
        Obj::open(ctx, node, &f)
    }

    /// Report every key that was not read: unknown keys are errors.
    pub fn finish(self, ctx: &mut Ctx, known: &[&str]) {
        for (i, (key, pos, _)) in self.entries.iter().enumerate() {
            if !self.used[i] {
                let f = join(&self.prefix, key);
                let mut r = report(ctx.path, *pos, &f, format!("未知字段「{key}」"));
                let hint = suggest(key, known);
                r = match hint {
                    Some(h) => r.expected(format!(
                        "可用字段之一（是否想写「{h}」？）：{}",
                        known.join("、")
                    )),
                    None => r.expected(format!("可用字段之一：{}", known.join("、"))),
                };
                ctx.push(r.found(key.to_string()));
            }
        }
    }
}

/// The closest known key, for a typo.
fn suggest<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    let a: Vec<char> = key.chars().collect();
    known
        .iter()
        .map(|k| (edit_distance(&a, &k.chars().collect::<Vec<_>>()), *k))
        .filter(|(d, k)| *d <= 1 + k.chars().count() / 3)
        .min()
        .map(|(_, k)| k)
}

fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Report 是/否 (有/无) written where a list is expected: a list is not
/// answered yes or no, it is written out or left out.
fn yes_or_no(ctx: &mut Ctx, node: &Node, field: &str, example: &str) -> bool {
    let Some(s) = node.as_str().map(str::trim) else {
        return false;
    };
    if !matches!(s, "是" | "否" | "有" | "无" | "没有") {
        return false;
    }
    let r = ctx
        .error(
            node.pos,
            field,
            format!("「{field}」应为列表，不能写「{s}」"),
        )
        .expected(format!(
            "写出各项，例如 {field}: {example}；没有时删去这一行"
        ))
        .found(s.to_string());
    ctx.push(r);
    true
}

/// Report a required list written as `[]`.
fn empty_seq(ctx: &mut Ctx, node: &Node, field: &str) -> bool {
    if matches!(&node.value, Value::Seq(items) if items.is_empty()) {
        let r = ctx
            .error(node.pos, field, format!("「{field}」不能为空"))
            .expected("至少一项")
            .found("空列表");
        ctx.push(r);
        true
    } else {
        false
    }
}

pub fn text(ctx: &mut Ctx, n: &Node, field: &str) -> Option<String> {
    match n.as_str() {
        Some(s) if !s.trim().is_empty() => Some(s.trim_end().to_string()),
        Some(_) => {
            let r = ctx
                .error(n.pos, field, format!("「{field}」不能为空"))
                .expected("非空文本")
                .found("空文本");
            ctx.push(r);
            None
        }
        None => {
            ctx.wrong(n, field, "文本");
            None
        }
    }
}

pub fn date(ctx: &mut Ctx, n: &Node, field: &str) -> Option<NaiveDate> {
    let text = n.as_str();
    match text.and_then(parse_date) {
        Some(d) => Some(d),
        None => {
            // A date written another way (2024年6月3日, 2024/6/3, 2024.6.3):
            // say how to write it.
            match text.and_then(loose_date) {
                Some(d) => {
                    let r = ctx
                        .error(n.pos, field, format!("「{field}」的日期写法不对"))
                        .expected(format!(
                            "写作 {}（年-月-日，两位月份和日期）",
                            d.format("%Y-%m-%d")
                        ))
                        .found(text.unwrap_or_default().to_string());
                    ctx.push(r);
                }
                None => ctx.wrong(n, field, "日期 YYYY-MM-DD（真实存在的日期）"),
            }
            None
        }
    }
}

/// A date as people also write it: 2024年6月3日, 2024/6/3, 2024.6.3,
/// 2024-6-3 (a real date).
pub fn loose_date(s: &str) -> Option<NaiveDate> {
    let parts: Vec<&str> = s
        .trim()
        .trim_end_matches('日')
        .split(['年', '月', '/', '.', '-', '／', '－'])
        .collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let num = |p: &str| p.trim().parse::<u32>().ok();
    NaiveDate::from_ymd_opt(num(y)? as i32, num(m)?, num(d)?)
}

/// `YYYY-MM-DD`, exactly.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

pub fn choice(ctx: &mut Ctx, n: &Node, field: &str, choices: &[&str]) -> Option<String> {
    let s = text(ctx, n, field)?;
    if choices.contains(&s.as_str()) {
        Some(s)
    } else {
        let r = ctx
            .error(n.pos, field, format!("「{field}」的取值不在规定范围内"))
            .expected(choices.join(" | "))
            .found(s);
        ctx.push(r);
        None
    }
}
