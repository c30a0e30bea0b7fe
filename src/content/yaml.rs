//! YAML with a position on every node.
//!
//! This is the only module that knows the YAML library (serde-saphyr, pinned
//! in Cargo.toml). It parses a file into a [`Node`] tree whose every scalar,
//! sequence and mapping carries its line and column; the record decoders then
//! walk the tree and report *every* problem of a file with its place, in
//! Chinese, instead of stopping at serde's first error.
//!
//! The parser runs with a budget: alias expansion, nesting depth and node
//! count are bounded, so a hostile file ("billion laughs") is refused with a
//! message instead of exhausting memory.

use crate::diag::Pos;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;

/// A YAML value with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub pos: Pos,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    /// Any scalar, as text. `plain_number` marks unquoted numbers and booleans,
    /// so that messages can say what was found.
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Value {
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "空值",
            Value::Str(_) => "文本",
            Value::Seq(_) => "列表",
            Value::Map(_) => "键值对象",
        }
    }
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
    /// A short description of the value for "found:" in a message.
    pub fn describe(&self) -> String {
        match &self.value {
            Value::Str(s) => format!("「{s}」"),
            other => other.type_name().to_string(),
        }
    }
}

/// Limits for one file.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_depth: usize,
    pub max_nodes: usize,
    pub max_aliases: usize,
    /// The size of the tree once aliases are expanded: the text of every
    /// scalar plus a little for every node. A file under the size limit
    /// can otherwise grow a thousandfold through its aliases.
    pub max_expanded_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 32,
            max_nodes: 200_000,
            max_aliases: 1_000,
            max_expanded_bytes: 4 << 20,
        }
    }
}

/// What a node costs beyond its text, for the expanded size.
const NODE_BYTES: usize = 16;

