//! Whole numbers written in decimal without the formatter: the search
//! index writes millions of them and a report's workbook thousands, and
//! `write!` costs more than the digits.

/// Append `v` in decimal.
pub fn push_u32(out: &mut String, mut v: u32) {
    if v < 10 {
        out.push(char::from(b'0' + v as u8));
        return;
    }
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    while v > 0 {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    for &d in &digits[i..] {
        out.push(char::from(d));
    }
}

#[cfg(test)]
mod tests {
    proptest::proptest! {
        #[test]
        fn digits_are_what_display_writes(v: u32) {
            let mut s = String::from("x");
            super::push_u32(&mut s, v);
            proptest::prop_assert_eq!(s, format!("x{v}"));
        }
    }

    #[test]
    fn the_edges() {
        for v in [0, 9, 10, 99, 100, u32::MAX] {
            let mut s = String::new();
            super::push_u32(&mut s, v);
            assert_eq!(s, v.to_string());
        }
    }
}
