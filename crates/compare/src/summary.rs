//! An extractive summary of 3–5 sentences: sentences carrying agreed facts first (most widely
//! reported first), then the lead of the headline article, then its next sentences until there are
//! three. Each sentence lists the articles that support it; near-repeats are skipped.

use std::collections::BTreeSet;

use storyline_model::{ArticleId, Span, SummarySentence};

use crate::facts::Compared;
use storyline_text::{stem, stop, tokens};

use crate::text::content_words;
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
    let mut push = |text: &str, sources: Vec<ArticleId>, out: &mut Vec<SummarySentence>| {
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
    let sources_of = |span: Span| -> Vec<ArticleId> {
        compared
            .agreed_members
            .iter()
            .zip(&compared.comparison.agreed)
            .find(|(m, _)| {
                m.iter().any(|&c| compared.claims[c].art == hl && compared.claims[c].span == span)
            })
            .map(|(_, f)| f.articles.clone())
            .unwrap_or_else(|| vec![story.id(hl).clone()])
    };
    let mut lead_taken = false;
    for &span in &story.sentences[hl] {
        if lead_taken && out.len() >= MIN_SENTENCES {
            break;
        }
        let text = story.slice(hl, span);
        if tokens::count_words(text) < 6 {
            continue; // a dateline or a fragment
        }
        push(text, sources_of(span), &mut out);
        lead_taken = true;
    }
    out
}

/// One candidate sentence of the multi-document summariser.
struct Candidate {
    art: usize,
    /// Position of the sentence among its article's candidates (0 = lead).
    pos: usize,
    text: String,
    /// Token ids (lowercased, lightly stemmed alphanumeric runs, function words included).
    tokens: Vec<usize>,
    /// `word_ends[k]`: how many of `tokens` the first `k + 1` whitespace words hold (for scoring
    /// the part of the last sentence that fits the length).
    word_ends: Vec<usize>,
    /// Stemmed content words (for citing the articles that carry the same content).
    words: BTreeSet<String>,
    n_words: usize,
    /// Too short, too long or page furniture: used only when nothing better is left.
    weak: bool,
}

/// Estimated chance that a word of the input recurs in a human summary of it, from how often it
/// occurs (`tf`), the share of the other articles that use it, and whether it is a function word.
/// Fitted on Multi-News validation clusters (word-level rates by tf, df and stop-word status).
fn recurrence(tf: usize, other_share: f64, stop: bool) -> f64 {
    let base = if stop { 0.67 } else { 0.17 };
    (base + 0.3 * (tf as f64).ln() + 0.5 * other_share).min(0.97)
}

/// Discount for a content word already in the summary (a summary repeats few content words).
const SEEN_DISCOUNT: f64 = 0.5;
/// Bonus for an article's lead sentences: `1 + LEAD_BONUS / (position + 1)`.
const LEAD_BONUS: f64 = 0.1;
/// Length exponent: a sentence's gain is its expected overlap over `words^LENGTH_EXPONENT`.
const LENGTH_EXPONENT: f64 = 0.9;
/// A sentence whose content words are at least this share already in the summary is a near
/// repeat (the same wire sentence in another article, a paraphrase of a chosen one).
const NEAR_REPEAT_SHARE: f64 = 0.7;
/// Gain factor for fragments, over-long sentences, page furniture and near repeats: they are
/// chosen only when nothing else is left.
const FALLBACK_FACTOR: f64 = 0.01;
/// Sentence lengths (whitespace words) that are not fragments or run-ons.
const SENTENCE_WORDS: std::ops::RangeInclusive<usize> = 6..=80;

