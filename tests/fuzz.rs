//! Property-based fuzzing of the loader, the validator and the Markdown
//! renderer: whatever the input, no panic, no hang, and nothing live gets
//! through. `bash bench/fuzz.sh` runs the same properties for longer
//! (PROPTEST_CASES); every input it ever finds failing becomes a named
//! regression test below.

use gongshi::content::decode::Ctx;
use gongshi::content::kinds;
use gongshi::content::model::Kind;
use gongshi::content::yaml::{Limits, parse};
use gongshi::diag::Diagnostics;
use gongshi::render::markdown::render;
use proptest::prelude::*;

/// Parse and decode `text` as a record of every kind; must not panic.
fn load_all_kinds(text: &str) -> usize {
    let Ok(node) = parse(text, Limits::default()) else {
        return 1;
    };
    let sectors = vec!["特种设备".to_string()];
    let mut n = 0;
    for kind in Kind::ALL.into_iter().filter(|k| *k != Kind::Pages) {
        let mut diags = Diagnostics::default();
        let mut ctx = Ctx::new("content/x/r.yaml", &mut diags);
        let r = kinds::decode(&mut ctx, kind, "r", &node, &sectors, false);
        n += usize::from(r.is_some()) + diags.sorted().len();
    }
    n
}

const KEYS: &[&str] = &[
    "发布日期",
    "状态",
    "撤回",
    "更正",
    "标题",
    "关键词",
    "当事人",
    "名称",
    "统一社会信用代码",
    "类型",
    "处理结果",
    "措施",
    "罚款金额",
    "决定日期",
    "整改时限",
    "挂牌日期",
    "销号",
    "举报人",
    "办理结果",
    "移出",
    "日期",
    "原因",
    "地区",
    "关联",
];

/// YAML-shaped text made of the format's own keys and tricky scalars.
fn yamlish() -> impl Strategy<Value = String> {
    let scalar = prop_oneof![
        Just("2022-02-30".to_string()),
        Just("2022-01-20".to_string()),
        Just("-1".to_string()),
        Just("1e309".to_string()),
        Just("~".to_string()),
        Just("[]".to_string()),
        Just("{}".to_string()),
        Just("*a".to_string()),
        Just("&a x".to_string()),
        Just("\"\\u0000\"".to_string()),
        Just("91350100M000100Y43".to_string()),
        Just("cases/../../etc".to_string()),
        "[\\PC]{0,12}",
    ];
    let line = (
        0usize..4,
        proptest::sample::select(KEYS),
        scalar,
        any::<bool>(),
    )
        .prop_map(|(indent, k, v, dash)| {
            format!(
                "{}{}{k}: {v}\n",
                "  ".repeat(indent),
                if dash { "- " } else { "" }
            )
        });
    proptest::collection::vec(line, 0..30).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn loader_never_panics_on_arbitrary_text(s in "\\PC{0,400}") {
        load_all_kinds(&s);
    }

    #[test]
    fn loader_never_panics_on_yaml_shaped_records(s in yamlish()) {
        load_all_kinds(&s);
    }

    #[test]
    fn markdown_never_lets_html_or_scripts_through(s in "(\\PC|<|>|\\[|\\]|\\(|\\)|:|!|`|\\n){0,300}") {
        let html = render(&s, 3);
        let lower = html.to_lowercase();
        prop_assert!(!lower.contains("<script"));
        prop_assert!(!lower.contains("href=\"javascript:"));
        prop_assert!(!lower.contains("src=\"javascript:"));
        prop_assert!(!lower.contains("<iframe"));
    }

    #[test]
    fn markdown_links_to_live_code_are_dropped(scheme in "(?i)(javascript|vbscript|data|JaVaScRiPt)", body in "[a-z()0-9]{0,10}") {
        let html = render(&format!("[x]({scheme}:{body}) ![y]({scheme}:{body})"), 3);
        // Text may mention the scheme; no link or image may point to it.
        let lower = html.to_lowercase();
        let scheme = scheme.to_lowercase();
        prop_assert!(!lower.contains(&format!("href=\"{}:", scheme)), "{}", html);
        prop_assert!(!lower.contains(&format!("src=\"{}:", scheme)), "{}", html);
    }
}

/// Regression (found by the fuzzer as a too-strict property): an unbalanced
/// link stays text, and text may name a scheme without linking to it.
#[test]
fn regression_unbalanced_javascript_link_stays_text() {
    let html = render("[x](JaVAsCRIPT:( ![y](JaVAsCRIPT:(", 3);
    assert!(!html.to_lowercase().contains("href="), "{html}");
}

/// Regression: a document that is only an alias to nothing.
#[test]
fn regression_lone_alias_is_a_syntax_error_not_a_panic() {
    assert!(parse("*a\n", Limits::default()).is_err());
}

/// Regression: a key that is itself a mapping.
#[test]
fn regression_mapping_as_key_is_reported() {
    assert!(load_all_kinds("? {a: b}\n: c\n") > 0);
}
