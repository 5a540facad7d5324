//! Character references in markup text (`&amp;`, `&#233;`, `&#xE9;`): the one decoder the HTML
//! reader and the gold-data readers share.

/// The character a reference at the start of `s` (which starts with `&`) stands for, and the
/// reference's length in bytes: the five XML names, `&nbsp;` as a plain space when `html`, and
/// numeric references. `None` for anything else (a bare `&`, an unknown name, no `;` within the
/// first 12 bytes).
pub fn reference(s: &str, html: bool) -> Option<(char, usize)> {
    // A byte search: slicing `s` at 12 bytes could cut a character in two.
    let end = s.as_bytes().iter().take(12).position(|&b| b == b';')?;
    let name = s.get(1..end)?;
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" if html => ' ',
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((c, end + 1))
}

/// Appends `s` to `out` with its references decoded ([`reference`]); an `&` that starts none stays
/// as written.
pub fn decode_into(s: &str, html: bool, out: &mut String) {
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        match reference(rest, html) {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(s: &str, html: bool) -> String {
        let mut out = String::new();
        decode_into(s, html, &mut out);
        out
    }

    #[test]
    fn names_numbers_and_bare_ampersands() {
        assert_eq!(
            decode("a &amp; b &lt;c&gt; &quot;d&apos; &#233; &#xE9; &bogus; & x", false),
            "a & b <c> \"d' é é &bogus; & x"
        );
        assert_eq!(decode("x&nbsp;y", false), "x&nbsp;y");
        assert_eq!(decode("x&nbsp;y", true), "x y");
        assert_eq!(reference("&#x110000;", true), None);
    }

    #[test]
    fn a_reference_cut_inside_a_character_is_not_one() {
        // The 12-byte window ends inside "é": no panic, the text is kept.
        assert_eq!(decode("&aaaaaaaaaé;", true), "&aaaaaaaaaé;");
        assert_eq!(decode("&ééééééé", false), "&ééééééé");
    }
}
