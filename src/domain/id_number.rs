//! 居民身份证号 — the 18-character citizen identification number of GB 11643-1999,
//! and the masks under which ID numbers and phone numbers are shown to those who
//! do not need them in clear.
//!
//! The number is a 6-digit region code (GB/T 2260), an 8-digit birth date
//! (YYYYMMDD), a 3-digit sequence (odd for men, even for women) and a check
//! character over the first seventeen (ISO 7064 MOD 11-2: weights 2^(17-i) mod 11,
//! the sum mod 11 picking from "10X98765432"). Checking all of it at the edge
//! catches a typo before it is encrypted, where nobody could see it any more.

use std::fmt;

use time::{Date, Month};

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARACTERS: &[u8; 11] = b"10X98765432";

/// The first two digits a region code may start with: the provinces,
/// autonomous regions and municipalities of GB/T 2260, Hong Kong, Macao and
/// Taiwan (residence permits), and 91 (foreigners' permanent residence, 2023).
const PROVINCES: [u8; 36] =
    [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91];

/// The earliest birth year accepted: older numbers are typos, not people.
const FIRST_YEAR: i32 = 1900;

/// An ID number whose region, birth date and check character are valid.
///
/// `Debug` shows it masked, so that a stray `{:?}` in a log line never carries
/// a number; the clear text is only had through `as_str`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdNumber(String);

/// Why a text is not an ID number; the message, in Chinese, is what the user reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    #[error("身份证号位数不对：应为18位，实际为{0}位")]
    Length(usize),
    #[error("身份证号前17位应为数字，最后一位为数字或X")]
    Character,
    #[error("身份证号地区码（前6位）不是有效的行政区划代码")]
    Region,
    #[error("身份证号中的出生日期“{0}”不是有效的日期")]
    BirthDate(String),
    #[error("身份证号校验码不对：最后一位应为“{expected}”，请核对是否录错")]
    CheckCharacter { expected: char },
}

impl IdNumber {
    /// Parses a number, accepting a lower-case x and surrounding spaces.
    ///
    /// # Errors
    /// The length (位数), a character that is no digit, a region code of no
    /// province, a birth date (出生日期) that is no real date, or a wrong check
    /// character (校验码).
    pub fn parse(input: &str) -> Result<IdNumber, IdNumberError> {
        let text = input.trim().to_ascii_uppercase();
        let length = text.chars().count();
        if length != 18 {
            return Err(IdNumberError::Length(length));
        }
        let bytes = text.as_bytes();
        if !bytes[..17].iter().all(u8::is_ascii_digit) || !(bytes[17].is_ascii_digit() || bytes[17] == b'X') {
            return Err(IdNumberError::Character);
        }
        let province = (bytes[0] - b'0') * 10 + (bytes[1] - b'0');
        if !PROVINCES.contains(&province) {
            return Err(IdNumberError::Region);
        }
        birth_date_of(&text[6..14]).ok_or_else(|| IdNumberError::BirthDate(text[6..14].to_string()))?;
        let expected = check_character(&text[..17]);
        if char::from(bytes[17]) != expected {
            return Err(IdNumberError::CheckCharacter { expected });
        }
        Ok(IdNumber(text))
    }

    /// The number of a region, a birth date and a 3-digit sequence (odd for
    /// men), completed with its check character: for the demo's invented
    /// persons and for tests, which need numbers that pass `parse`.
    ///
    /// # Errors
    /// A region code that is not six digits of a province, a birth before 1900,
    /// a sequence over 999.
    pub fn from_parts(region: &str, birth: Date, sequence: u16) -> Result<IdNumber, IdNumberError> {
        if sequence > 999 {
            return Err(IdNumberError::Character);
        }
        let body = format!("{region}{:04}{:02}{:02}{sequence:03}", birth.year(), u8::from(birth.month()), birth.day());
        if body.len() != 17 {
            return Err(IdNumberError::Length(body.chars().count() + 1));
        }
        IdNumber::parse(&format!("{body}{}", check_character(&body)))
    }

    /// The number in clear (to encrypt it, or to show it to those who may see it).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 6-digit region code (行政区划代码) of the place of first registration.
    pub fn region(&self) -> &str {
        &self.0[..6]
    }

    pub fn birth_date(&self) -> Date {
        // checked by `parse`
        birth_date_of(&self.0[6..14]).unwrap_or(Date::MIN)
    }

    /// The sequence digit is odd for men and even for women.
    pub fn is_male(&self) -> bool {
        (self.0.as_bytes()[16] - b'0') % 2 == 1
    }

