//! The normalised forms texts are compared and hashed by.

use crate::tokens;

/// Lowercase, whitespace collapsed to single spaces, nothing else: the form article ids hash
/// (`storyline_ingest::article_id`). Stored ids depend on it, so it never changes.
pub fn for_article_id(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Lowercase, apostrophes dropped, every other non-alphanumeric character a space, whitespace
/// collapsed: the text an exact copy must share. Grouping hashes it (`storyline_group::copies`)
/// and stores the hashes, so it never changes.
pub fn for_copies(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = true; // suppress leading spaces
    for c in text.chars() {
        if c == '\'' || c == '\u{2019}' || c == '\u{2018}' {
            continue;
        }
        if c.is_alphanumeric() {
            for l in c.to_lowercase() {
                out.push(l);
            }
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The words of [`for_copies`] text.
pub fn copy_words(normalised: &str) -> impl Iterator<Item = &str> {
    normalised.split(' ').filter(|w| !w.is_empty())
}

/// The [words](tokens::words) of a text, lowercased and joined by single spaces: no punctuation,
/// so "“We are ready,” he said" and "we are ready he said" are equal.
pub fn words(text: &str) -> String {
    tokens::words(text, 0).into_iter().map(|t| t.lower).collect::<Vec<_>>().join(" ")
}

/// Lowercase, whitespace collapsed, quote marks and dashes unified (`’` → `'`, `“` → `"`, `—` →
/// `-`), punctuation kept: for telling whether a line repeats a title.
pub fn marks_unified(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in w.chars() {
            out.extend(char_marks_unified(c));
        }
    }
    out
}

/// One character as [`marks_unified`] writes it: lowercase, one apostrophe, one quote mark, one
/// dash.
pub fn char_marks_unified(c: char) -> std::char::ToLowercase {
    let unified = match c {
        '’' | '‘' | '`' | '´' | '′' => '\'',
        '“' | '”' | '„' | '″' => '"',
        '–' | '—' => '-',
        c => c,
    };
    unified.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_forms() {
        assert_eq!(words("“We are ready,” he said."), "we are ready he said");
        assert_eq!(for_copies("  Hello, World!  It's  “fine”. "), "hello world its fine");
        assert_eq!(copy_words("its fine").collect::<Vec<_>>(), ["its", "fine"]);
        assert_eq!(marks_unified("  Talks  End — “Soon”  "), "talks end - \"soon\"");
    }
}
