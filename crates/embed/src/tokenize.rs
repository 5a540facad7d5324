//! The BERT uncased tokenizer (basic + greedy longest-match WordPiece), allocation-free.
//!
//! Basic step, as BERT's `BasicTokenizer(do_lower_case=True)`: NUL, U+FFFD, control and format
//! characters are dropped; whitespace separates words; every punctuation character and every CJK
//! ideograph is a word of its own; words are lowercased and their accents stripped (NFD, then
//! combining marks dropped) — done here with a table for Latin-1, Latin Extended-A, Greek tonos
//! the Cyrillic and Arabic letters that decompose, Hangul syllables (into jamo), and by dropping combining marks U+0300–U+036F; other
//! precomposed letters are kept as they are (then usually `[UNK]`). WordPiece: a word longer than
//! 100 characters is `[UNK]`; otherwise the longest vocabulary prefix, then `##` continuations;
//! a word with a piece not in the vocabulary is `[UNK]` as a whole. `[UNK]` carries no vector and
//! is dropped by the caller.

/// Longest word that WordPiece splits (BERT's `max_input_chars_per_word`).
pub(crate) const MAX_WORD_CHARS: usize = 100;
/// Byte room for one word: 100 chars, each at most 4 bytes, some lowercasing to 2 chars.
const WORD_BYTES: usize = 4 * 2 * MAX_WORD_CHARS + 8;

/// Splits a text into words (lowercased, accents stripped) and hands each to `f` as `&str`.
/// Words longer than [`MAX_WORD_CHARS`] are reported as `None` (they become `[UNK]`).
pub(crate) fn for_each_word(text: &str, mut f: impl FnMut(Option<&str>)) {
    let mut w = Word { buf: [0; WORD_BYTES], len: 0, chars: 0, too_long: false };
    for c in text.chars() {
        if c.is_ascii() {
            let b = c as u8;
            if b.is_ascii_alphanumeric() {
                w.push(b.to_ascii_lowercase() as char);
            } else if b.is_ascii_punctuation() {
                w.flush(&mut f);
                f(Some(ascii_str(b)));
            } else if b.is_ascii_whitespace() || b == 0x0b {
                w.flush(&mut f);
            }
            // other ASCII controls (incl. NUL) are dropped
            continue;
        }
        if c.is_whitespace() {
            w.flush(&mut f);
            continue;
        }
        if c.is_control() || is_format(c) || c == '\u{FFFD}' || is_combining(c) {
            continue;
        }
        if is_cjk(c) || is_punct(c) {
            w.flush(&mut f);
            let mut one = [0u8; 4];
            f(Some(c.encode_utf8(&mut one)));
            continue;
        }
        if let Some((l, v, t)) = hangul_jamo(c) {
            w.push(l);
            w.push(v);
            if let Some(t) = t {
                w.push(t);
            }
            continue;
        }
        for l in c.to_lowercase() {
            if !is_combining(l) {
                w.push(strip_accent(l));
            }
        }
    }
    w.flush(&mut f);
}

/// The word being built, on the stack.
struct Word {
    buf: [u8; WORD_BYTES],
    len: usize,
    chars: usize,
    too_long: bool,
}

impl Word {
    #[inline]
    fn push(&mut self, c: char) {
        if self.too_long {
            return;
        }
        self.chars += 1;
        if self.chars > MAX_WORD_CHARS || self.len + 4 > self.buf.len() {
            self.too_long = true;
            return;
        }
        self.len += c.encode_utf8(&mut self.buf[self.len..]).len();
    }

    #[inline]
    fn flush(&mut self, f: &mut impl FnMut(Option<&str>)) {
        if self.too_long {
            f(None);
        } else if self.len > 0 {
            // Only whole chars are ever written into buf.
            if let Ok(w) = std::str::from_utf8(&self.buf[..self.len]) {
                f(Some(w));
            }
        }
        self.len = 0;
        self.chars = 0;
        self.too_long = false;
    }
}

fn ascii_str(b: u8) -> &'static str {
    const ALL: &str = "\0\u{1}\u{2}\u{3}\u{4}\u{5}\u{6}\u{7}\u{8}\t\n\u{b}\u{c}\r\u{e}\u{f}\
        \u{10}\u{11}\u{12}\u{13}\u{14}\u{15}\u{16}\u{17}\u{18}\u{19}\u{1a}\u{1b}\u{1c}\u{1d}\u{1e}\u{1f} \
        !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\u{7f}";
    let i = b as usize;
    &ALL[i..i + 1]
}

