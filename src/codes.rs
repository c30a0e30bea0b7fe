//! Check digits of the national code systems.
//!
//! - 统一社会信用代码, GB 32100-2015 (records must carry valid ones);
//! - 公民身份号码, GB 11643-1999, and bank card numbers (Luhn), which the
//!   privacy scanner looks for in the output.

use chrono::NaiveDate;

const CREDIT_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// What is wrong with a credit code, for the message.
#[derive(Debug, PartialEq, Eq)]
pub enum CreditError {
    Length(usize),
    Char(char),
    CheckDigit { expected: char, found: char },
}

pub fn credit_code(code: &str) -> Result<(), CreditError> {
    let chars: Vec<char> = code.chars().collect();
    if chars.len() != 18 {
        return Err(CreditError::Length(chars.len()));
    }
    let mut values = [0u32; 18];
    for (i, c) in chars.iter().enumerate() {
        match CREDIT_CHARS.find(*c) {
            Some(v) => values[i] = v as u32,
            None => return Err(CreditError::Char(*c)),
        }
    }
    let sum: u32 = values[..17]
        .iter()
        .zip(CREDIT_WEIGHTS)
        .map(|(v, w)| v * w)
        .sum();
    let check = (31 - sum % 31) % 31;
    let expected = CREDIT_CHARS.as_bytes()[check as usize] as char;
    if chars[17] == expected {
        Ok(())
    } else {
        Err(CreditError::CheckDigit {
            expected,
            found: chars[17],
        })
    }
}

/// Whether a credit code that passes its check ([`credit_code`]) is also
/// built as GB 32100 builds one: a registration authority (1–9, A, N, Y)
/// and a kind of body (1, 2, 3 or 9); a registering area of GB/T 2260
/// (six digits, in a province, or 10 for the centre); and the body's
/// organisation code of GB 11714 (eight digits or capitals and its own
/// check character, a digit or X). Every real code is; a run of digits
/// with a letter or two glued to it, which passes the last check one time
/// in 31, almost never is. The privacy scanner tells codes from card
/// numbers by this (records are only held to [`credit_code`]).
pub fn credit_code_built(code: &str) -> bool {
    let b = code.as_bytes();
    if b.len() != 18 || credit_code(code).is_err() {
        return false;
    }
    const PROVINCES: [u8; 35] = [
        10, 11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50,
        51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
    ];
    let area = &b[2..8];
    if !b"123456789ANY".contains(&b[0])
        || !b"1239".contains(&b[1])
        || !area.iter().all(u8::is_ascii_digit)
        || !PROVINCES.contains(&((area[0] - b'0') * 10 + (area[1] - b'0')))
    {
        return false;
    }
    let value = |c: u8| match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'A'..=b'Z' => Some(u32::from(c - b'A') + 10),
        _ => None,
    };
    let mut sum = 0;
    for (&c, w) in b[8..16].iter().zip([3, 7, 9, 10, 5, 8, 4, 2]) {
        let Some(v) = value(c) else { return false };
        sum += v * w;
    }
    let check = match 11 - sum % 11 {
        10 => b'X',
        11 => b'0',
        n => b'0' + n as u8,
    };
    b[16] == check
}

/// A resident identity number: 17 digits + check character, a real birth date.
pub fn resident_id(s: &[u8]) -> bool {
    if s.len() != 18 || !s[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = s[..17]
        .iter()
        .zip(W)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize];
    let last = s[17].to_ascii_uppercase();
    if last != check {
        return false;
    }
    let num = |r: std::ops::Range<usize>| {
        s[r].iter()
            .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'))
    };
    let (y, m, d) = (num(6..10), num(10..12), num(12..14));
    (1800..=2100).contains(&y) && NaiveDate::from_ymd_opt(y as i32, m, d).is_some()
}

/// Whether `s` reads as a resident identity number of a province that
/// issues them (its first two digits: 11–15, 21–23, 31–37, 41–46, 50–54,
/// 61–65, 71, 81–83). About one such number in 31 passes the credit
/// code's check too; no organisation's code does, whose first digit is a
/// registering authority's (1–9, A–Y) and second a kind of body, never a
/// province.
pub fn person_id(s: &[u8]) -> bool {
    if !resident_id(s) {
        return false;
    }
    let p = u32::from(s[0] - b'0') * 10 + u32::from(s[1] - b'0');
    matches!(p, 11..=15 | 21..=23 | 31..=37 | 41..=46 | 50..=54 | 61..=65 | 71 | 81..=83)
}

/// Luhn check over ASCII digits.
pub fn luhn(digits: &[u8]) -> bool {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let mut sum = 0u32;
    for (i, d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(d - b'0');
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {

    #[test]
    fn an_identity_number_that_passes_as_a_credit_code_is_told_apart() {
        // A real resident identity number whose last character also
        // satisfies GB 32100's check: one in 31 do.
        let id = "210381198503170109";
        assert!(credit_code(id).is_ok() && resident_id(id.as_bytes()));
        assert!(person_id(id.as_bytes()));
        for code in [
            "91350100M000100Y43",
            "912103811000000184",
            "92210381MA0TAX0015",
        ] {
            assert!(!person_id(code.as_bytes()), "{code}");
        }
    }

    use super::*;

    #[test]
    fn credit_code_example_of_the_standard() {
        assert_eq!(credit_code("91350100M000100Y43"), Ok(()));
        assert_eq!(
            credit_code("91350100M000100Y44"),
            Err(CreditError::CheckDigit {
                expected: '3',
                found: '4'
            })
        );
        assert_eq!(
            credit_code("91350100M000100Y4"),
            Err(CreditError::Length(17))
        );
        assert_eq!(
            credit_code("91350100M000100I43"),
            Err(CreditError::Char('I'))
        );
    }

    #[test]
    fn resident_id_example_of_the_standard() {
        assert!(resident_id(b"11010519491231002X"));
        assert!(resident_id(b"11010519491231002x"));
        assert!(!resident_id(b"110105194912310021"));
        // right check digit shape but impossible birth date
        assert!(!resident_id(b"110105194913310020"));
    }

    /// A code with its last check made right for whatever comes before.
    fn with_check(first: &str) -> String {
        (0..31)
            .map(|i| format!("{first}{}", &CREDIT_CHARS[i..=i]))
            .find(|c| credit_code(c).is_ok())
            .unwrap()
    }

    #[test]
    fn a_code_is_built_as_the_standard_builds_one() {
        // The standard's example: authority 9, kind 1, area 350100 (福建),
        // organisation code M000100Y and its check 4.
        assert!(credit_code_built("91350100M000100Y43"));
        // Each part wrong in turn, the last check made right again.
        for (first, what) in [
            ("B1350100M000100Y4", "authority"),
            ("95350100M000100Y4", "kind of body"),
            ("91780100M000100Y4", "province"),
            ("9135A100M000100Y4", "area of letters"),
            ("91350100M000100Y5", "organisation code's check"),
        ] {
            let code = with_check(first);
            assert!(credit_code(&code).is_ok());
            assert!(!credit_code_built(&code), "{what}: {code}");
        }
        // A failing last check is never built.
        assert!(!credit_code_built("91350100M000100Y44"));
        // The organisation code's check may be X.
        assert!(credit_code_built("9121038110000069XF"));
    }

    #[test]
    fn luhn_numbers() {
        assert!(luhn(b"4111111111111111"));
        assert!(!luhn(b"4111111111111112"));
        assert!(luhn(b"79927398713"));
    }
}
