//! Month and weekday words: the one table of each, in lower case.

/// Month names, January first.
pub const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Month abbreviations as written before a dot ("Sept."); "may" has none.
pub const MONTH_ABBREVIATIONS: [&str; 12] =
    ["jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"];

/// Weekday names, Monday first.
pub const WEEKDAYS: [&str; 7] =
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// Whether a lower-case word is a month name or its abbreviation.
pub fn is_month(lower: &str) -> bool {
    MONTHS.contains(&lower) || MONTH_ABBREVIATIONS.contains(&lower)
}

/// Whether a lower-case word is a weekday name.
pub fn is_weekday(lower: &str) -> bool {
    WEEKDAYS.contains(&lower)
}

/// Whether a word is a month or weekday name written capitalised as in running text ("March",
/// "Monday"; not "MARCH" or "march").
pub fn is_capitalised_month_or_weekday(word: &str) -> bool {
    let capitalised = |name: &str| {
        let (first, rest) = name.split_at(1);
        word.len() == name.len()
            && word[..1] == first.to_ascii_uppercase()
            && word.get(1..) == Some(rest)
    };
    word.is_ascii() && MONTHS.iter().chain(&WEEKDAYS).any(|n| capitalised(n))
}

/// The month number (1–12) of a month name or abbreviation in any case, read from its first
/// three letters ("Sept." → 9, "DEC" → 12).
pub fn month_number(name: &str) -> Option<u8> {
    let lower = name.to_ascii_lowercase();
    MONTHS.iter().position(|m| lower.starts_with(&m[..3])).map(|i| i as u8 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_weekdays() {
        assert!(is_month("sept") && is_month("may") && !is_month("May"));
        assert!(is_weekday("friday") && !is_weekday("fri"));
        assert!(is_capitalised_month_or_weekday("March"));
        assert!(!is_capitalised_month_or_weekday("march"));
        assert!(!is_capitalised_month_or_weekday("MARCH"));
        assert_eq!(month_number("Sept."), Some(9));
        assert_eq!(month_number("DEC"), Some(12));
        assert_eq!(month_number("Mayor"), Some(5));
        assert_eq!(month_number("Ju"), None);
    }
}
