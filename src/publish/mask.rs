//! Masking of natural persons: surname + 某.

use crate::content::model::Party;
use crate::content::site::Site;

/// Compound surnames, which keep both characters: 欧阳某某.
const COMPOUND: &[&str] = &[
    "欧阳", "太史", "端木", "上官", "司马", "东方", "独孤", "南宫", "万俟", "闻人", "夏侯", "诸葛",
    "尉迟", "公羊", "赫连", "澹台", "皇甫", "宗政", "濮阳", "公冶", "太叔", "申屠", "公孙", "慕容",
    "仲孙", "钟离", "长孙", "宇文", "司徒", "鲜于", "司空", "闾丘", "子车", "亓官", "司寇", "巫马",
    "公西", "颛孙", "壤驷", "公良", "漆雕", "乐正", "宰父", "谷梁", "拓跋", "夹谷", "轩辕", "令狐",
    "段干", "百里", "呼延", "东郭", "南门", "羊舌", "微生", "公户", "公玉", "公仪", "梁丘", "公仲",
    "公上", "公门", "公山", "公坚", "左丘", "公伯", "西门", "公祖", "第五", "公乘", "贯丘", "公皙",
    "南荣", "东里", "东宫", "仲长", "子书", "子桑", "即墨", "达奚", "褚师",
];

/// 张三 → 张某; 欧阳修 → 欧阳某某.
pub fn mask_name(name: &str) -> String {
    let name = name.trim();
    if let Some(c) = COMPOUND
        .iter()
        .find(|c| name.starts_with(*c) && name.chars().count() > 2)
    {
        return format!("{c}某某");
    }
    match name.chars().next() {
        Some(first) => format!("{first}某"),
        None => String::new(),
    }
}

/// The name the public sees for a party.
pub fn public_name(p: &Party, site: &Site) -> String {
    if p.is_person() && site.mask_persons {
        mask_name(&p.name)
    } else {
        p.name.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        assert_eq!(mask_name("王建国"), "王某");
        assert_eq!(mask_name("欧阳修"), "欧阳某某");
        assert_eq!(mask_name("欧阳"), "欧某");
        assert_eq!(mask_name(""), "");
    }
}