thread_local! {
    /// (bytes so far, limit) of the tree being built on this thread.
    static EXPANDED: std::cell::Cell<(usize, usize)> = const { std::cell::Cell::new((0, usize::MAX)) };
    /// The text being parsed on this thread: a scalar that YAML reads as a
    /// number or a boolean is kept as it is written there ([`located`]).
    static SOURCE: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// The marker of the expanded-size error in the parser's message.
const TOO_LARGE: &str = "expanded size limit";

/// Count `bytes` against the expanded size of the tree being built.
fn spend<E: de::Error>(bytes: usize) -> Result<(), E> {
    EXPANDED.with(|c| {
        let (used, limit) = c.get();
        let used = used.saturating_add(bytes + NODE_BYTES);
        c.set((used, limit));
        if used > limit {
            Err(E::custom(format!("{TOO_LARGE} ({limit} bytes) exceeded")))
        } else {
            Ok(())
        }
    })
}

/// A syntax error: position and a message for staff.
#[derive(Debug, Clone)]
pub struct SyntaxError {
    pub pos: Pos,
    pub message: String,
    pub expected: String,
    pub found: String,
}

/// Parse one YAML document into a located tree. An empty file is `Null`.
pub fn parse(text: &str, limits: Limits) -> Result<Node, SyntaxError> {
    if text.trim().is_empty() {
        return Ok(Node {
            pos: Pos::new(1, 1),
            value: Value::Null,
        });
    }
    let mut options = serde_saphyr::Options::default();
    options.leading_zero_numbers_as_strings = true;
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::Error;
    // `.nan` and `.inf` reach the visitor, which keeps them as written: a
    // field that wants a number then says so at its place.
    options.non_finite_float_policy = serde_saphyr::NonFiniteFloatPolicy::PassThrough;
    if let Some(budget) = options.budget.as_mut() {
        budget.max_depth = limits.max_depth;
        budget.max_nodes = limits.max_nodes;
        budget.max_aliases = limits.max_aliases;
    } else {
        let mut budget = serde_saphyr::Budget::default();
        budget.max_depth = limits.max_depth;
        budget.max_nodes = limits.max_nodes;
        budget.max_aliases = limits.max_aliases;
        options.budget = Some(budget);
    }
    options.alias_limits.max_total_replayed_events = limits.max_nodes;
    options.alias_limits.max_replay_stack_depth = limits.max_depth;
    EXPANDED.with(|c| c.set((0, limits.max_expanded_bytes)));
    SOURCE.with(|s| text.clone_into(&mut s.borrow_mut()));
    let parsed = serde_saphyr::from_str_with_options::<Spanned<Tree>>(text, options);
    EXPANDED.with(|c| c.set((0, usize::MAX)));
    SOURCE.with(|s| s.borrow_mut().clear());
    match parsed {
        Ok(t) => Ok(located(t)),
        Err(e) => {
            let mut err = convert_error(&e, limits.max_expanded_bytes);
            // A bracket opened and not closed before the error is the usual
            // cause of a message about what follows it.
            if err.message == "YAML 语法错误" {
                let upto: String = text
                    .lines()
                    .take(err.pos.line as usize)
                    .collect::<Vec<_>>()
                    .join("\n");
                let open = |o: char, c: char| upto.matches(o).count() > upto.matches(c).count();
                if open('[', ']') || open('{', '}') {
                    err.message = "方括号或花括号没有正确配对".to_string();
                    err.expected =
                        "列表写作 [甲, 乙]，对象写作 {键: 值}：半角括号成对出现".to_string();
                }
            }
            // A tab in a line's indentation is reported by the parser at
            // the end of the line before it: point at the tab.
            if err.message.contains("Tab") {
                let from = err.pos.line.saturating_sub(1) as usize;
                let tabbed = text
                    .lines()
                    .enumerate()
                    .skip(from)
                    .take(2)
                    .find_map(|(i, l)| {
                        let indent = l.len() - l.trim_start().len();
                        l[..indent].find('\t').map(|k| (i, l[..k].chars().count()))
                    });
                if let Some((i, col)) = tabbed {
                    err.pos = Pos::new(i as u32 + 1, col as u32 + 1);
                }
            }
            // What is found is the line itself, never the parser's English.
            if let Some(line) = text.lines().nth(err.pos.line.saturating_sub(1) as usize) {
                err.found = format!("第 {} 行：{}", err.pos.line, line.trim());
            }
            Err(err)
        }
    }
}

fn convert_error(e: &serde_saphyr::Error, max_expanded: usize) -> SyntaxError {
    let pos = e
        .location()
        .filter(|l| l.line() > 0)
        .map(|l| Pos::new(l.line() as u32, l.column().max(1) as u32))
        .unwrap_or(Pos::new(1, 1));
    let raw = e.without_snippet().to_string();
    // The library's messages are English; keep its detail, lead with Chinese.
    let detail = raw
        .lines()
        .next()
        .unwrap_or("")
        .trim()
        .trim_start_matches("error: ")
        .to_string();
    let lower = detail.to_lowercase();
    if detail.contains(TOO_LARGE) {
        return SyntaxError {
            pos,
            message: "YAML 展开别名后过大".to_string(),
            expected: format!(
                "展开后不超过 {max_expanded} 字节（site.yaml 限制.展开大小）；不要用别名（*）大量复制内容"
            ),
            found: "超过上限".to_string(),
        };
    }
    let (head, expected) = if lower.contains("duplicate") {
        ("YAML 中有重复的键", "同一层级中每个键只出现一次")
    } else if lower.contains("budget") || lower.contains("limit") || lower.contains("alias") {
        (
            "YAML 超出解析限制（别名展开、嵌套深度或节点数过多）",
            "不超过限制的普通记录文件",
        )
    } else if lower.contains("simple key") || lower.contains("expected ':'") {
        (
            "这一行不是「键: 值」的形式",
            "键后面是半角冒号和一个空格，例如 要旨: 内容；多行文字写在「键: |」下面并缩进",
        )
    } else if lower.contains("mapping values are not allowed") {
        (
            "这里不能出现「键: 值」",
            "检查这一行的缩进；值中含有「: 」时给整个值加半角引号",
        )
    } else if lower.contains("cannot start any token") || lower.contains("tab") {
        (
            "这一行含有不能出现在此处的字符（如 Tab 或以 @、` 开头的值）",
            "用空格缩进，不用 Tab；以特殊字符开头的值加半角引号",
        )
    } else if lower.contains("flow") || lower.contains("',' or ']'") || lower.contains("',' or '}'")
    {
        (
            "方括号或花括号没有正确配对",
            "列表写作 [甲, 乙]，对象写作 {键: 值}：半角括号、半角逗号，括号成对",
        )
    } else if lower.contains("quote") || lower.contains("end of stream") {
        ("引号没有配对", "成对的半角引号 \"…\"，或不加引号")
    } else if lower.contains("indent") || lower.contains("block") || lower.contains("expected key")
    {
        ("缩进不一致", "同一层的键左边对齐，下一层多缩进两个空格")
    } else {
        (
            "YAML 语法错误",
            "合法的 YAML（注意冒号后的空格、缩进和括号配对）",
        )
    };
    // Drop the library's own "at line L, column C": the location says it.
    let found = match detail.rfind(" at line ") {
        Some(i) => detail[..i].to_string(),
        None => detail.clone(),
    };
    SyntaxError {
        pos,
        message: head.to_string(),
        expected: expected.to_string(),
        found,
    }
}

/// A value as serde gives it; each child is made a [`Node`] as soon as it
/// is read (with the position its `Spanned` wrapper carries), so the tree is
/// built once, not built and then copied.
/// `typed`: a scalar YAML resolved to a number or a boolean, whose text
/// as serde gives it is not always as written (`1.50` is 1.5, `on` true,
/// `0x10` 16).
struct Tree(Value, bool);

fn located(t: Spanned<Tree>) -> Node {
    let Tree(mut value, typed) = t.value;
    if typed && let Some(written) = written(&t.defined).or_else(|| written(&t.referenced)) {
        value = Value::Str(written);
    }
    Node {
        pos: Pos::new(
            t.referenced.line() as u32,
            t.referenced.column().max(1) as u32,
        ),
        value,
    }
}

/// A plain scalar as it is written at `at` in the text being parsed: the
/// values are text, and a 单位 of `1.50` or a 姓名 of `on` is published as
/// written, not as `1.5` or `true`.
fn written(at: &serde_saphyr::Location) -> Option<String> {
    let span = at.span();
    let (from, len) = (span.byte_offset()?, span.byte_len()?);
    let (from, len) = (usize::try_from(from).ok()?, usize::try_from(len).ok()?);
    SOURCE.with(|s| {
        let s = s.borrow();
        let w = s.get(from..from.checked_add(len)?)?.trim();
        let plain = !w.is_empty()
            && !w.contains(['\n', '#', ',', '[', ']', '{', '}', '"', '\'', ':', '*', '&']);
        plain.then(|| w.to_string())
    })
}

impl<'de> Deserialize<'de> for Tree {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TreeVisitor)
    }
}