/// NFD of a precomposed Hangul syllable: leading consonant, vowel and optional trailing jamo.
fn hangul_jamo(c: char) -> Option<(char, char, Option<char>)> {
    let s = (c as u32).checked_sub(0xAC00).filter(|&s| s < 11_172)?;
    let l = char::from_u32(0x1100 + s / 588)?;
    let v = char::from_u32(0x1161 + (s % 588) / 28)?;
    let t = (s % 28 != 0).then(|| char::from_u32(0x11A7 + s % 28)).flatten();
    Some((l, v, t))
}

/// Nonspacing marks (category Mn) of the scripts news text uses; NFD + Mn removal drops them.
fn is_combining(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{0483}'..='\u{0487}' | '\u{0591}'..='\u{05BD}' | '\u{05BF}'
        | '\u{05C1}' | '\u{05C2}' | '\u{05C4}' | '\u{05C5}' | '\u{05C7}' | '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06DC}' | '\u{06DF}'..='\u{06E4}'
        | '\u{06E7}' | '\u{06E8}' | '\u{06EA}'..='\u{06ED}' | '\u{0900}'..='\u{0902}' | '\u{093C}'
        | '\u{0941}'..='\u{0948}' | '\u{094D}' | '\u{3099}' | '\u{309A}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

fn is_format(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{0600}'..='\u{0605}' | '\u{061C}' | '\u{06DD}' | '\u{070F}' | '\u{180E}'
        | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}' | '\u{E0001}' | '\u{E0020}'..='\u{E007F}')
}

/// CJK ideographs, as BERT's `_is_chinese_char`.
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{20000}'..='\u{2A6DF}'
        | '\u{2A700}'..='\u{2B73F}' | '\u{2B740}'..='\u{2B81F}' | '\u{2B820}'..='\u{2CEAF}'
        | '\u{F900}'..='\u{FAFF}' | '\u{2F800}'..='\u{2FA1F}')
}

/// Non-ASCII punctuation (Unicode category P*), for the blocks news text uses.
fn is_punct(c: char) -> bool {
    matches!(c, '\u{00A1}' | '\u{00A7}' | '\u{00AB}' | '\u{00B6}' | '\u{00B7}' | '\u{00BB}' | '\u{00BF}'
        | '\u{037E}' | '\u{0387}' | '\u{055A}'..='\u{055F}' | '\u{0589}' | '\u{058A}' | '\u{05BE}'
        | '\u{05C0}' | '\u{05C3}' | '\u{05C6}' | '\u{05F3}' | '\u{05F4}' | '\u{060C}' | '\u{060D}'
        | '\u{061B}' | '\u{061E}' | '\u{061F}' | '\u{066A}'..='\u{066D}' | '\u{06D4}' | '\u{0964}'
        | '\u{0965}' | '\u{0970}' | '\u{0E4F}' | '\u{0E5A}' | '\u{0E5B}'
        | '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{2043}' | '\u{2045}'..='\u{2051}' | '\u{2053}'..='\u{205E}'
        | '\u{207D}' | '\u{207E}' | '\u{208D}' | '\u{208E}' | '\u{2308}'..='\u{230B}' | '\u{2329}' | '\u{232A}'
        | '\u{2768}'..='\u{2775}' | '\u{27C5}' | '\u{27C6}' | '\u{27E6}'..='\u{27EF}' | '\u{2983}'..='\u{2998}'
        | '\u{29D8}'..='\u{29DB}' | '\u{29FC}' | '\u{29FD}' | '\u{2CF9}'..='\u{2CFC}' | '\u{2CFE}' | '\u{2CFF}'
        | '\u{2E00}'..='\u{2E2E}' | '\u{2E30}'..='\u{2E4F}' | '\u{3001}'..='\u{3003}' | '\u{3008}'..='\u{3011}'
        | '\u{3014}'..='\u{301F}' | '\u{3030}' | '\u{303D}' | '\u{30A0}' | '\u{30FB}'
        | '\u{FE10}'..='\u{FE19}' | '\u{FE30}'..='\u{FE52}' | '\u{FE54}'..='\u{FE61}' | '\u{FE63}' | '\u{FE68}'
        | '\u{FE6A}' | '\u{FE6B}' | '\u{FF01}'..='\u{FF03}' | '\u{FF05}'..='\u{FF0A}' | '\u{FF0C}'..='\u{FF0F}'
        | '\u{FF1A}' | '\u{FF1B}' | '\u{FF1F}' | '\u{FF20}' | '\u{FF3B}'..='\u{FF3D}' | '\u{FF3F}' | '\u{FF5B}'
        | '\u{FF5D}' | '\u{FF5F}'..='\u{FF65}')
}

