//! Word tokens with character offsets.

/// One word (or number) of a text, lowercased, with character offsets.
#[derive(Debug, Clone)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub lower: String,
}

/// Splits `text` into words: runs of alphanumerics, keeping `'` between letters ("Ukraine's") and
/// `.`/`,` between digits ("1,200", "2.5"). Offsets are character offsets plus `base`.
pub fn words(text: &str, base: usize) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    for_each_word(&chars, |start, end| {
        let lower: String = chars[start..end].iter().collect::<String>().to_lowercase();
        out.push(Token { start: base + start, end: base + end, lower });
    });
    out
}

/// How many [`words`] `text` has, without building them.
pub fn count_words(text: &str) -> usize {
    let chars: Vec<char> = text.chars().collect();
    let mut n = 0;
    for_each_word(&chars, |_, _| n += 1);
    n
}

/// Calls `each(start, end)` with the character range of every word of `chars`, in order.
fn for_each_word(chars: &[char], mut each: impl FnMut(usize, usize)) {
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            let prev = if i > start { Some(chars[i - 1]) } else { None };
            let joins = match (prev, next) {
                (Some(p), Some(n)) if c == '.' || c == ',' => {
                    p.is_ascii_digit() && n.is_ascii_digit()
                }
                (Some(p), Some(n)) if c == '\'' || c == '’' => {
                    p.is_alphabetic() && n.is_alphabetic()
                }
                _ => false,
            };
            if c.is_alphanumeric() || joins {
                i += 1;
            } else {
                break;
            }
        }
        each(start, i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_char_offsets() {
        let t = words("“Kyiv’s” 1,200 troops", 3);
        let found: Vec<_> = t.iter().map(|t| (t.start, t.end, t.lower.as_str())).collect();
        assert_eq!(found, vec![(4, 10, "kyiv’s"), (12, 17, "1,200"), (18, 24, "troops")]);
        assert_eq!(count_words("“Kyiv’s” 1,200 troops"), 3);
        assert_eq!(count_words(" ,. "), 0);
    }
}
