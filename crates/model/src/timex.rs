//! TIMEX3 values (TimeML): what a time expression or an event's date resolves to, parsed into the
//! calendar unit it names so no stage slices the string to learn it. The JSON form is the value
//! exactly as TimeML writes it: `Display` prints it and `FromStr` reads it back, and a value that
//! does not print back to the very same string is kept as [`Timex::Other`], so reading never fails
//! and never changes a stored value.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A TIMEX3 `value`, by the unit of time it names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Timex {
    /// One day: `2025-05-15`.
    Day(Date),
    /// A time or a part of one day: `2025-05-15T14:30`, `2025-05-15TEV` (what follows the `T`
    /// kept as written).
    DayTime(Date, String),
    /// An ISO week: `2025-W20`.
    Week { year: i16, week: u8 },
    /// A month: `2025-05`.
    Month { year: i16, month: u8 },
    /// A quarter: `2025-Q2`.
    Quarter { year: i16, quarter: u8 },
    /// A year: `2025`.
    Year(i16),
    /// A day of a month in a year not known, perhaps with a time: `XXXX-05-11`,
    /// `XXXX-05-08T24:00` (what follows the `T` kept as written).
    UnanchoredDay { month: u8, day: u8, time: Option<String> },
    /// `PAST_REF`, `PRESENT_REF`, `FUTURE_REF`.
    Reference(TimeReference),
    /// A duration, as written: `P30D`, `PT5H`, `P2Y6M`, `PXY`.
    Duration(String),
    /// Any other value TimeML allows (seasons, decades, `XXXX-WXX-1`, …), as written.
    Other(String),
}

/// The vague references TIMEX3 names instead of a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeReference {
    Past,
    Present,
    Future,
}

impl TimeReference {
    pub fn as_str(self) -> &'static str {
        match self {
            TimeReference::Past => "PAST_REF",
            TimeReference::Present => "PRESENT_REF",
            TimeReference::Future => "FUTURE_REF",
        }
    }
}

impl Timex {
    /// The calendar day this value fixes, when it names one day (with or without a time).
    pub fn day(&self) -> Option<Date> {
        match self {
            Timex::Day(d) | Timex::DayTime(d, _) => Some(*d),
            _ => None,
        }
    }

    /// The year of a value anchored in one (a day, week, month, quarter or year, or any other
    /// value that opens with a year: `2025-SU`).
    pub fn year(&self) -> Option<i16> {
        match self {
            Timex::Day(d) | Timex::DayTime(d, _) => Some(d.year()),
            Timex::Week { year, .. }
            | Timex::Month { year, .. }
            | Timex::Quarter { year, .. }
            | Timex::Year(year) => Some(*year),
            Timex::Other(v) => {
                leading_year(v).filter(|&(_, rest)| rest.starts_with('-')).map(|p| p.0)
            }
            _ => None,
        }
    }

    /// True for a value placed on the calendar (it opens with a year's digits), false for
    /// durations, references and values with an unknown year (`XXXX-…`).
    pub fn is_anchored(&self) -> bool {
        match self {
            Timex::Day(_)
            | Timex::DayTime(..)
            | Timex::Week { .. }
            | Timex::Month { .. }
            | Timex::Quarter { .. }
            | Timex::Year(_) => true,
            Timex::Other(v) => v.starts_with(|c: char| c.is_ascii_digit()),
            _ => false,
        }
    }

    /// True for a value of a year not known (`XXXX-05-11`, `XXXX-05`, `XXXX-WXX-1`): a day, month
    /// or weekday the reader places by the publication date.
    pub fn year_unknown(&self) -> bool {
        match self {
            Timex::UnanchoredDay { .. } => true,
            Timex::Other(v) => v.starts_with("XXXX-"),
            _ => false,
        }
    }

    /// Reads the structured forms; `None` for anything else.
    fn parse_structured(s: &str) -> Option<Timex> {
        if let Some(r) = [TimeReference::Past, TimeReference::Present, TimeReference::Future]
            .into_iter()
            .find(|r| r.as_str() == s)
        {
            return Some(Timex::Reference(r));
        }
        if s.starts_with('P') {
            return Some(Timex::Duration(s.to_string()));
        }
        if let Some(rest) = s.strip_prefix("XXXX-") {
            let (month, day) = rest.get(..5)?.split_once('-')?;
            let time = match &rest[5..] {
                "" => None,
                time => Some(time.strip_prefix('T')?.to_string()),
            };
            return Some(Timex::UnanchoredDay {
                month: digits(month, 2)?,
                day: digits(day, 2)?,
                time,
            });
        }
        let (year, rest) = leading_year(s)?;
        let Some(rest) = rest.strip_prefix('-') else {
            return rest.is_empty().then_some(Timex::Year(year));
        };
        if let Some(week) = rest.strip_prefix('W') {
            return Some(Timex::Week { year, week: digits(week, 2)? });
        }
        if let Some(quarter) = rest.strip_prefix('Q') {
            return Some(Timex::Quarter { year, quarter: digits(quarter, 1)? });
        }
        if rest.len() == 2 {
            return Some(Timex::Month { year, month: digits(rest, 2)? });
        }
        let day: Date = s.get(..10)?.parse().ok()?;
        match &s[10..] {
            "" => Some(Timex::Day(day)),
            time => Some(Timex::DayTime(day, time.strip_prefix('T')?.to_string())),
        }
    }
}

