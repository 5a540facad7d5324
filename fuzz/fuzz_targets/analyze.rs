//! Any text through the whole analysis (sentences, entities, times, quotes, events); every span
//! it returns lies inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use storyline_model::Date;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    let published = (first & 1 == 1).then(|| Date::new(2026, 3, 4).unwrap());
    let a = storyline_analyze::analyze(&text, published);
    let chars = text.chars().count();
    let inside = |start: usize, end: usize| start <= end && end <= chars;
    assert!(a.sentences.iter().all(|s| inside(s.start, s.end)));
    assert!(a.entities.iter().all(|e| inside(e.start, e.end)));
    assert!(a.times.iter().all(|t| inside(t.span().start, t.span().end)));
    assert!(a.quotes.iter().all(|q| inside(q.content.start, q.content.end)));
});
