//! An extractive summary of 3–5 sentences: sentences carrying agreed facts first (most widely
//! reported first), then the lead of the headline article, then its next sentences until there are
//! three. Each sentence lists the articles that support it; near-repeats are skipped.

use std::collections::BTreeSet;

use storyline_model::{Span, SummarySentence};

use crate::facts::Compared;
use crate::text::{content_words, tokens};
use crate::Story;

const MIN_SENTENCES: usize = 3;
const MAX_SENTENCES: usize = 5;
const MAX_AGREED: usize = 3;

/// Whether `a` repeats most of `b` (or the reverse).
fn overlaps(a: &BTreeSet<String>, b: &BTreeSet<String>) -> bool {
    let inter = a.intersection(b).count();
    let small = a.len().min(b.len()).max(1);
    inter as f64 / small as f64 >= 0.6
}

pub(crate) fn summary(story: &Story, compared: &Compared) -> Vec<SummarySentence> {
    let mut out: Vec<SummarySentence> = Vec::new();
    let mut chosen: Vec<BTreeSet<String>> = Vec::new();
    let mut push = |text: &str, sources: Vec<String>, out: &mut Vec<SummarySentence>| {
        let words = content_words(text);
        if out.len() >= MAX_SENTENCES
            || words.is_empty()
            || chosen.iter().any(|c| overlaps(c, &words))
        {
            return;
        }
        chosen.push(words);
        out.push(SummarySentence { text: text.to_string(), sources });
    };
    for fact in compared.comparison.agreed.iter().take(MAX_AGREED) {
        push(&fact.fact, fact.articles.clone(), &mut out);
    }
    let Some(hl) = story
        .headline
        .map(|h| story.original_of[h].unwrap_or(h))
        .or((story.len() > 0).then_some(0))
    else {
        return out;
    };
    // The agreed fact (if any) a sentence of the headline article belongs to gives its sources.
    let sources_of = |span: Span| -> Vec<String> {
        compared
            .agreed_members
            .iter()
            .zip(&compared.comparison.agreed)
            .find(|(m, _)| {
                m.iter().any(|&c| compared.claims[c].art == hl && compared.claims[c].span == span)
            })
            .map(|(_, f)| f.articles.clone())
            .unwrap_or_else(|| vec![story.id(hl).to_string()])
    };
    let mut lead_taken = false;
    for &span in &story.sentences[hl] {
        if lead_taken && out.len() >= MIN_SENTENCES {
            break;
        }
        let text = story.slice(hl, span);
        if tokens(text, 0).len() < 6 {
            continue; // a dateline or a fragment
        }
        push(text, sources_of(span), &mut out);
        lead_taken = true;
    }
    out
}
