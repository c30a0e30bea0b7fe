//! Private data never reaches the public: by construction (whistleblower
//! fields never enter a template, index or export) and by the scan of every
//! output byte before the site is swapped in.

mod common;
use common::{Site, snapshot};

const MARKERS: [&str; 4] = [
    "标记姓名乙丙丁",
    "MARKER-PHONE-0412-77",
    "MARKER-ADDRESS-道路88号",
    "MARKER-CONTENT-原始举报内容",
];

fn whistleblower_site() -> Site {
    let site = Site::new("base");
    site.write(
        "content/clues/wb.yaml",
        &format!(
            "发布日期: 2022-02-01\n举报日期: 2022-01-30\n举报来源: 来信\n举报人:\n  姓名: {}\n  电话: {}\n  地址: {}\n举报内容: {}，请保护举报人。\n问题摘要: 反映某企业重大事故隐患。\n举报类型: 重大事故隐患\n属地: 西河镇\n",
            MARKERS[0], MARKERS[1], MARKERS[2], MARKERS[3]
        ),
    );
    site
}

fn assert_no_marker(dir: &std::path::Path) {
    let files = snapshot(dir);
    assert!(files.len() > 20);
    for (path, bytes) in files {
        let text = String::from_utf8_lossy(&bytes);
        for m in MARKERS {
            assert!(!text.contains(m), "{m} leaked into {path}");
        }
    }
}

#[test]
fn whistleblower_fields_reach_no_output_byte() {
    let site = whistleblower_site();
    site.build("2022-02-15");
    assert!(
        site.read("public/clues/wb.html")
            .contains("反映某企业重大事故隐患")
    );
    assert_no_marker(&site.path().join("public"));
    // also in preview mode
    let out = site.run(&[
        "build",
        "--date",
        "2022-02-15",
        "--drafts",
        "--out",
        "preview",
    ]);
    assert!(out.status.success());
    assert_no_marker(&site.path().join("preview"));
}

#[test]
fn a_template_that_dumps_its_whole_context_still_has_no_private_field() {
    let site = whistleblower_site();
    site.write("templates/clues.html", "<!DOCTYPE html><html lang=\"zh-CN\"><title>x</title><pre>{{ r | tojson }}</pre><pre>{{ r.d | tojson }}</pre></html>\n");
    site.build("2022-02-15");
    let page = site.read("public/clues/wb.html");
    assert!(
        page.contains("反映某企业重大事故隐患"),
        "the override was used: {page}"
    );
    assert_no_marker(&site.path().join("public"));
}