struct TreeVisitor;

impl<'de> Visitor<'de> for TreeVisitor {
    type Value = Tree;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Tree, E> {
        let text = v.to_string();
        spend::<E>(text.len())?;
        Ok(Tree(Value::Str(text), true))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Tree, E> {
        let text = v.to_string();
        spend::<E>(text.len())?;
        Ok(Tree(Value::Str(text), true))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Tree, E> {
        let text = v.to_string();
        spend::<E>(text.len())?;
        Ok(Tree(Value::Str(text), true))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Tree, E> {
        let text = v.to_string();
        spend::<E>(text.len())?;
        Ok(Tree(Value::Str(text), true))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Tree, E> {
        let text = v.to_string();
        spend::<E>(text.len())?;
        Ok(Tree(Value::Str(text), true))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Tree, E> {
        let text = v.to_string();
        spend::<E>(text.len())?;
        Ok(Tree(Value::Str(text), true))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Tree, E> {
        spend::<E>(v.len())?;
        Ok(Tree(Value::Str(v.to_string()), false))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Tree, E> {
        spend::<E>(v.len())?;
        Ok(Tree(Value::Str(v), false))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Tree, E> {
        spend::<E>(0)?;
        Ok(Tree(Value::Null, false))
    }
    fn visit_none<E: de::Error>(self) -> Result<Tree, E> {
        Ok(Tree(Value::Null, false))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Tree, D::Error> {
        Tree::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Tree, A::Error> {
        spend::<A::Error>(0)?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Tree>>()? {
            items.push(located(item));
        }
        Ok(Tree(Value::Seq(items), false))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tree, A::Error> {
        spend::<A::Error>(0)?;
        let mut entries = Vec::new();
        while let Some(k) = map.next_key::<Spanned<Tree>>()? {
            let v = map.next_value::<Spanned<Tree>>()?;
            entries.push((located(k), located(v)));
        }
        Ok(Tree(Value::Map(entries), false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_of_keys_and_values() {
        let n = parse("a: 1\nb:\n  - x\n  - {c: d}\n", Limits::default()).unwrap();
        let Value::Map(m) = &n.value else { panic!() };
        assert_eq!(m[0].0.pos, Pos::new(1, 1));
        assert_eq!(m[0].1.as_str(), Some("1"));
        assert_eq!(m[1].0.pos, Pos::new(2, 1));
        let Value::Seq(s) = &m[1].1.value else {
            panic!()
        };
        assert_eq!(s[0].pos, Pos::new(3, 5));
        assert_eq!(s[1].pos.line, 4);
    }

    #[test]
    fn numbers_and_booleans_stay_as_written() {
        let text =
            "a: 1.50\nb: on\nc: [0x1F, +5, 1e3]\nd: Off\ne: &x 2.0\nf: *x\ng: 12 # 注\nh: 3\n";
        let n = parse(text, Limits::default()).unwrap();
        let Value::Map(m) = &n.value else { panic!() };
        let got: Vec<String> = m
            .iter()
            .flat_map(|(_, v)| match &v.value {
                Value::Seq(s) => s.iter().map(|x| x.as_str().unwrap().to_string()).collect(),
                _ => vec![v.as_str().unwrap().to_string()],
            })
            .collect();
        assert_eq!(
            got,
            [
                "1.50", "on", "0x1F", "+5", "1e3", "Off", "2.0", "2.0", "12", "3"
            ]
        );
        for special in [".nan", ".inf", "-.Inf", ".NaN"] {
            let n = parse(&format!("a: {special}\n"), Limits::default())
                .unwrap_or_else(|e| panic!("{special}: {} {} {}", e.message, e.expected, e.found));
            let Value::Map(m) = &n.value else { panic!() };
            assert_eq!(m[0].1.as_str(), Some(special));
        }
    }

    #[test]
    fn leading_zeros_stay_text() {
        let n = parse("t: 0412\n", Limits::default()).unwrap();
        let Value::Map(m) = &n.value else { panic!() };
        assert_eq!(m[0].1.as_str(), Some("0412"));
    }

    #[test]
    fn syntax_error_has_position() {
        let e = parse("a: [1, 2\nb: c\n", Limits::default()).unwrap_err();
        assert!(e.pos.line >= 1);
        assert!(e.message.contains("括号"), "{}", e.message);
        assert!(
            e.found.starts_with("第 "),
            "the line, not the parser's words: {}",
            e.found
        );
    }

    #[test]
    fn a_tab_in_the_indentation_is_named_at_its_line() {
        let e = parse("a: 1\nb: 王五\n\tc: 某站\nd: 2\n", Limits::default()).unwrap_err();
        assert_eq!(e.pos, Pos::new(3, 1), "{e:?}");
        assert!(e.found.contains("c: 某站"), "{}", e.found);
    }

    #[test]
    fn duplicate_key_is_refused() {
        let e = parse("a: 1\na: 2\n", Limits::default()).unwrap_err();
        assert!(e.message.contains("重复"), "{}", e.message);
        assert_eq!(e.pos.line, 2);
    }

    #[test]
    fn aliases_are_limited_by_the_size_they_expand_to() {
        // 30 aliases of a 200 KB scalar: few nodes, few aliases, 6 MB.
        let big = "x".repeat(200_000);
        let mut s = format!("a: &a \"{big}\"\nb: [");
        s.push_str(&vec!["*a"; 30].join(", "));
        s.push_str("]\n");
        let e = parse(&s, Limits::default()).unwrap_err();
        assert!(e.message.contains("展开"), "{}", e.message);
        let roomy = Limits {
            max_expanded_bytes: 8 << 20,
            ..Limits::default()
        };
        assert!(parse(&s, roomy).is_ok());
        // The budget is the next parse's own.
        assert!(parse("a: 1\n", Limits::default()).is_ok());
    }

    #[test]
    fn billion_laughs_is_refused() {
        let mut s = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..12 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("l{}", i - 1)
            };
            s.push_str(&format!(
                "l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        let e = parse(&s, Limits::default()).unwrap_err();
        assert!(
            e.message.contains("限制") || e.message.contains("YAML"),
            "{}",
            e.message
        );
    }
}
