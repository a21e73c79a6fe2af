//! 统一社会信用代码 — the 18-character unified social credit code of GB 32100-2015.
//!
//! The last character is a check character over the first seventeen, so a typo
//! in any single position is caught at the edge, before it reaches the registry.

use std::fmt;

/// The 31 characters the standard allows (no I, O, Z, S, V).
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// A credit code whose characters and check character are valid.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CreditCode(String);

/// Why a string is not a credit code; the message is what the user reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreditCodeError {
    #[error("统一社会信用代码应为18位，实际为{0}位")]
    Length(usize),
    #[error("统一社会信用代码第{position}位“{found}”不是允许的字符")]
    Character { position: usize, found: char },
    #[error("统一社会信用代码校验位错误：应为“{expected}”，实际为“{found}”")]
    CheckCharacter { expected: char, found: char },
}

impl CreditCode {
    /// Parses a code, accepting lower case and surrounding spaces.
    ///
    /// # Errors
    /// The length, a character outside the standard's alphabet, or a wrong check character.
    pub fn parse(input: &str) -> Result<Self, CreditCodeError> {
        let code = input.trim().to_ascii_uppercase();
        let chars: Vec<char> = code.chars().collect();
        if chars.len() != 18 {
            return Err(CreditCodeError::Length(chars.len()));
        }
        let mut values = [0u32; 18];
        for (i, c) in chars.iter().enumerate() {
            values[i] = value_of(*c).ok_or(CreditCodeError::Character { position: i + 1, found: *c })?;
        }
        let expected = check_character(&values[..17]);
        if chars[17] != expected {
            return Err(CreditCodeError::CheckCharacter { expected, found: chars[17] });
        }
        Ok(Self(code))
    }

    /// Completes seventeen characters with their check character (used by the demo
    /// and the generator, which must produce codes that pass `parse`).
    ///
    /// # Errors
    /// When `body` is not seventeen characters of the alphabet.
    pub fn with_check_character(body: &str) -> Result<Self, CreditCodeError> {
        let chars: Vec<char> = body.chars().collect();
        if chars.len() != 17 {
            return Err(CreditCodeError::Length(chars.len() + 1));
        }
        let mut values = [0u32; 17];
        for (i, c) in chars.iter().enumerate() {
            values[i] = value_of(*c).ok_or(CreditCodeError::Character { position: i + 1, found: *c })?;
        }
        Ok(Self(format!("{body}{}", check_character(&values))))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn value_of(c: char) -> Option<u32> {
    ALPHABET.iter().position(|&a| a as char == c).map(|p| p as u32)
}

fn check_character(values: &[u32]) -> char {
    let sum: u32 = values.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    let check = (31 - sum % 31) % 31;
    ALPHABET[check as usize] as char
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_a_published_valid_code() {
        assert_eq!(CreditCode::parse("91350100M000100Y43").unwrap().as_str(), "91350100M000100Y43");
    }

    #[test]
    fn accepts_lower_case_and_spaces() {
        assert!(CreditCode::parse(" 91350100m000100y43 ").is_ok());
    }

    #[test]
    fn refuses_a_wrong_check_character() {
        assert_eq!(CreditCode::parse("91350100M000100Y44"), Err(CreditCodeError::CheckCharacter { expected: '3', found: '4' }));
    }

    #[test]
    fn refuses_letters_outside_the_alphabet() {
        assert!(matches!(CreditCode::parse("91350100M0001O0Y43"), Err(CreditCodeError::Character { position: 14, found: 'O' })));
    }

    #[test]
    fn refuses_the_wrong_length() {
        assert_eq!(CreditCode::parse("9135"), Err(CreditCodeError::Length(4)));
        assert_eq!(CreditCode::parse("统一社会信用代码统一社会信用代码统一"), Err(CreditCodeError::Character { position: 1, found: '统' }));
    }

    #[test]
    fn every_single_character_typo_is_caught() {
        let good = "91350100M000100Y43";
        for pos in 0..17 {
            for &a in ALPHABET.iter() {
                let mut chars: Vec<char> = good.chars().collect();
                if chars[pos] == a as char {
                    continue;
                }
                chars[pos] = a as char;
                let typo: String = chars.into_iter().collect();
                assert!(CreditCode::parse(&typo).is_err(), "{typo} passed");
            }
        }
    }

    #[test]
    fn completed_codes_parse() {
        let code = CreditCode::with_check_character("91410900MA4000001").unwrap();
        assert_eq!(CreditCode::parse(code.as_str()).unwrap(), code);
    }
}