#[test]
fn a_private_value_copied_into_a_public_field_fails_the_build() {
    let site = whistleblower_site();
    site.build("2022-02-15");
    let before = snapshot(&site.path().join("public"));
    // staff paste the whistleblower's name into the published summary
    let text = site.read("content/clues/wb.yaml").replace(
        "反映某企业重大事故隐患",
        &format!("{}反映某企业重大事故隐患", MARKERS[0]),
    );
    site.write("content/clues/wb.yaml", &text);
    let out = site.run(&["build", "--date", "2022-02-16"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("content/clues/wb.yaml:"), "{err}");
    assert!(
        err.contains("举报人.姓名"),
        "names the private field: {err}"
    );
    assert_eq!(
        before,
        snapshot(&site.path().join("public")),
        "previous output untouched"
    );
}

#[test]
fn identity_numbers_phones_and_bank_cards_in_public_fields_fail_check_and_build() {
    for (value, what) in [
        ("11010519491231002X", "公民身份号码"),
        ("138 1234 5678", "手机号码"),
        ("+86-138-1234-5678", "手机号码"),
        ("6222 0202 0011 2233 446", "银行卡号"),
    ] {
        let site = Site::new("base");
        let text = site.read("content/actions/ta-2022-001.yaml").replace(
            "原因: 充装超期未检气瓶。",
            &format!("原因: 充装超期未检气瓶，当事人联系方式 {value}。"),
        );
        site.write("content/actions/ta-2022-001.yaml", &text);
        let (code, diags) = site.check_json("2022-02-15");
        assert_eq!(code, 1, "{value}");
        let d = diags
            .iter()
            .find(|d| d["message"].as_str().unwrap_or("").contains(what))
            .unwrap_or_else(|| panic!("{value}: {diags:#?}"));
        assert_eq!(d["path"], "content/actions/ta-2022-001.yaml");
        assert_eq!(d["field"], "原因");
        assert_eq!(d["line"], 12);
        let out = site.run(&["build", "--date", "2022-02-15"]);
        assert_eq!(out.status.code(), Some(1), "{value}");
        assert!(!site.exists("public"), "nothing written for {value}");
    }
}

#[test]
fn ordinary_numbers_do_not_trip_the_scanner() {
    let site = Site::new("base");
    // an 18-digit document number with a wrong id check digit, a landline, dates, a credit code
    let text = site.read("content/actions/ta-2022-001.yaml").replace(
        "原因: 充装超期未检气瓶。",
        "原因: 充装超期未检气瓶（编号 110105194912310021，电话 0412-1234567，2022-01-12，代码 91350100M000100Y43）。",
    );
    site.write("content/actions/ta-2022-001.yaml", &text);
    let (code, diags) = site.check_json("2022-02-15");
    assert_eq!(code, 0, "{diags:#?}");
}

#[test]
fn a_natural_persons_landline_is_private_a_companys_is_not() {
    let site = Site::new("base");
    // a company's switchboard may be published
    let text = site.read("content/actions/ta-2022-001.yaml").replace(
        "原因: 充装超期未检气瓶。",
        "原因: 充装超期未检气瓶（公司总机 0412-7654321）。",
    );
    site.write("content/actions/ta-2022-001.yaml", &text);
    let (code, diags) = site.check_json("2022-02-15");
    assert_eq!(code, 0, "{diags:#?}");
    // a natural person's home phone may not
    site.write(
        "content/actions/person.yaml",
        "发布日期: 2022-02-10\n措施类型: 关闭取缔\n当事人: {名称: 王建国, 类型: 自然人}\n决定日期: 2022-02-09\n决定机关: 测试市应急管理局\n原因: 在家中（电话 0412-1234567）非法倒装液化石油气。\n",
    );
    let (code, diags) = site.check_json("2022-02-15");
    assert_eq!(code, 1);
    let d = diags
        .iter()
        .find(|d| d["path"] == "content/actions/person.yaml")
        .expect("a diagnostic on the record");
    assert_eq!(d["field"], "原因");
    assert!(d["message"].as_str().unwrap().contains("固定电话"), "{d}");
    assert_eq!(
        site.run(&["build", "--date", "2022-02-15"]).status.code(),
        Some(1)
    );
}

/// The diagnostics of `check --format json` that are errors.
fn errors(site: &Site, date: &str) -> (i32, Vec<serde_json::Value>) {
    let (code, diags) = site.check_json(date);
    let errors = diags
        .into_iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    (code, errors)
}

#[test]
fn placeholders_are_nobodys_secret() {
    let site = Site::new("base");
    site.write(
        "content/clues/anon.yaml",
        "发布日期: 2022-02-01\n举报日期: 2022-01-30\n举报来源: 网络\n举报人: {姓名: 匿名, 电话: 无, 地址: 不详}\n举报内容: 某处有非法充装行为，请查处。\n问题摘要: 反映非法充装行为。\n举报类型: 其他\n属地: 西河镇\n",
    );
    site.write(
        "content/pages/report.md",
        "---\n标题: 如何举报\n发布日期: 2022-01-01\n---\n本平台支持匿名举报，无需留下姓名；地址不详的也可受理。\n",
    );
    let (code, errs) = errors(&site, "2022-02-15");
    assert_eq!(code, 0, "{errs:#?}");
    site.build("2022-02-15");
    assert!(
        site.read("public/pages/report.html")
            .contains("支持匿名举报")
    );
}

#[test]
fn a_whistleblowers_landline_is_found_with_or_without_its_separator() {
    for written in [
        "04127654321",
        "0412 765 4321",
        "（0412）7654321",
        "０４１２－７６５４３２１",
        "+86 412 7654321",
        "0086-412-7654321",
        "0412/7654321",
    ] {
        let site = Site::new("base");
        let text = site
            .read("content/clues/tx-2022-001.yaml")
            .replace("电话: \"13800000000\"", "电话: 0412-7654321");
        site.write("content/clues/tx-2022-001.yaml", &text);
        let text = site.read("content/cases/tc-2022-001.yaml").replace(
            "要旨: 充装单位应当",
            &format!("要旨: 咨询电话 {written}。充装单位应当"),
        );
        site.write("content/cases/tc-2022-001.yaml", &text);
        let (code, errs) = errors(&site, "2022-02-15");
        assert_eq!(code, 1, "{written}");
        let d = &errs[0];
        assert_eq!(d["path"], "content/cases/tc-2022-001.yaml", "{written}");
        // The number itself: after the bracket or the plus sign where
        // there is one.
        let col = if written.starts_with(['（', '+']) {
            11
        } else {
            10
        };
        assert_eq!(
            (d["line"].as_u64(), d["column"].as_u64()),
            (Some(7), Some(col)),
            "{written}: {d}"
        );
        assert!(
            d["message"].as_str().unwrap().contains("举报人.电话"),
            "{d}"
        );
    }
}

#[test]
fn a_sentence_of_the_raw_report_in_another_record_is_found() {
    let site = Site::new("base");
    // The clue's report: 有人在居民楼下非法倒装液化气，非常危险，请尽快查处。
    let text = site.read("content/cases/tc-2022-001.yaml").replace(
        "基本案情: |\n",
        "基本案情: |\n  群众反映：有人在居民楼下非法倒装液化气，\n  非常危险，请尽快查处。\n",
    );
    site.write("content/cases/tc-2022-001.yaml", &text);
    let (code, errs) = errors(&site, "2022-02-15");
    assert_eq!(code, 1);
    let d = &errs[0];
    assert_eq!(d["location"], "content/cases/tc-2022-001.yaml:14:8", "{d}");
    assert_eq!(d["field"], "基本案情", "{d}");
}

#[test]
fn a_draft_or_scheduled_record_is_checked_today() {
    for extra in [
        "状态: 草稿\n",
        "",
        "状态: 已撤回\n撤回: {日期: 2022-02-10, 原因: 撤销。}\n",
    ] {
        let site = Site::new("base");
        let published = if extra.is_empty() {
            "2023-01-01"
        } else {
            "2022-02-10"
        };
        site.write(
            "content/actions/later.yaml",
            &format!("发布日期: {published}\n{extra}措施类型: 责令限期整改\n当事人: {{名称: 测试燃气有限公司, 统一社会信用代码: 91210381MA0TAX0017}}\n决定日期: 2022-02-09\n决定机关: 测试市市场监督管理局\n原因: 联系人 11010519491231002X。\n"),
        );
        let (code, errs) = errors(&site, "2022-02-15");
        assert_eq!(code, 1, "{extra:?}");
        assert!(errs.iter().any(|d| {
            d["location"]
                .as_str()
                .unwrap()
                .starts_with("content/actions/later.yaml:")
        }));
        let out = site.run(&["build", "--date", "2022-02-15"]);
        assert_eq!(out.status.code(), Some(1), "{extra:?}");
    }
}

#[test]
fn check_fails_exactly_when_build_does() {
    // Content that every stage accepts but a template puts together: the
    // template's text and a field's text make a mobile number only in
    // the output.
    let site = Site::new("base");
    site.write(
        "templates/actions.html",
        "{% extends \"record.html\" %}{% block record %}<p>电话 138{{ r.d.原因 }}</p>{% endblock %}",
    );
    let text = site
        .read("content/actions/ta-2022-001.yaml")
        .replace("原因: 充装超期未检气瓶。", "原因: \"12345678\"");
    site.write("content/actions/ta-2022-001.yaml", &text);
    let (code, errs) = errors(&site, "2022-02-15");
    assert_eq!(code, 1, "{errs:#?}");
    let out = site.run(&["build", "--date", "2022-02-15"]);
    assert_eq!(out.status.code(), Some(1), "check and build agree");
    let d = &errs[0];
    assert_eq!(
        d["path"], "content/actions/ta-2022-001.yaml",
        "named at the record: {d}"
    );
    assert!(d["found"].as_str().unwrap().contains("13812345678"), "{d}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains(".tmp-") && !err.contains("public/"), "{err}");
    // And without the composing template both build.
    site.remove("templates/actions.html");
    assert_eq!(errors(&site, "2022-02-15").0, 0);
    site.build("2022-02-15");
}

#[test]
fn a_build_with_content_errors_also_reports_its_privacy_findings() {
    let site = Site::new("base");
    let text = site.read("content/actions/ta-2022-001.yaml").replace(
        "原因: 充装超期未检气瓶。",
        "原因: 电话 13812345678。\n标提: 错字",
    );
    site.write("content/actions/ta-2022-001.yaml", &text);
    let (code, errs) = errors(&site, "2022-02-15");
    assert_eq!(code, 1);
    let fields: Vec<&str> = errs.iter().map(|d| d["field"].as_str().unwrap()).collect();
    assert!(
        fields.contains(&"原因") && fields.contains(&"标提"),
        "{errs:#?}"
    );
}

/// One 18-digit bank card number in about thirty passes the check of a
/// 统一社会信用代码 as well: such a number is a card wherever it is written,
/// except as the code of a party of the site, which the site publishes
/// (its page, its records, the open data and the search index).
#[test]
fn a_card_number_that_also_passes_as_a_credit_code_is_a_card() {
    // Luhn and GB 32100 both pass, for each of these.
    let card = "620448111473943686";
    let code = "912103811000000184";
    let site = Site::new("base");
    let text = site.read("content/actions/ta-2022-001.yaml").replace(
        "原因: 充装超期未检气瓶。",
        &format!("原因: 充装超期未检气瓶，扣款账户 {card}。"),
    );
    site.write("content/actions/ta-2022-001.yaml", &text);
    let (code_, errs) = errors(&site, "2022-02-15");
    assert_eq!(code_, 1, "{errs:#?}");
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert_eq!(errs[0]["field"], "原因");
    assert!(errs[0]["message"].as_str().unwrap().contains("银行卡号"));
    // An organisation whose code is all digits: its records, its page,
    // the open data and a mention of it in its own record publish.
    let site = Site::new("base");
    for rel in [
        "content/actions/ta-2022-001.yaml",
        "content/cases/tc-2022-001.yaml",
    ] {
        let text = site.read(rel).replace("91210381MA0TAX0017", code);
        site.write(rel, &text);
    }
    let text = site.read("content/actions/ta-2022-001.yaml").replace(
        "原因: 充装超期未检气瓶。",
        &format!("原因: 充装超期未检气瓶（统一社会信用代码 {code}）。"),
    );
    site.write("content/actions/ta-2022-001.yaml", &text);
    let (code_, errs) = errors(&site, "2022-02-15");
    assert_eq!(code_, 0, "{errs:#?}");
    site.build("2022-02-15");
    assert!(
        site.read(&format!("public/parties/{code}.html"))
            .contains(code)
    );
    assert!(site.read("public/data/actions.json").contains(code));
    // The same digits in a record about another party are a card there.
    let text = site.read("content/hazards/th-2022-001.yaml").replace(
        "重大隐患内容: 液氨储罐安全阀超期未校验。",
        &format!("重大隐患内容: 液氨储罐安全阀超期未校验（账户 {code}）。"),
    );
    site.write("content/hazards/th-2022-001.yaml", &text);
    let (code_, errs) = errors(&site, "2022-02-15");
    assert_eq!(code_, 1, "{errs:#?}");
    assert_eq!(errs[0]["path"], "content/hazards/th-2022-001.yaml");
    // A code that passes its check but is not built as codes are (no
    // province 78): its sixteen leading digits pass Luhn. As a party's
    // code it publishes; glued to a card number it would be one.
    let glued = "9178625413167884PF";
    let text = site
        .read("content/hazards/th-2022-001.yaml")
        .replace(&format!("（账户 {code}）"), &format!("（代码 {glued}）"))
        .replace("91210381MA0TAX002A", glued);
    site.write("content/hazards/th-2022-001.yaml", &text);
    let (code_, errs) = errors(&site, "2022-02-15");
    assert_eq!(code_, 0, "{errs:#?}");
    site.build("2022-02-15");
    assert!(
        site.read(&format!("public/parties/{glued}.html"))
            .contains(glued)
    );
    let text = site.read("content/cases/tc-2022-001.yaml").replace(
        "要旨: 充装单位",
        &format!("要旨: 另查明账户 {}。充装单位", &glued[..16]),
    );
    site.write("content/cases/tc-2022-001.yaml", &text);
    let (code_, errs) = errors(&site, "2022-02-15");
    assert_eq!(code_, 1, "{errs:#?}");
    assert_eq!(errs[0]["path"], "content/cases/tc-2022-001.yaml");
}

#[test]
fn an_exception_stays_in_the_record_that_declares_it() {
    let cylinder = "13912345678";
    let site = Site::new("base");
    let text = site.read("content/actions/ta-2022-001.yaml").replace(
        "原因: 充装超期未检气瓶。",
        &format!("原因: 充装钢印号为 {cylinder} 的超期未检气瓶。\n隐私例外: [{{内容: \"{cylinder}\", 说明: 气瓶钢印号，经审核}}]"),
    );
    site.write("content/actions/ta-2022-001.yaml", &text);
    let (code, errs) = errors(&site, "2022-02-15");
    assert_eq!(code, 0, "its own field: {errs:#?}");
    site.build("2022-02-15");
    assert!(
        site.read("public/actions/ta-2022-001.html")
            .contains(cylinder)
    );
    assert!(site.read("public/data/actions.json").contains(cylinder));
    // Another record with the same number, without an exception, fails.
    let other = site.read("content/cases/tc-2022-001.yaml").replace(
        "要旨: 充装单位",
        &format!("要旨: 钢印号 {cylinder}。充装单位"),
    );
    site.write("content/cases/tc-2022-001.yaml", &other);
    let (code, errs) = errors(&site, "2022-02-15");
    assert_eq!(code, 1);
    assert_eq!(errs[0]["path"], "content/cases/tc-2022-001.yaml");
    // So does a template, and a draft's exception accepts nothing.
    let site = Site::new("base");
    site.write(
        "content/cases/draft.yaml",
        &site.read("content/cases/tc-2022-001.yaml").replace(
            "要旨: 充装单位",
            &format!("状态: 草稿\n隐私例外: [{{内容: \"{cylinder}\", 说明: 审核}}]\n要旨: 钢印号 {cylinder}。充装单位"),
        ),
    );
    let (code, errs) = errors(&site, "2022-02-15");
    assert_eq!(code, 1, "a draft's exceptions apply to nothing");
    assert_eq!(errs[0]["path"], "content/cases/draft.yaml");
    let site = Site::new("base");
    let text = site.read("content/actions/ta-2022-001.yaml").replace(
        "原因: 充装超期未检气瓶。",
        &format!("原因: 充装超期未检气瓶。\n隐私例外: [{{内容: \"{cylinder}\", 说明: 审核}}]"),
    );
    site.write("content/actions/ta-2022-001.yaml", &text);
    site.write(
        "templates/404.html",
        &format!(
            "{{% extends \"base.html\" %}}{{% block main %}}<p>电话 {cylinder}</p>{{% endblock %}}"
        ),
    );
    let (code, errs) = errors(&site, "2022-02-15");
    assert_eq!(code, 1);
    assert_eq!(errs[0]["location"], "templates/404.html:1:48", "{errs:#?}");
}

#[test]
fn templates_that_dump_their_whole_context_on_every_page_publish_nothing_private() {
    let site = whistleblower_site();
    // A natural person, and officials' names masked.
    site.write(
        "content/actions/person.yaml",
        "发布日期: 2022-02-10\n措施类型: 关闭取缔\n当事人: {名称: 欧阳标记某, 类型: 自然人}\n决定日期: 2022-02-09\n决定机关: 测试市应急管理局\n原因: 非法倒装液化石油气。\n",
    );
    let cfg = site.read("content/site.yaml") + "隐私: {自然人姓名: 脱敏, 问责人员姓名: 脱敏}\n";
    site.write("content/site.yaml", &cfg);
    let official = site.read("content/accountability/tq-2022-001.yaml");
    let name = official
        .lines()
        .find_map(|l| l.strip_prefix("姓名: "))
        .expect("an official's name")
        .to_string();
    let builtin = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    for e in std::fs::read_dir(&builtin).unwrap() {
        let file = e.unwrap().file_name().to_string_lossy().to_string();
        if ["base.html", "macros.html", "header.html", "footer.html"].contains(&file.as_str()) {
            continue;
        }
        site.write(
            &format!("templates/{file}"),
            "<!DOCTYPE html><html lang=\"zh-CN\"><title>x</title><pre>{{ debug() }}</pre></html>\n",
        );
    }
    site.build("2022-02-15");
    let out = snapshot(&site.path().join("public"));
    assert!(
        out.iter().any(|(p, b)| p.ends_with("actions/person.html")
            && String::from_utf8_lossy(b).contains("欧阳某")),
        "the overrides were used"
    );
    for (path, bytes) in out {
        let text = String::from_utf8_lossy(&bytes);
        for m in MARKERS.iter().chain([&"欧阳标记某", &name.as_str()]) {
            assert!(!text.contains(m), "{m} leaked into {path}");
        }
    }
}

#[test]
fn the_server_side_search_documents_are_scanned_as_values() {
    // Two fields, each harmless, that the search document joins: only the
    // server-side index would hold the number.
    let site = Site::new("base");
    let text = site.read("content/actions/ta-2022-001.yaml").replace(
        "原因: 充装超期未检气瓶。",
        "原因: 充装超期未检气瓶。\n依据: 《特种设备安全法》第 138\n处罚内容: 12345678 号文件所列处罚",
    );
    site.write("content/actions/ta-2022-001.yaml", &text);
    let out = site.run(&["build", "--date", "2022-02-15"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("content/actions/ta-2022-001.yaml:"), "{err}");
    assert!(err.contains("服务端搜索索引"), "{err}");
    assert_eq!(site.check_json("2022-02-15").0, 1, "check agrees");
}

/// The search documents found clean for the previous output are not
/// scanned again while the scan looks for the same things: a document that
/// changed is, and what it puts together is found.
#[test]
fn a_changed_search_document_is_scanned_after_a_clean_build() {
    let site = Site::new("base");
    let build = || site.run(&["build", "--date", "2022-02-15"]);
    assert!(build().status.success());
    assert!(build().status.success(), "the documents found clean");
    let joined = site.read("content/actions/ta-2022-001.yaml").replace(
        "原因: 充装超期未检气瓶。",
        "原因: 充装超期未检气瓶。\n依据: 《特种设备安全法》第 138\n处罚内容: 12345678 号文件所列处罚",
    );
    site.write("content/actions/ta-2022-001.yaml", &joined);
    let out = build();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("服务端搜索索引"), "{err}");
}

#[test]
fn a_number_in_a_file_name_is_found_too() {
    let site = Site::new("base");
    let text = site.read("content/actions/ta-2022-001.yaml");
    site.write(
        "content/actions/tel-13812345678.yaml",
        &text.replace("1号", "2号"),
    );
    let (code, errs) = errors(&site, "2022-02-15");
    assert_eq!(code, 1);
    assert_eq!(
        errs[0]["location"], "content/actions/tel-13812345678.yaml:1:1",
        "{errs:#?}"
    );
    assert_eq!(errs.len(), 1, "once: {errs:#?}");
}

#[test]
fn a_whistleblowers_name_in_site_yaml_is_found_there() {
    let site = whistleblower_site();
    let cfg = site.read("content/site.yaml").replace(
        "机构: 测试市市场监督管理局",
        &format!("机构: 测试市市场监督管理局（联系人 {}）", MARKERS[0]),
    );
    site.write("content/site.yaml", &cfg);
    let (code, errs) = errors(&site, "2022-02-15");
    assert_eq!(code, 1);
    assert_eq!(errs[0]["location"], "content/site.yaml:2:20", "{errs:#?}");
}

#[test]
fn a_rebuild_scans_again_whenever_what_is_looked_for_changes() {
    // Files the previous output holds byte for byte are not scanned
    // again only while the scan's stamp in the marker is the same.
    let site = Site::new("base");
    site.build("2022-02-15");
    let stamp = || {
        site.read("public/.gongshi-output")
            .lines()
            .find(|l| l.starts_with("scan: "))
            .expect("the marker names what was scanned for")
            .to_string()
    };
    let first = stamp();
    site.build("2022-02-15");
    assert_eq!(first, stamp(), "same content, same stamp");
    let text = site
        .read("content/clues/tx-2022-001.yaml")
        .replace("姓名: 赵举报", "姓名: 钱举报");
    site.write("content/clues/tx-2022-001.yaml", &text);
    site.build("2022-02-15");
    assert_ne!(first, stamp(), "another private value, another stamp");
}

#[test]
fn a_number_parted_by_markdown_link_syntax_is_found_where_it_is_written() {
    let site = Site::new("base");
    let text = site.read("content/cases/tc-2022-001.yaml").replace(
        "要旨: 充装单位应当",
        "要旨: 电话 [138](https://example.gov.cn/)12345678。充装单位应当",
    );
    site.write("content/cases/tc-2022-001.yaml", &text);
    site.write(
        "content/pages/contact.md",
        "---\n标题: 联系我们\n发布日期: 2022-01-01\n---\n办公室设在二楼。\n\n值班 [139](tel:10000)8765 4321，全天。\n",
    );
    let (code, errs) = errors(&site, "2022-02-15");
    assert_eq!(code, 1, "{errs:#?}");
    let at = |path: &str| {
        errs.iter()
            .find(|d| d["path"] == path)
            .map(|d| (d["line"].as_u64(), d["field"].as_str().map(str::to_string)))
    };
    assert_eq!(
        at("content/cases/tc-2022-001.yaml"),
        Some((Some(7), Some("要旨".to_string()))),
        "{errs:#?}"
    );
    assert_eq!(
        at("content/pages/contact.md"),
        Some((Some(7), Some("正文".to_string()))),
        "{errs:#?}"
    );
    let contact = errs
        .iter()
        .find(|d| d["path"] == "content/pages/contact.md")
        .unwrap();
    // The page's body maps back to the file: the column of the 139.
    assert_eq!(contact["column"].as_u64(), Some(5), "{contact}");
}

/// A whistleblower's value with a note, or two values in one field, is
/// the whistleblower's in each of its parts: the name without its note,
/// each number, the address by its house.
#[test]
fn each_part_of_a_whistleblowers_value_is_private() {
    for (field, stored, written) in [
        (
            "姓名: 赵举报",
            "姓名: 赵举报（退休职工）",
            "举报人赵举报反映",
        ),
        (
            "电话: \"13800000000\"",
            "电话: \"0412-5556677、13800001111\"",
            "回访电话13800001111",
        ),
        (
            "电话: \"13800000000\"",
            "电话: \"0412-5556677（白天）\"",
            "回访电话0412-5556677",
        ),
        (
            "电话: \"13800000000\"",
            "电话: \"0412-5556677转8001\"",
            "回访电话5556677",
        ),
        (
            "地址: 测试市城关镇幸福路1号",
            "地址: 测试市城关镇幸福路12号3单元401室（小区北门）",
            "反映幸福路12号3单元楼下",
        ),
    ] {
        let site = Site::new("base");
        let clue = site
            .read("content/clues/tx-2022-001.yaml")
            .replace(field, stored);
        assert!(clue.contains(stored), "{stored}");
        site.write("content/clues/tx-2022-001.yaml", &clue);
        let text = site.read("content/cases/tc-2022-001.yaml").replace(
            "要旨: 充装单位应当",
            &format!("要旨: {written}。充装单位应当"),
        );
        site.write("content/cases/tc-2022-001.yaml", &text);
        let (code, errs) = errors(&site, "2022-02-15");
        assert_eq!(code, 1, "{stored} / {written}: {errs:#?}");
        assert_eq!(
            errs[0]["path"], "content/cases/tc-2022-001.yaml",
            "{written}"
        );
    }
}

/// About one resident identity number in 31 passes the credit code's
/// check: written as a party's code it is an error, and no longer exempt
/// from the scan anywhere in its record.
#[test]
fn an_identity_number_written_as_a_credit_code_is_an_error() {
    let site = Site::new("base");
    let id = "210381198503170109";
    let text = site
        .read("content/actions/ta-2022-001.yaml")
        .replace("91210381MA0TAX0017", id);
    site.write("content/actions/ta-2022-001.yaml", &text);
    let (code, errs) = errors(&site, "2022-02-15");
    assert_eq!(code, 1);
    assert!(
        errs.iter().any(|d| d["field"] == "当事人.统一社会信用代码"
            && d["message"].as_str().unwrap().contains("身份证")),
        "{errs:#?}"
    );
}

/// A theme's attachment of a kind not known to the scan is read if it is
/// text; and a number parted by runs of spaces, by percent-encoding or by
/// a braille blank is still a number.
#[test]
fn attachments_and_odd_separators_are_read() {
    let site = Site::new("base");
    site.write("theme/files/登记表.tsv", "姓名\t电话\n某\t13912345678\n");
    let (code, errs) = errors(&site, "2022-02-15");
    assert_eq!(code, 1, "{errs:#?}");
    assert!(
        errs.iter()
            .any(|d| d["path"] == "theme/files/登记表.tsv" && d["line"] == 2),
        "{errs:#?}"
    );
    site.remove("theme/files/登记表.tsv");
    for written in [
        format!("139{}1234{}5678", " ".repeat(13), " ".repeat(13)),
        "[回访](tel:%31%33%39%31%32%33%34%35%36%37%38)".to_string(),
        "139\u{2800}1234\u{2800}5678".to_string(),
    ] {
        // Written in 基本案情 (Markdown).
        let text = site.read("content/cases/tc-2022-001.yaml").replace(
            "  2022年1月10日",
            &format!("  电话 {written}。2022年1月10日"),
        );
        site.write("content/cases/tc-2022-001.yaml", &text);
        let (code, errs) = errors(&site, "2022-02-15");
        assert_eq!(code, 1, "{written:?}: {errs:#?}");
        assert_eq!(
            errs[0]["path"], "content/cases/tc-2022-001.yaml",
            "{written:?}"
        );
        let original = site
            .read("content/cases/tc-2022-001.yaml")
            .replace(&format!("  电话 {written}。"), "  ");
        site.write("content/cases/tc-2022-001.yaml", &original);
    }
}

/// A number one record's 隐私例外 accept, put together on another
/// record's page from two of its fields, is still found there: the
/// exception holds on its own record's page, not on every page.
#[test]
fn an_exception_does_not_hold_on_another_records_page() {
    let site = Site::new("base");
    let text = site.read("content/actions/ta-2022-001.yaml").replace(
        "原因: 充装超期未检气瓶。",
        "原因: 充装钢印号为 13812345678 的超期未检气瓶。\n隐私例外: [{内容: \"13812345678\", 说明: 气瓶钢印号，经审核}]",
    );
    site.write("content/actions/ta-2022-001.yaml", &text);
    assert!(site.build("2022-02-15").status.success());
    // The clue's page shows 2022-01-13 and then 812345678: a reader reads
    // 13 812345678, the number.
    let clue = site.read("content/clues/tx-2022-001.yaml");
    site.write(
        "content/clues/tx-2022-001.yaml",
        &format!("{clue}进展: [{{日期: 2022-01-13, 说明: \"812345678号整改通知书已送达\"}}]\n"),
    );
    let o = site.run(&["build", "--date", "2022-02-15"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("content/clues/tx-2022-001.yaml"), "{err}");
}

/// A record not public yet (scheduled, or a draft) whose page would put a
/// personal number together from its fields is an error today, not on the
/// day it would go public.
#[test]
fn a_number_an_unpublished_records_page_would_show_is_an_error_today() {
    for status in ["", "状态: 草稿\n"] {
        let site = Site::new("base");
        site.write(
            "content/accountability/later.yaml",
            &format!(
                "{status}发布日期: 2022-03-20\n姓名: 赵六\n单位: 城关镇第138\n职务: 12345678号岗站长\n情形: 诫勉谈话\n事由: 督办不力。\n决定日期: 2022-03-18\n"
            ),
        );
        let (code, errs) = errors(&site, "2022-03-10");
        assert_eq!(code, 1, "{status:?}: {errs:#?}");
        assert!(
            errs.iter()
                .any(|d| d["path"] == "content/accountability/later.yaml"),
            "{status:?}: {errs:#?}"
        );
        // The public build of that day fails too, and writes nothing.
        let o = site.run(&["build", "--date", "2022-03-10"]);
        assert_eq!(o.status.code(), Some(1), "{status:?}");
    }
}