    /// `4109**********1234`
    pub fn masked(&self) -> String {
        mask_id_number(&self.0)
    }
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

/// The check character of seventeen digits.
///
/// # Panics
/// Never for seventeen ASCII digits; other input gives a meaningless character.
pub fn check_character(first17: &str) -> char {
    let sum: u32 = first17.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b.wrapping_sub(b'0')) * w).sum();
    char::from(CHECK_CHARACTERS[(sum % 11) as usize])
}

fn birth_date_of(digits: &str) -> Option<Date> {
    let year: i32 = digits.get(0..4)?.parse().ok()?;
    let month: u8 = digits.get(4..6)?.parse().ok()?;
    let day: u8 = digits.get(6..8)?.parse().ok()?;
    if year < FIRST_YEAR {
        return None;
    }
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

/// An ID number (or anything in its place) masked: the first four and last
/// four characters kept, ten stars between (`4109**********1234`). A text too
/// short to keep eight characters of is all stars; an empty one stays empty.
pub fn mask_id_number(text: &str) -> String {
    let chars: Vec<char> = text.trim().chars().collect();
    if chars.is_empty() {
        return String::new();
    }
    if chars.len() < 12 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(10))
}

/// A phone number masked: a mobile number (11 digits, starting with 1) keeps
/// its first three and last four digits (`138****5678`); any other number keeps
/// its last four digits and its separators, every other digit starred
/// (`****-***8888`). An empty one stays empty.
pub fn mask_phone(text: &str) -> String {
    let text = text.trim();
    if text.len() == 11 && text.starts_with('1') && text.bytes().all(|b| b.is_ascii_digit()) {
        return format!("{}****{}", &text[..3], &text[7..]);
    }
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let mut seen = 0;
    text.chars()
        .map(|c| {
            if c.is_ascii_digit() {
                seen += 1;
                if seen + 4 <= digits { '*' } else { c }
            } else {
                c
            }
        })
        .collect()
}

/// Whether a text is an ID number as `mask_id_number` shows it (a masked value
/// sent back unchanged, e.g. by a form or a re-imported export).
pub fn is_masked_id_number(text: &str) -> bool {
    let t = text.trim();
    t.chars().count() == 18 && t.contains("**********")
}

/// Whether a text is a phone number as `mask_phone` shows it.
pub fn is_masked_phone(text: &str) -> bool {
    text.trim().contains('*')
}