/// A value's leading four-digit year and what follows it.
fn leading_year(s: &str) -> Option<(i16, &str)> {
    let head = s.get(..4)?;
    if !head.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((head.parse().ok()?, &s[4..]))
}

/// A number written with exactly `width` ASCII digits.
fn digits(s: &str, width: usize) -> Option<u8> {
    if s.len() != width || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl Timex {
    /// Writes the value as TimeML spells it.
    fn write_to(&self, f: &mut impl fmt::Write) -> fmt::Result {
        match self {
            Timex::Day(d) => write!(f, "{d}"),
            Timex::DayTime(d, time) => write!(f, "{d}T{time}"),
            Timex::Week { year, week } => write!(f, "{year:04}-W{week:02}"),
            Timex::Month { year, month } => write!(f, "{year:04}-{month:02}"),
            Timex::Quarter { year, quarter } => write!(f, "{year:04}-Q{quarter}"),
            Timex::Year(year) => write!(f, "{year:04}"),
            Timex::UnanchoredDay { month, day, time } => {
                write!(f, "XXXX-{month:02}-{day:02}")?;
                match time {
                    Some(time) => write!(f, "T{time}"),
                    None => Ok(()),
                }
            }
            Timex::Reference(r) => f.write_str(r.as_str()),
            Timex::Duration(v) | Timex::Other(v) => f.write_str(v),
        }
    }
}

/// Formats as the value's string does (width and precision included).
impl fmt::Display for Timex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.width().is_none() && f.precision().is_none() {
            return self.write_to(f);
        }
        let mut value = String::new();
        self.write_to(&mut value)?;
        f.pad(&value)
    }
}

impl FromStr for Timex {
    type Err = std::convert::Infallible;

    /// Never fails: a value whose structured reading would not print back as `s` is
    /// [`Timex::Other`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Timex::parse_structured(s)
            .filter(|t| t.to_string() == s)
            .unwrap_or_else(|| Timex::Other(s.to_string())))
    }
}

impl From<&str> for Timex {
    fn from(value: &str) -> Self {
        value.parse().unwrap_or_else(|never| match never {})
    }
}

impl From<String> for Timex {
    fn from(value: String) -> Self {
        Timex::from(value.as_str())
    }
}

impl From<Date> for Timex {
    fn from(day: Date) -> Self {
        Timex::Day(day)
    }
}

impl Serialize for Timex {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timex {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Ok(Timex::from(s.as_ref()))
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Timex {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some("TIMEX3 value: 2025-05-15, 2025-W20, 2025-05, P30D, PRESENT_REF, …"))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Timex {}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Timex {
        s.parse().unwrap()
    }

    #[test]
    fn each_form_reads_as_its_unit_and_prints_back() {
        let day = Date::constant(2025, 5, 15);
        let cases = [
            ("2025-05-15", Timex::Day(day)),
            ("2025-05-15T14:30", Timex::DayTime(day, "14:30".into())),
            ("2025-05-15TEV", Timex::DayTime(day, "EV".into())),
            ("2025-W20", Timex::Week { year: 2025, week: 20 }),
            ("2025-05", Timex::Month { year: 2025, month: 5 }),
            ("2025-Q2", Timex::Quarter { year: 2025, quarter: 2 }),
            ("2025", Timex::Year(2025)),
            ("XXXX-05-11", Timex::UnanchoredDay { month: 5, day: 11, time: None }),
            (
                "XXXX-05-08T24:00",
                Timex::UnanchoredDay { month: 5, day: 8, time: Some("24:00".into()) },
            ),
            ("PRESENT_REF", Timex::Reference(TimeReference::Present)),
            ("P30D", Timex::Duration("P30D".into())),
            ("2025-SU", Timex::Other("2025-SU".into())),
            ("XXXX-WXX-1", Timex::Other("XXXX-WXX-1".into())),
            ("XXXX-05", Timex::Other("XXXX-05".into())),
            ("202X", Timex::Other("202X".into())),
            // Not canonical: kept as written rather than reprinted differently.
            ("2025-5-1", Timex::Other("2025-5-1".into())),
            ("2025-02-30", Timex::Other("2025-02-30".into())),
            ("", Timex::Other(String::new())),
        ];
        for (s, t) in cases {
            assert_eq!(parse(s), t, "{s}");
            assert_eq!(t.to_string(), s);
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(json, serde_json::to_string(s).unwrap());
            assert_eq!(serde_json::from_str::<Timex>(&json).unwrap(), t);
        }
    }

    #[test]
    fn day_and_year_read_the_calendar_unit() {
        assert_eq!(parse("2025-05-15T14:30").day(), Some(Date::constant(2025, 5, 15)));
        assert_eq!(parse("2025-W20").day(), None);
        assert_eq!(parse("2025-W20").year(), Some(2025));
        assert_eq!(parse("2025-SU").year(), Some(2025));
        assert_eq!(parse("XXXX-05-11").year(), None);
        assert_eq!(parse("P2Y").year(), None);
        assert!(parse("2025-SU").is_anchored() && !parse("XXXX-05-11").is_anchored());
        assert!(parse("XXXX-05-11").year_unknown() && parse("XXXX-WXX-1").year_unknown());
        assert!(!parse("2025-05").year_unknown());
        assert_eq!(format!("{:<9}|", parse("2025-05")), "2025-05  |");
    }
}
