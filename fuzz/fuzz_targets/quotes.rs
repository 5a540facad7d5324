//! Any text as an article body: quotations, their cues and speakers.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let sentences = storyline_text::sentences::split(&text);
    let entities = storyline_analyze::entities::extract(&text, &sentences);
    let chars = text.chars().count();
    for q in storyline_analyze::quotes::extract(&text, &sentences, &entities) {
        assert!(q.content.start <= q.content.end && q.content.end <= chars, "{q:?}");
    }
});
