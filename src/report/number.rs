//! Numbers as the zone's newspaper writes them: exact below a thousand (594个),
//! "2000余" for an approximate thousands count, "2.3万" from ten thousand up.

/// A count in the newspaper's style.
///
/// - below 1,000: exact (746, 264);
/// - 1,000 to 9,999: the hundreds, with 余 when something is left over (2013 → 2000余, 2400 → 2400);
/// - 10,000 and more: 万 with one decimal, rounded half up, without a trailing .0 (23000 → 2.3万, 96000 → 9.6万, 20000 → 2万).
pub fn count(n: i64) -> String {
    if n < 0 {
        return format!("-{}", count(-n));
    }
    match n {
        0..=999 => n.to_string(),
        1_000..=9_999 => {
            let floor = n / 100 * 100;
            if floor == n { n.to_string() } else { format!("{floor}余") }
        }
        _ => {
            let tenths = (n + 500) / 1_000;
            if tenths % 10 == 0 { format!("{}万", tenths / 10) } else { format!("{}.{}万", tenths / 10, tenths % 10) }
        }
    }
}

/// A share as a percentage with one decimal (86.7%), or "—" with nothing to count.
pub fn percent(rate: Option<f64>) -> String {
    match rate {
        Some(r) => format!("{:.1}%", r * 100.0),
        None => "—".to_string(),
    }
}

/// 3月19日 — the newspaper's date without the year.
pub fn month_day(day: time::Date) -> String {
    format!("{}月{}日", u8::from(day.month()), day.day())
}

/// Reads a count back from the newspaper's style (for tests that check the
/// briefing's figures): "2.3万" → 23000, "2000余" → 2000 (a lower bound), "746" → 746.
pub fn parse_count(text: &str) -> Option<i64> {
    let t = text.trim().trim_end_matches('余');
    if let Some(wan) = t.strip_suffix('万') {
        let (whole, frac) = wan.split_once('.').unwrap_or((wan, "0"));
        let whole: i64 = whole.parse().ok()?;
        let frac: i64 = frac.chars().next()?.to_digit(10)? as i64;
        return Some(whole * 10_000 + frac * 1_000);
    }
    t.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_the_newspaper_writes_them() {
        assert_eq!(count(746), "746");
        assert_eq!(count(264), "264");
        assert_eq!(count(2013), "2000余");
        assert_eq!(count(2400), "2400");
        assert_eq!(count(2450), "2400余");
        assert_eq!(count(23000), "2.3万");
        assert_eq!(count(43000), "4.3万");
        assert_eq!(count(96000), "9.6万");
        assert_eq!(count(20000), "2万");
        assert_eq!(count(23456), "2.3万");
        assert_eq!(count(23550), "2.4万");
        assert_eq!(count(0), "0");
    }

    #[test]
    fn counts_parse_back() {
        for n in [746, 264, 2000, 23000, 43000, 96000, 20000] {
            assert_eq!(parse_count(&count(n)), Some(n), "{n}");
        }
        assert_eq!(parse_count("2000余"), Some(2000));
        assert_eq!(parse_count("很多"), None);
    }

    #[test]
    fn percents_and_dates() {
        assert_eq!(percent(Some(0.8667)), "86.7%");
        assert_eq!(percent(None), "—");
        assert_eq!(month_day(time::macros::date!(2020 - 03 - 19)), "3月19日");
    }
}
