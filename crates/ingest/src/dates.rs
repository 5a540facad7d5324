//! Publication-date parsing for the forms found in records, headers and HTML metadata: ISO dates,
//! RFC 3339 (the calendar day as written, in its own offset), RFC 2822, "May 11, 2025" and
//! "11 May 2025".

use jiff::civil::Date;
use regex::Regex;
use std::sync::LazyLock;
use storyline_text::calendar::month_number;

const MONTHS: &str = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";

/// A date at the start of a string, in any of the supported forms. Group names: `y`,`m`,`d` for
/// numeric forms, `mon` for a month name.
pub static DATE_AT_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?ix)^(?:
            (?P<y>\d{{4}})[-/.](?P<m>\d{{1,2}})[-/.](?P<d>\d{{1,2}})
                (?:[T\ ]\d{{1,2}}:\d{{2}}(?::\d{{2}}(?:\.\d+)?)?\s*(?:Z|UTC|GMT|[+-]\d{{2}}:?\d{{2}})?)?
          | (?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?
            (?P<d2>\d{{1,2}})\s+(?P<mon2>{MONTHS})\.?,?\s+(?P<y2>\d{{4}})
                (?:,?\s+\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?:\s*(?:[+-]\d{{4}}|[A-Z]{{2,4}}))?)?
          | (?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?
            (?P<mon3>{MONTHS})\.?\s+(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y3>\d{{4}})
        )\b"
    ))
    .unwrap()
});

/// Parses a date at the start of `s`; returns it with the number of bytes it took.
pub fn parse_date_prefix(s: &str) -> Option<(Date, usize)> {
    let c = DATE_AT_START.captures(s)?;
    let whole = c.get(0)?;
    let (y, m, d): (i16, i8, i8) = if let Some(y) = c.name("y") {
        (y.as_str().parse().ok()?, c["m"].parse().ok()?, c["d"].parse().ok()?)
    } else if let Some(y) = c.name("y2") {
        (y.as_str().parse().ok()?, month_number(&c["mon2"])? as i8, c["d2"].parse().ok()?)
    } else {
        (c["y3"].parse().ok()?, month_number(&c["mon3"])? as i8, c["d3"].parse().ok()?)
    };
    let date = Date::new(y, m, d).ok()?;
    Some((date, whole.end()))
}

/// Parses a whole date string (surrounding whitespace allowed; trailing text after a full
/// timestamp is tolerated).
pub fn parse_date(s: &str) -> Option<Date> {
    parse_date_prefix(s.trim()).map(|(d, _)| d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<String> {
        parse_date(s).map(|d| d.to_string())
    }

    #[test]
    fn accepts_the_usual_forms() {
        assert_eq!(d("2025-05-11").as_deref(), Some("2025-05-11"));
        assert_eq!(d("2025-05-11T21:04:00Z").as_deref(), Some("2025-05-11"));
        assert_eq!(d("2025-05-11T23:30:00-07:00").as_deref(), Some("2025-05-11"));
        assert_eq!(d("Sun, 11 May 2025 21:04:00 +0000").as_deref(), Some("2025-05-11"));
        assert_eq!(d("May 11, 2025").as_deref(), Some("2025-05-11"));
        assert_eq!(d("11 May 2025").as_deref(), Some("2025-05-11"));
        assert_eq!(d("September 3rd, 2024").as_deref(), Some("2024-09-03"));
        assert_eq!(d("yesterday"), None);
        assert_eq!(d("2025-02-30"), None);
    }

    #[test]
    fn prefix_reports_length() {
        let (date, n) = parse_date_prefix("2025-05-11 Officials said").unwrap();
        assert_eq!(date.to_string(), "2025-05-11");
        assert_eq!(n, 10);
    }
}
