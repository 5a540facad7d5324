//! Character decoding: byte-order marks, UTF-8, a declared HTML `<meta charset>`, and otherwise a
//! guess with `chardetng`, decoded with `encoding_rs`. Non-UTF-8 decodes are reported as warnings.

use encoding_rs::Encoding;
use regex::bytes::Regex;
use std::sync::LazyLock;

/// Decoded text plus an optional warning saying how it was decoded when it was not UTF-8.
pub struct Decoded {
    pub text: String,
    pub warning: Option<String>,
}

static META_CHARSET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-zA-Z0-9_\-:.]+)"#).unwrap()
});

/// Decodes bytes to text: BOM first, then valid UTF-8 as is, then an HTML `<meta charset>`, then
/// the `chardetng` guess.
pub fn decode(bytes: &[u8]) -> Decoded {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        let warning =
            (enc != encoding_rs::UTF_8).then(|| format!("decoded as {} (not UTF-8)", enc.name()));
        return Decoded { text: text.into_owned(), warning };
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Decoded { text: s.to_string(), warning: None };
    }
    let head = &bytes[..bytes.len().min(4096)];
    if let Some(enc) =
        META_CHARSET.captures(head).and_then(|c| Encoding::for_label(&c[1])).filter(|e| {
            *e != encoding_rs::UTF_8 && *e != encoding_rs::UTF_16LE && *e != encoding_rs::UTF_16BE
        })
    {
        let (text, _) = enc.decode_without_bom_handling(bytes);
        return Decoded {
            text: text.into_owned(),
            warning: Some(format!(
                "decoded as {} (not UTF-8; declared by <meta charset>)",
                enc.name()
            )),
        };
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    let enc = det.guess(None, chardetng::Utf8Detection::Deny);
    let (text, _) = enc.decode_without_bom_handling(bytes);
    Decoded {
        text: text.into_owned(),
        warning: Some(format!("decoded as {} (not UTF-8)", enc.name())),
    }
}
