//! Any text as an article body: time expressions, normalised against a publication date taken
//! from the first byte (or none).
#![no_main]

use libfuzzer_sys::fuzz_target;
use storyline_model::Date;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    let published = (first & 1 == 1).then(|| Date::new(2026, 3, 1 + (first % 28) as i8).unwrap());
    let sentences = storyline_text::sentences::split(&text);
    let chars = text.chars().count();
    for t in storyline_analyze::times::extract(&text, &sentences, published) {
        assert!(t.span().start <= t.span().end && t.span().end <= chars, "{t:?}");
    }
});
