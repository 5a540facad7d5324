//! Sentences that carry no news claim: reporting credits ("Additional reporting by …"), pointers
//! to other pages ("For the full text … go to"), section headings in capitals ("HOW BAD COULD IT
//! GET?") and questions put to the reader or used as subheadings. They are neither a fact an
//! outlet carries alone nor one outlets agree on.

/// Phrases (lowercase) of credits and page pointers; each names page furniture, not a topic.
const PHRASES: &[&str] = &[
    "additional reporting by",
    "contributed to this report",
    "contributed reporting",
    "reporting by ",
    "editing by ",
    "writing by ",
    "compiled by ",
    "for the full text",
    "click here",
    "read more:",
    "related:",
    "live updates",
    "follow us on",
    "copyright ",
    "all rights reserved",
];

/// Whether a sentence is page furniture rather than a claim.
pub(crate) fn is_furniture(sentence: &str) -> bool {
    let s = sentence.trim();
    let lower = s.to_lowercase();
    if PHRASES.iter().any(|p| lower.contains(p)) {
        return true;
    }
    // A question outside quotation marks: a subheading or a prompt to the reader.
    let unquoted = !s.contains(['"', '“', '”']);
    if unquoted && s.ends_with('?') {
        return true;
    }
    if is_timestamp(s) {
        return true;
    }
    // A heading in capitals.
    let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 8
        && letters.iter().filter(|c| c.is_uppercase()).count() * 10 >= letters.len() * 8
}

/// Words of a page's date line ("Updated Thu 6 May 2010, 9:03am AEST", "Posted 11/27/2005").
const STAMP_WORDS: &[&str] = &[
    "updated",
    "posted",
    "published",
    "last",
    "modified",
    "am",
    "pm",
    "gmt",
    "utc",
    "bst",
    "est",
    "edt",
    "pst",
    "pdt",
    "cet",
    "aest",
    "et",
    "on",
    "at",
];

/// A line that is nothing but a date and time, perhaps with "Updated" or "Posted".
fn is_timestamp(s: &str) -> bool {
    let words: Vec<String> = s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let dated = |w: &str| {
        w.chars().all(|c| c.is_ascii_digit())
            || (w.chars().next().is_some_and(|c| c.is_ascii_digit())
                && (w.ends_with("am") || w.ends_with("pm")))
            || storyline_text::calendar::is_month(w)
            || storyline_text::calendar::is_weekday(w)
            || matches!(
                w,
                "mon" | "tue" | "tues" | "wed" | "thu" | "thur" | "thurs" | "fri" | "sat" | "sun"
            )
            || STAMP_WORDS.contains(&w)
    };
    !words.is_empty()
        && words.len() <= 12
        && words.iter().any(|w| w.chars().any(|c| c.is_ascii_digit()))
        && words.iter().all(|w| dated(w))
}

#[cfg(test)]
mod tests {
    use super::is_furniture;

    #[test]
    fn credits_headings_and_prompts_are_furniture() {
        assert!(is_furniture("(Additional reporting by Mara Lind in Vessen; Editing by Tom Ash)"));
        assert!(is_furniture("Jo Park contributed to this report."));
        assert!(is_furniture("WHAT HAPPENS NEXT FOR THE DOCKERS?"));
        assert!(is_furniture("Were you at the harbour on Tuesday?"));
        assert!(is_furniture("Updated Thu 4 March 2027, 8:15am AEST"));
        assert!(is_furniture("Posted 3/14/2027 6:02 PM"));
        assert!(is_furniture("March 4, 2027"));
    }

    #[test]
    fn claims_are_not_furniture() {
        assert!(!is_furniture("Police said the ferry captain, 52, was arrested on Tuesday."));
        assert!(!is_furniture("\"Who will pay for this?\" asked the mayor of Vessen."));
        assert!(!is_furniture("The NATO summit in Oslo ended without a statement."));
        assert!(!is_furniture("On March 4, 2027, 12 ships sank."));
    }
}
