//! Person-name folding, shared by the entity step (merging mentions within one article) and the
//! compare stage (merging entities across articles).
//!
//! [`name_key`] lowercases, strips diacritics, possessives and punctuation, and folds common
//! transliteration variants per word (final "iy"/"yy"/"ii"/"ij"/"yi" → "y"). [`same_person`] is key
//! equality, or equal/near-equal surnames (edit distance ≤ 1 on surnames of ≥ 6 letters) with
//! compatible given names (equal, initial, or one side surname-only).

/// Strips an English possessive ("Putin’s" → "Putin"; "Ukrainians’" stays).
pub fn strip_possessive(w: &str) -> &str {
    for suf in ["’s", "'s", "’S", "'S"] {
        if let Some(x) = w.strip_suffix(suf) {
            if !x.is_empty() {
                return x;
            }
        }
    }
    w
}

/// Folds one character to ASCII-ish lower case without diacritics (common Latin letters only).
fn fold_char(c: char, out: &mut String) {
    let s = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å'
        | 'Ā' => "a",
        'æ' | 'Æ' => "ae",
        'ç' | 'ć' | 'č' | 'Ç' | 'Ć' | 'Č' => "c",
        'ď' | 'đ' | 'Ď' | 'Đ' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' | 'È' | 'É' | 'Ê' | 'Ë' | 'Ě' => {
            "e"
        }
        'ğ' | 'Ğ' => "g",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'ı' | 'İ' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
        'ł' | 'ľ' | 'Ł' | 'Ľ' => "l",
        'ñ' | 'ń' | 'ň' | 'Ñ' | 'Ń' | 'Ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ő' => {
            "o"
        }
        'œ' | 'Œ' => "oe",
        'ř' | 'Ř' => "r",
        'ś' | 'š' | 'ş' | 'ș' | 'Ś' | 'Š' | 'Ş' | 'Ș' => "s",
        'ß' => "ss",
        'ť' | 'ţ' | 'ț' | 'Ť' | 'Ţ' | 'Ț' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' | 'Ů' | 'Ű' => {
            "u"
        }
        'ý' | 'ÿ' | 'Ý' => "y",
        'ź' | 'ż' | 'ž' | 'Ź' | 'Ż' | 'Ž' => "z",
        _ => {
            for l in c.to_lowercase() {
                out.push(l);
            }
            return;
        }
    };
    out.push_str(s);
}

/// Folds transliteration variants of one lower-case word.
fn fold_word(w: &str) -> String {
    let mut w = w.to_string();
    for (suf, rep) in [("iy", "y"), ("yy", "y"), ("ii", "y"), ("ij", "y"), ("yi", "y")] {
        if w.len() > suf.len() + 2 && w.ends_with(suf) {
            w.truncate(w.len() - suf.len());
            w.push_str(rep);
            break;
        }
    }
    w
}

/// Normalised comparison key of a name: "Zelenskyy’s" → "zelensky", "Volodymyr Zelenskiy" →
/// "volodymyr zelensky", "Al-Assad" → "al assad".
pub fn name_key(name: &str) -> String {
    let mut folded = String::with_capacity(name.len());
    for word in name.split_whitespace() {
        let word = strip_possessive(word.trim_end_matches(['’', '\'']));
        if !folded.is_empty() {
            folded.push(' ');
        }
        for c in word.chars() {
            if c.is_alphanumeric() {
                fold_char(c, &mut folded);
            } else if c == '-' {
                folded.push(' ');
            }
        }
    }
    folded.split_whitespace().map(fold_word).collect::<Vec<_>>().join(" ")
}

/// Levenshtein distance (small strings).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let sub = prev[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            cur[j] = sub.min(prev[j] + 1).min(cur[j - 1] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Whether two normalised words name the same surname.
fn surname_match(a: &str, b: &str) -> bool {
    a == b || (a.chars().count() >= 6 && b.chars().count() >= 6 && edit_distance(a, b) <= 1)
}

fn given_compatible(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (sa, sb) = (a.chars().count(), b.chars().count());
    if sa == 1 || sb == 1 {
        return a.chars().next() == b.chars().next();
    }
    (sa >= 5 && sb >= 5 && edit_distance(a, b) <= 1)
        || (a.chars().next() == b.chars().next()
            && consonant_skeleton(a).len() >= 3
            && consonant_skeleton(a) == consonant_skeleton(b))
}

/// A given name's consonants, the part transliterations agree on: "Dmitri", "Dmitry" and "Dmytro"
/// are all "dmtr".
fn consonant_skeleton(w: &str) -> String {
    w.chars().filter(|c| !matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')).collect()
}

/// Whether two person names plausibly name the same person: "Putin" ~ "Vladimir Putin",
/// "Zelenskiy" ~ "Volodymyr Zelensky", "V. Putin" ~ "Vladimir Putin"; "Anna Putin" ≁ "Vladimir Putin".
pub fn same_person(a: &str, b: &str) -> bool {
    let (ka, kb) = (name_key(a), name_key(b));
    if ka.is_empty() || kb.is_empty() {
        return false;
    }
    if ka == kb {
        return true;
    }
    let ta: Vec<&str> = ka.split(' ').collect();
    let tb: Vec<&str> = kb.split(' ').collect();
    let (la, lb) = (ta[ta.len() - 1], tb[tb.len() - 1]);
    if !surname_match(la, lb) {
        return false;
    }
    if ta.len() == 1 || tb.len() == 1 {
        return true;
    }
    given_compatible(ta[0], tb[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fold_variants() {
        assert_eq!(name_key("Zelenskyy’s"), "zelensky");
        assert_eq!(name_key("Volodymyr Zelenskiy"), "volodymyr zelensky");
        assert_eq!(name_key("Zelensky"), "zelensky");
        assert_eq!(name_key("Recep Tayyip Erdoğan"), "recep tayyip erdogan");
        assert_eq!(name_key("Bashar al-Assad"), "bashar al assad");
        assert_eq!(name_key("Dmitrij Vasilij"), "dmitry vasily");
        assert_eq!(strip_possessive("Smith’s"), "Smith");
    }

    #[test]
    fn same_person_rules() {
        assert!(same_person("Zelenskiy", "Volodymyr Zelensky"));
        assert!(same_person("Zelenskyy", "Zelensky"));
        assert!(same_person("Putin", "Vladimir Putin"));
        assert!(same_person("V. Putin", "Vladimir Putin"));
        assert!(same_person("Erdogan", "Recep Erdoğan"));
        assert!(same_person("Navalnyi", "Alexei Navalny"));
        assert!(same_person("Kovalenko", "Kowalenko"));
        assert!(same_person("Dmytro Kovalenko", "Dmitry Kovalenko"));
        assert!(same_person("Oleksiy Marchenko", "Oleksii Marchenko"));
        assert!(!same_person("Mario Draghi", "Marta Draghi"));
        assert!(!same_person("Anna Putin", "Vladimir Putin"));
        assert!(!same_person("Lee", "Lea"));
        assert!(!same_person("Trump", "Biden"));
    }
}
