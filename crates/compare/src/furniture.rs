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
    // A heading in capitals.
    let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 8
        && letters.iter().filter(|c| c.is_uppercase()).count() * 10 >= letters.len() * 8
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
    }

    #[test]
    fn claims_are_not_furniture() {
        assert!(!is_furniture("Police said the ferry captain, 52, was arrested on Tuesday."));
        assert!(!is_furniture("\"Who will pay for this?\" asked the mayor of Vessen."));
        assert!(!is_furniture("The NATO summit in Oslo ended without a statement."));
    }
}