/// Implements `Debug` for a struct holding personal information, showing only
/// the fields named (ids, codes) and marking the rest as left out, so that a
/// `{:?}` in a log line or a panic message never carries an ID number, a phone
/// number or health data.
///
/// `debug_without_pii!(ObservedPerson { id, point_id });`
#[macro_export]
macro_rules! debug_without_pii {
    ($ty:ident $(<$lt:lifetime>)? { $($field:ident),* $(,)? }) => {
        impl $(<$lt>)? ::std::fmt::Debug for $ty $(<$lt>)? {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(stringify!($ty)) $(.field(stringify!($field), &self.$field))* .finish_non_exhaustive()
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A number from the standard's own example (GB 11643-1999, appendix): Beijing, 1949-12-31.
    const STANDARD_EXAMPLE: &str = "11010519491231002X";

    #[test]
    fn the_standards_example_is_valid() {
        let id = IdNumber::parse(STANDARD_EXAMPLE).unwrap();
        assert_eq!(id.region(), "110105");
        assert_eq!(id.birth_date(), time::macros::date!(1949 - 12 - 31));
        assert!(!id.is_male());
        assert_eq!(check_character("11010519491231002"), 'X');
        // 4·7+4·9+0·10+3·5+0·8+8·4+1·2+9·1+9·6+0·3+0·7+1·9+0·10+1·5+0·8+0·4+1·2 = 192; 192 mod 11 = 5 → '7'
        assert_eq!(check_character("44030819900101001"), '7');
    }

    #[test]
    fn numbers_are_made_from_their_parts() {
        let id = IdNumber::from_parts("410928", time::macros::date!(1990 - 03 - 07), 123).unwrap();
        assert_eq!(&id.as_str()[..17], "41092819900307123");
        assert!(id.is_male());
        assert_eq!(IdNumber::from_parts("990000", time::macros::date!(1990 - 03 - 07), 1).unwrap_err(), IdNumberError::Region);
        assert!(IdNumber::from_parts("4109", time::macros::date!(1990 - 03 - 07), 1).is_err());
    }

    #[test]
    fn a_lower_case_x_and_spaces_are_accepted() {
        assert_eq!(IdNumber::parse(" 11010519491231002x ").unwrap().as_str(), STANDARD_EXAMPLE);
    }

    #[test]
    fn each_problem_is_named() {
        assert_eq!(IdNumber::parse("1101051949123100").unwrap_err(), IdNumberError::Length(16));
        assert!(IdNumber::parse("1101051949123100").unwrap_err().to_string().contains("位数"));
        assert_eq!(IdNumber::parse("11010519491231002Y").unwrap_err(), IdNumberError::Character);
        assert_eq!(IdNumber::parse("1101051949123A002X").unwrap_err(), IdNumberError::Character);
        assert_eq!(IdNumber::parse("990105194912310021").unwrap_err(), IdNumberError::Region);
        let feb30 = format!("41092819900230001{}", check_character("41092819900230001"));
        let e = IdNumber::parse(&feb30).unwrap_err();
        assert_eq!(e, IdNumberError::BirthDate("19900230".into()));
        assert!(e.to_string().contains("出生日期"));
        let e = IdNumber::parse("110105194912310021").unwrap_err();
        assert_eq!(e, IdNumberError::CheckCharacter { expected: 'X' });
        assert!(e.to_string().contains("校验码"));
    }

    #[test]
    fn leap_days_are_real_only_in_leap_years() {
        let ok = format!("41092820000229001{}", check_character("41092820000229001"));
        assert!(IdNumber::parse(&ok).is_ok());
        let bad = format!("41092819000229001{}", check_character("41092819000229001"));
        assert!(matches!(IdNumber::parse(&bad), Err(IdNumberError::BirthDate(_))), "1900 was no leap year");
    }

    #[test]
    fn masks_keep_only_what_identifies_the_row() {
        assert_eq!(mask_id_number("410928199001011234"), "4109**********1234");
        assert_eq!(mask_id_number(""), "");
        assert_eq!(mask_id_number("12345"), "*****");
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("0393-8888888"), "****-***8888");
        assert_eq!(mask_phone(""), "");
        assert!(is_masked_id_number("4109**********1234"));
        assert!(!is_masked_id_number(STANDARD_EXAMPLE));
        assert!(is_masked_phone("138****5678") && !is_masked_phone("13812345678"));
    }

    #[test]
    fn debug_without_pii_shows_only_the_named_fields() {
        #[allow(dead_code)]
        struct Person {
            id: i64,
            phone: String,
        }
        debug_without_pii!(Person { id });
        let shown = format!("{:?}", Person { id: 7, phone: "13812345678".into() });
        assert_eq!(shown, "Person { id: 7, .. }");
    }

    #[test]
    fn debug_never_shows_the_number() {
        let id = IdNumber::parse(STANDARD_EXAMPLE).unwrap();
        let shown = format!("{id:?}");
        assert!(!shown.contains(STANDARD_EXAMPLE) && shown.contains("1101**********002X"), "{shown}");
    }

    fn valid_body() -> impl Strategy<Value = String> {
        (proptest::sample::select(PROVINCES.to_vec()), 0u32..10_000, 1900i32..2100, 1u8..=12, 1u8..=31, 0u32..1000).prop_filter_map(
            "a real date",
            |(province, county, year, month, day, sequence)| {
                Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()?;
                Some(format!("{province:02}{county:04}{year:04}{month:02}{day:02}{sequence:03}"))
            },
        )
    }

    proptest! {
        #[test]
        fn every_body_completed_with_its_check_character_parses(body in valid_body()) {
            let text = format!("{body}{}", check_character(&body));
            let id = IdNumber::parse(&text).unwrap();
            prop_assert_eq!(id.as_str(), text.as_str());
            prop_assert_eq!(id.masked().len(), 18);
            prop_assert!(!id.masked()[4..14].chars().any(|c| c.is_ascii_digit()));
        }

        #[test]
        fn changing_any_one_digit_is_caught(body in valid_body(), position in 0usize..17, delta in 1u8..10) {
            let text = format!("{body}{}", check_character(&body));
            let mut bytes = text.into_bytes();
            bytes[position] = b'0' + (bytes[position] - b'0' + delta) % 10;
            let changed = String::from_utf8(bytes).unwrap();
            // the weights are all non-zero mod 11, so one changed digit always changes the sum
            prop_assert!(IdNumber::parse(&changed).is_err(), "{} passed", changed);
        }

        #[test]
        fn swapping_two_different_neighbours_is_caught(body in valid_body(), position in 0usize..16) {
            let text = format!("{body}{}", check_character(&body));
            let mut bytes = text.into_bytes();
            prop_assume!(bytes[position] != bytes[position + 1]);
            bytes.swap(position, position + 1);
            let swapped = String::from_utf8(bytes).unwrap();
            prop_assert!(IdNumber::parse(&swapped).is_err(), "{} passed", swapped);
        }

        #[test]
        fn parsing_never_panics(text in "\\PC{0,24}") {
            let _ = IdNumber::parse(&text);
            let _ = mask_id_number(&text);
            let _ = mask_phone(&text);
        }
    }
}
