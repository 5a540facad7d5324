//! Quotations grouped by speaker across articles.
//!
//! A speaker is the story entity its canonical name (or, failing that, its words) resolves to, so
//! "Zelensky" and "Volodymyr Zelenskiy" speak as one. Within a speaker, the same quote carried by
//! several articles (equal normalised text, heavy word overlap, or one inside the other) is one
//! entry listing every article and its evidence span.

use std::collections::BTreeMap;

use storyline_model::{Evidence, Span, StoryQuote};

use crate::entities::EntityIndex;
use storyline_text::normalise;

use crate::text::{content_words, jaccard};
use crate::Story;

const PRONOUNS: &[&str] = &["he", "she", "they", "it", "we", "i", "you", "him", "her", "them"];

struct Group {
    speaker_key: String,
    speaker: String,
    text: String,
    norm: String,
    members: Vec<(usize, Span)>,
    first: (usize, usize),
}

fn same_quote(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.split(' ').count() >= 4 && format!(" {long} ").contains(&format!(" {short} ")) {
        return true;
    }
    let (wa, wb) = (content_words(a), content_words(b));
    wa.len().min(wb.len()) >= 3 && jaccard(&wa, &wb) >= 0.6
}

pub(crate) fn quotes(story: &Story, index: &EntityIndex) -> Vec<StoryQuote> {
    let mut groups: Vec<Group> = Vec::new();
    for (ai, a) in story.arts.iter().enumerate() {
        let chars: Vec<char> = a.text.chars().collect();
        for (qi, q) in a.analysis.quotes.iter().enumerate() {
            let Some(sp) = &q.speaker else { continue };
            let canonical = sp.canonical.as_deref().map(str::trim).filter(|c| !c.is_empty());
            let written = sp.text.trim();
            if canonical.is_none()
                && (written.is_empty() || PRONOUNS.contains(&written.to_lowercase().as_str()))
            {
                continue;
            }
            let name = canonical.unwrap_or(written);
            let entity = index.resolve(name).or_else(|| canonical.and(index.resolve(written)));
            let (speaker_key, speaker) = match entity {
                Some(c) => (format!("e{c}"), index.clusters[c].canonical.clone()),
                None => (format!("n{}", name.to_lowercase()), name.to_string()),
            };
            let span = crate::text::trim_span(&chars, q.content);
            let text = story
                .slice(ai, span)
                .trim_matches(|c: char| "\"“”'‘’«»".contains(c) || c.is_whitespace())
                .trim_end_matches([',', ';', ':'])
                .trim();
            if text.is_empty() {
                continue;
            }
            let norm = normalise::words(text);
            match groups
                .iter_mut()
                .find(|g| g.speaker_key == speaker_key && same_quote(&g.norm, &norm))
            {
                Some(g) => {
                    if !g.members.contains(&(ai, span)) {
                        g.members.push((ai, span));
                    }
                }
                None => groups.push(Group {
                    speaker_key,
                    speaker,
                    text: text.to_string(),
                    norm,
                    members: vec![(ai, span)],
                    first: (ai, qi),
                }),
            }
        }
    }
    // Speakers quoted by the most articles first; a speaker's quotes stay together.
    let mut reach: BTreeMap<&str, (usize, (usize, usize))> = BTreeMap::new();
    for g in &groups {
        let r = reach.entry(&g.speaker_key).or_insert((0, g.first));
        r.0 = r.0.max(articles_of(g).len());
        r.1 = r.1.min(g.first);
    }
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by_key(|&i| {
        let g = &groups[i];
        let (n, first) = reach[g.speaker_key.as_str()];
        (std::cmp::Reverse(n), first, std::cmp::Reverse(articles_of(g).len()), g.first)
    });
    order
        .into_iter()
        .map(|i| {
            let g = &groups[i];
            StoryQuote {
                speaker: g.speaker.clone(),
                text: g.text.clone(),
                articles: articles_of(g).into_iter().map(|a| story.id(a).clone()).collect(),
                evidence: g
                    .members
                    .iter()
                    .map(|&(a, s)| Evidence {
                        article: story.id(a).clone(),
                        start: s.start,
                        end: s.end,
                    })
                    .collect(),
            }
        })
        .collect()
}

fn articles_of(g: &Group) -> Vec<usize> {
    let mut v: Vec<usize> = g.members.iter().map(|m| m.0).collect();
    v.sort_unstable();
    v.dedup();
    v
}
