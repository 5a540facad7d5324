//! Number words: cardinals in words ("twelve", "forty") and the scale words that multiply a figure
//! ("2.5 million").

/// Cardinals in words from zero to nineteen, by value.
pub const UNITS: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];

/// Round tens in words from twenty to ninety.
pub const TENS: [&str; 8] =
    ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

/// The value of one cardinal word from "zero" to "nineteen" or a round ten from "twenty" to
/// "ninety" (lower case).
pub fn cardinal_word(lower: &str) -> Option<i64> {
    if let Some(i) = UNITS.iter().position(|x| *x == lower) {
        return Some(i as i64);
    }
    TENS.iter().position(|x| *x == lower).map(|t| 20 + 10 * t as i64)
}

/// The value of a compound of a round ten and a unit ("twenty", "four" → 24).
pub fn tens_and_unit(tens: &str, unit: &str) -> Option<i64> {
    let t = TENS.iter().position(|x| *x == tens)?;
    let u = UNITS.iter().position(|x| *x == unit)?;
    Some(20 + 10 * t as i64 + u as i64)
}

/// The factor of a scale word ("thousand" → 1e3, "bn" → 1e9), lower case.
pub fn scale_word(lower: &str) -> Option<f64> {
    match lower {
        "hundred" => Some(1e2),
        "thousand" => Some(1e3),
        "million" | "mln" => Some(1e6),
        "billion" | "bn" => Some(1e9),
        "trillion" => Some(1e12),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_words() {
        assert_eq!(cardinal_word("twelve"), Some(12));
        assert_eq!(cardinal_word("ninety"), Some(90));
        assert_eq!(cardinal_word("Twelve"), None);
        assert_eq!(tens_and_unit("twenty", "four"), Some(24));
        assert_eq!(scale_word("bn"), Some(1e9));
    }
}
