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