/// The base letter of a lowercase precomposed letter whose NFD form is letter + combining marks.
fn strip_accent(c: char) -> char {
    match c {
        'à'..='å' => 'a',
        'ç' => 'c',
        'è'..='ë' => 'e',
        'ì'..='ï' => 'i',
        'ñ' => 'n',
        'ò'..='ö' => 'o',
        'ù'..='ü' => 'u',
        'ý' | 'ÿ' => 'y',
        '\u{0100}'..='\u{017F}' => latin_ext_a(c),
        'ά' => 'α',
        'έ' => 'ε',
        'ή' => 'η',
        'ί' | 'ϊ' | 'ΐ' => 'ι',
        'ό' => 'ο',
        'ύ' | 'ϋ' | 'ΰ' => 'υ',
        'ώ' => 'ω',
        'й' => 'и',
        'ё' | 'ѐ' => 'е',
        'ї' => 'і',
        'ў' => 'у',
        'ѓ' => 'г',
        'ќ' => 'к',
        'ѝ' => 'и',
        'آ' | 'أ' | 'إ' => 'ا',
        'ؤ' => 'و',
        'ئ' => 'ي',
        _ => c,
    }
}

fn latin_ext_a(c: char) -> char {
    // NFD base letters of U+0100..U+017F, lowercase ('-' = no canonical decomposition).
    const T: &[u8; 128] = b"aaaaaaccccccccdd--eeeeeeeeeegggggggghh--iiiiiiiii---jjkk-llllll----nnnnnn---oooooo--rrrrrrsssssssstttt--uuuuuuuuuuuuwwyyyzzzzzz-";
    let i = c as usize - 0x100;
    match T[i] {
        b'-' => c,
        b => b as char,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(t: &str) -> Vec<String> {
        let mut v = Vec::new();
        for_each_word(t, |w| v.push(w.map_or_else(|| "[UNK]".to_string(), str::to_string)));
        v
    }

    #[test]
    fn basic_split() {
        assert_eq!(
            words("Héllo, World!  Čapek's 3.5%"),
            ["hello", ",", "world", "!", "capek", "'", "s", "3", ".", "5", "%"]
        );
        assert_eq!(
            words("北京市 “quoted” — dash"),
            ["北", "京", "市", "“", "quoted", "”", "—", "dash"]
        );
        assert_eq!(words("a\u{200B}b\u{0}c\u{7}d"), ["abcd"]);
        assert_eq!(words(&"x".repeat(101)), ["[UNK]"]);
        assert_eq!(words(&"x".repeat(100)).len(), 1);
        assert_eq!(words("Ёлка й Ўзбек"), ["елка", "и", "узбек"]);
        assert_eq!(words("서울"), ["\u{1109}\u{1165}\u{110B}\u{116E}\u{11AF}"]);
    }

    #[test]
    fn latin_ext_a_table() {
        assert_eq!(strip_accent('ł'), 'ł');
        assert_eq!(strip_accent('ő'), 'o');
        assert_eq!(strip_accent('ş'), 's');
        assert_eq!(strip_accent('ž'), 'z');
        assert_eq!(strip_accent('ğ'), 'g');
        assert_eq!(strip_accent('ı'), 'ı');
        assert_eq!(strip_accent('ń'), 'n');
        assert_eq!(strip_accent('ŵ'), 'w');
        assert_eq!(strip_accent('ţ'), 't');
        assert_eq!(strip_accent('ŧ'), 'ŧ');
        assert_eq!(strip_accent('œ'), 'œ');
    }
}