/// An extractive multi-document summary of about `max_words` words, for when the summary should
/// cover the story rather than headline it (the report's own summary is short and cites agreed
/// facts first).
///
/// Each word of the input (lowercased, lightly stemmed, so "talks" and "talk" are one word, as
/// ROUGE's stemmer sees them) gets the chance that it recurs in a summary ([`recurrence`]: frequent
/// words, words several articles share, and function words are likely); a sentence's gain is the
/// expected overlap of its words per word (slightly favouring longer sentences), with content
/// words already chosen discounted and a small bonus for leads. Sentences are picked greedily by
/// gain until `max_words` is reached; the sentence that crosses the length is scored on the words
/// that fit. Fragments, very long sentences, page furniture (archive notices, sharing prompts,
/// photo captions) and near repeats of chosen sentences are used only when nothing else is left.
/// The chosen sentences come in reading order (leads first), the one the length cuts last. Each
/// sentence cites every article that carries most of its content words. Works on analysed or raw
/// articles.
pub fn summary_of(articles: &[storyline_model::Article], max_words: usize) -> Vec<SummarySentence> {
    use std::collections::HashMap;
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut is_stop: Vec<bool> = Vec::new();
    let mut cands: Vec<Candidate> = Vec::new();
    for (ai, a) in articles.iter().enumerate() {
        if articles[..ai].iter().any(|b| b.text == a.text) {
            continue; // the same text twice adds no evidence
        }
        let chars: Vec<char> = a.text.chars().collect();
        let spans = if a.analysis.sentences.is_empty() {
            storyline_text::sentences::split(&a.text)
        } else {
            a.analysis.sentences.clone()
        };
        let index = storyline_model::offsets::CharIndex::new(&a.text);
        let mut pos = 0;
        for span in spans {
            let span = crate::text::trim_span(&chars, span);
            let text = &a.text[index.byte_of(span.start)..index.byte_of(span.end)];
            let n_words = text.split_whitespace().count();
            if n_words == 0 || !text.chars().any(char::is_lowercase) {
                continue;
            }
            let mut tokens = Vec::new();
            let mut word_ends = Vec::with_capacity(n_words);
            for word in text.split_whitespace() {
                let lower = word.to_lowercase();
                for w in lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
                    let key = stem::light(w);
                    let next = ids.len();
                    tokens.push(*ids.entry(key).or_insert_with(|| {
                        is_stop.push(stop::is_not_content(w));
                        next
                    }));
                }
                word_ends.push(tokens.len());
            }
            cands.push(Candidate {
                art: ai,
                pos,
                text: text.split_whitespace().collect::<Vec<_>>().join(" "),
                tokens,
                word_ends,
                words: content_words(text),
                n_words,
                weak: !SENTENCE_WORDS.contains(&n_words) || is_page_furniture(text),
            });
            pos += 1;
        }
    }
    // Per token: occurrences and the articles using it.
    let mut tf = vec![0usize; ids.len()];
    let mut arts_of: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); ids.len()];
    for c in &cands {
        for &t in &c.tokens {
            tf[t] += 1;
            arts_of[t].insert(c.art);
        }
    }
    let n_arts = cands.iter().map(|c| c.art).collect::<BTreeSet<_>>().len();
    let chance: Vec<f64> = (0..ids.len())
        .map(|t| {
            let share =
                if n_arts > 1 { (arts_of[t].len() - 1) as f64 / (n_arts - 1) as f64 } else { 0.0 };
            recurrence(tf[t], share, is_stop[t])
        })
        .collect();
    let mut seen = vec![0i32; ids.len()];
    let mut left: Vec<usize> = (0..cands.len()).collect();
    let mut chosen: Vec<usize> = Vec::new();
    let mut words = 0;
    while words < max_words && !left.is_empty() {
        let room = max_words - words;
        let gain = |c: &Candidate| -> f64 {
            // Only the first `room` words of the last sentence count.
            let toks =
                if c.n_words > room { &c.tokens[..c.word_ends[room - 1]] } else { &c.tokens[..] };
            let sum: f64 = toks.iter().map(|&t| chance[t] * SEEN_DISCOUNT.powi(seen[t])).sum();
            let lead = 1.0 + LEAD_BONUS / (c.pos as f64 + 1.0);
            let content = toks.iter().filter(|&&t| !is_stop[t]).count();
            let repeated = toks.iter().filter(|&&t| !is_stop[t] && seen[t] > 0).count();
            let near_repeat = content > 0 && repeated as f64 / content as f64 >= NEAR_REPEAT_SHARE;
            let fallback = if c.weak || near_repeat { FALLBACK_FACTOR } else { 1.0 };
            sum / (toks.len().max(1) as f64).powf(LENGTH_EXPONENT) * lead * fallback
        };
        let (k, _) = left
            .iter()
            .enumerate()
            .map(|(k, &i)| (k, gain(&cands[i])))
            .fold((0, f64::MIN), |best, x| if x.1 > best.1 { x } else { best });
        let i = left.remove(k);
        for &t in &cands[i].tokens {
            if !is_stop[t] {
                seen[t] += 1;
            }
        }
        chosen.push(i);
        words += cands[i].n_words;
    }
    // Reading order (leads first, articles in turn); the last sentence, which the length may
    // cut, stays last.
    if let Some(last) = chosen.pop() {
        chosen.sort_by_key(|&i| (cands[i].pos, cands[i].art));
        chosen.push(last);
    }
    chosen
        .iter()
        .map(|&i| {
            let c = &cands[i];
            let mut sources: BTreeSet<usize> = BTreeSet::from([c.art]);
            for d in &cands {
                if d.art != c.art && !sources.contains(&d.art) && overlaps(&d.words, &c.words) {
                    sources.insert(d.art);
                }
            }
            SummarySentence {
                text: c.text.clone(),
                sources: sources.into_iter().map(|a| articles[a].id.clone()).collect(),
            }
        })
        .collect()
}

/// Phrases of page furniture: error and player messages, reprint and sign-up prompts, photo
/// captions and credits.
const FURNITURE_PHRASES: &[&str] = &[
    "try again later",
    "not available right now",
    "could not be loaded",
    "will not appear anywhere",
    "this copy is for your personal",
    "stay up to date",
    "push notifications",
    "delivered weekday",
    "order reprints",
    "verification",
    "learn more",
    "all rights reserved",
    "may not be published, broadcast, rewritten",
    "share this",
    "sign up",
    "follow us",
    "( ap photo",
    "getty images",
    "image caption",
    "file - in this",
    "file photo",
];

fn is_page_furniture(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower.split(|c: char| !(c.is_alphanumeric() || c == '-')).any(|w| FURNITURE.contains(&w))
        || FURNITURE_PHRASES.iter().any(|p| lower.contains(p))
        || lower.split(|c: char| !(c.is_alphanumeric() || c == '-')).any(|w| {
            w.starts_with("crawl") || w.starts_with("webcrawl") || w.starts_with("notification")
        })
}

/// Words that mark a sentence about the web page rather than the news (archive notices, sharing
/// and sign-up prompts, player messages).
const FURNITURE: &[&str] = &[
    "crawl",
    "crawls",
    "wayback",
    "javascript",
    "cookies",
    "cookie",
    "browser",
    "newsletter",
    "subscribe",
    "subscription",
    "unsubscribe",
    "advertisement",
    "click",
    "tweet",
    "tweets",
    "homepage",
    "login",
    "sign-up",
    "email",
    "emails",
    "rented",
    "playlist",
];
