//! The story's timeline: every time expression that fixes a calendar day, grouped by that day across
//! articles and sorted by date, each with the sentence that mentions it and evidence spans.
//!
//! A publication date that only appears as the dateline ("KYIV, May 11 —") is left out. A day
//! after the story's latest publication date (announced talks, a deadline) is marked `future`.

use std::collections::BTreeMap;

use storyline_model::{Date, Evidence, Span, TimeExpr, TimeType, TimelineEntry};

use crate::Story;

struct Entry {
    text: String,
    articles: Vec<usize>,
    evidence: Vec<(usize, Span)>,
}

/// True when `t` is the article's own publication date written as its dateline: at the very start
/// of the first sentence, after nothing but capitalised place words and punctuation.
fn is_dateline(story: &Story, ai: usize, t: &TimeExpr, day: Date) -> bool {
    if story.arts[ai].published != Some(day) {
        return false;
    }
    let Some(first) = story.sentences[ai].first() else {
        return t.start < 60;
    };
    if t.start < first.start {
        return true; // before the first sentence: a header line
    }
    story.sentence_at(ai, t.start) == Some(0)
        && t.start - first.start < 60
        && !story.slice(ai, Span::new(first.start, t.start)).chars().any(char::is_lowercase)
}

pub(crate) fn timeline(story: &Story) -> Vec<TimelineEntry> {
    let mut days: BTreeMap<Date, Entry> = BTreeMap::new();
    for (ai, a) in story.arts.iter().enumerate() {
        for t in &a.analysis.times {
            let Some(day) = story.day_of(ai, t) else { continue };
            if is_dateline(story, ai, t, day) {
                continue;
            }
            let span =
                story.sentence_at(ai, t.start).map(|s| story.sentences[ai][s]).unwrap_or(t.span());
            let e = days.entry(day).or_insert_with(|| Entry {
                text: story.slice(ai, span).to_string(),
                articles: Vec::new(),
                evidence: Vec::new(),
            });
            if !e.articles.contains(&ai) {
                e.articles.push(ai);
            }
            if !e.evidence.contains(&(ai, span)) {
                e.evidence.push((ai, span));
            }
        }
    }
    let latest = story.arts.iter().filter_map(|a| a.published).max();
    days.into_iter()
        .map(|(day, e)| TimelineEntry {
            future: latest.is_some_and(|l| day > l),
            date: day,
            text: e.text,
            articles: e.articles.iter().map(|&a| story.id(a).clone()).collect(),
            evidence: e
                .evidence
                .iter()
                .map(|&(a, s)| Evidence {
                    article: story.id(a).clone(),
                    start: s.start,
                    end: s.end,
                })
                .collect(),
        })
        .collect()
}

/// How many dates and sentences a [`timeline_of`] should have, and the span it covers.
#[derive(Debug, Clone, Default)]
pub struct TimelineOptions {
    /// Number of dates to select.
    pub dates: usize,
    /// Sentences per date.
    pub sentences_per_date: usize,
    /// Only dates in `[start, end]` (inclusive) when given.
    pub start: Option<Date>,
    pub end: Option<Date>,
    /// Query words (lowercase): sentences containing one are preferred.
    pub keywords: Vec<String>,
}

/// One date of a [`timeline_of`]: its day and the sentences chosen for it.
#[derive(Debug, Clone, PartialEq)]
pub struct DatedSummary {
    pub date: Date,
    pub sentences: Vec<String>,
}

/// Number of date-ranker features ([`DATE_FEATURE_NAMES`]).
pub const N_DATE_FEATURES: usize = 12;

/// The date ranker's features of a candidate day, in the order of [`CandidateDay::features`].
/// Counts enter as `ln(1 + n) / ln(1 + max n)` over the collection's candidate days, so a
/// ten-article topic and a thousand-article one give the same scale.
pub const DATE_FEATURE_NAMES: [&str; N_DATE_FEATURES] = [
    // sentences that name the day
    "mentions",
    // articles that name the day
    "articles",
    // articles published after the day that name it (it was remembered)
    "recalled",
    // articles published before the day that name it (it was announced)
    "announced",
    // articles published on the day
    "published",
    // articles published the day after (the burst a happening sets off)
    "published_next",
    // articles that name the day in their lead (first three sentences)
    "lead",
    // the day's sentences' cosine to the collection's centroid, minus the mean over the days
    "relevance",
    // share of the naming sentences with an event (a PLOVER trigger)
    "event",
    // mean ln(1 + days between the day and the naming article's publication) / ln(366)
    "distance",
    // 1 when some sentence names the day (0: a publication day only)
    "named",
    // the mention count rule, over its largest value: one point per article that names the day
    // (two from an article of another day: it was remembered or announced), half a point per
    // article published on it
    "count",
];

/// One candidate day of a collection and its ranker features ([`DATE_FEATURE_NAMES`]).
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateDay {
    pub date: Date,
    pub features: [f64; N_DATE_FEATURES],
}

/// A linear date ranker: a day's score is `bias + weights · features`. When choosing `k` of `n`
/// candidate days, a day next to one already chosen (one day apart) loses
/// `adjacent × max(0, 1 − 2k / n)`: redundancy control over runs of days that tell one
/// happening, where there are more than twice as many candidate days as days to keep; none
/// where there are fewer (a timeline that must cover most days of its span is made of adjacent
/// days).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DateRanker {
    pub bias: f64,
    pub weights: [f64; N_DATE_FEATURES],
    pub adjacent: f64,
}

impl DateRanker {
    /// The score of one day (a logit).
    pub fn score(&self, x: &[f64; N_DATE_FEATURES]) -> f64 {
        self.bias + self.weights.iter().zip(x).map(|(w, v)| w * v).sum::<f64>()
    }

    /// The `k` days to keep, in the order chosen: the best score first; after each choice the
    /// days one day away from it lose the adjacency penalty. Ties go to the earlier day.
    pub fn select(&self, days: &[CandidateDay], k: usize) -> Vec<Date> {
        let penalty = self.adjacent * (1.0 - 2.0 * k as f64 / days.len().max(1) as f64).max(0.0);
        let mut scored: Vec<(f64, Date)> =
            days.iter().map(|d| (self.score(&d.features), d.date)).collect();
        let mut chosen: Vec<Date> = Vec::new();
        while chosen.len() < k && !scored.is_empty() {
            let best = (0..scored.len())
                .max_by(|&a, &b| {
                    scored[a].0.total_cmp(&scored[b].0).then(scored[b].1.cmp(&scored[a].1))
                })
                .expect("non-empty");
            let (_, day) = scored.swap_remove(best);
            chosen.push(day);
            for (s, d) in scored.iter_mut() {
                if days_between(*d, day) == 1 {
                    *s -= penalty;
                }
            }
        }
        chosen
    }
}

/// The shipped date ranker: the mention count rule (`count`, weight fixed at 4) with learned
/// corrections, a logistic regression over the other [`DATE_FEATURE_NAMES`] (is the day one of
/// the journalists' timeline dates?, each timeline weighing the same) shrunk towards the rule by
/// a ridge of 100, fitted on the six Timeline17 development timelines by
/// `cargo run --release -p storyline-train --example fit_timelines -- ../shared/data/timelines/timeline17`
/// (ridge and adjacency penalty chosen by leave-one-topic-out cross-validation, the three H1N1
/// outlets one topic; see `crates/train/examples/fit_timelines.rs` and the README's figures).
pub const DATE_RANKER: DateRanker = DateRanker {
    bias: -0.851,
    weights: [0.106, 0.125, 0.106, 0.031, 0.178, 0.247, 0.052, 0.073, -0.033, -0.022, 0.062, 4.000],
    adjacent: 1.000,
};

fn days_between(a: Date, b: Date) -> i64 {
    a.since(b).map_or(i64::MAX, |s| i64::from(s.get_days()).abs())
}

/// A candidate sentence of a day: (article, sentence text).
type Candidate = (usize, String);

/// Every candidate day of a collection with its features, and the candidate sentences of each.
/// A candidate day lies in the options' range, is named by a time expression that fixes that
/// one day or is some article's publication day, and has at least one sentence of 6 to 60 words
/// to show for it.
fn collect(
    articles: &[storyline_model::Article],
    opts: &TimelineOptions,
) -> (Vec<CandidateDay>, BTreeMap<Date, Vec<Candidate>>) {
    use std::collections::BTreeSet;
    let in_range = |d: Date| opts.start.is_none_or(|s| d >= s) && opts.end.is_none_or(|e| d <= e);
    #[derive(Default)]
    struct Stats {
        mentions: usize,
        articles: usize,
        recalled: usize,
        announced: usize,
        published: usize,
        lead: usize,
        events: usize,
        distance: f64,
    }
    let mut stats: BTreeMap<Date, Stats> = BTreeMap::new();
    let mut published: BTreeMap<Date, usize> = BTreeMap::new();
    let mut cands: BTreeMap<Date, Vec<Candidate>> = BTreeMap::new();
    let encoder = storyline_embed::Encoder::shipped();
    let mut centroid = vec![0f32; encoder.dim()];
    for (ai, a) in articles.iter().enumerate() {
        let index = storyline_model::offsets::CharIndex::new(&a.text);
        let sentence_text = |s: Span| a.text[index.byte_of(s.start)..index.byte_of(s.end)].trim();
        for &s in a.analysis.sentences.iter().take(3) {
            for (c, v) in centroid.iter_mut().zip(encoder.embed(sentence_text(s))) {
                *c += v;
            }
        }
        if let Some(p) = a.published {
            *published.entry(p).or_default() += 1;
        }
        let mut referred: BTreeMap<Date, BTreeSet<usize>> = BTreeMap::new();
        for t in &a.analysis.times {
            let Some(day) = t.day() else { continue };
            // Only values that name one day ("2009-05-04", not a month or a week).
            if t.kind != TimeType::Date
                || !matches!(t.value, Some(storyline_model::Timex::Day(_)))
                || !in_range(day)
            {
                continue;
            }
            if let Some(si) = a.analysis.sentence_of(t.start) {
                referred.entry(day).or_default().insert(si);
            }
        }
        for (day, sents) in &referred {
            let st = stats.entry(*day).or_default();
            st.articles += 1;
            match a.published {
                Some(p) if p > *day => st.recalled += 1,
                Some(p) if p < *day => st.announced += 1,
                _ => {}
            }
            if sents.iter().any(|&si| si < 3) {
                st.lead += 1;
            }
            for &si in sents {
                st.mentions += 1;
                if a.analysis.events.iter().any(|e| e.sentence == si) {
                    st.events += 1;
                }
                if let Some(p) = a.published {
                    st.distance += (1.0 + days_between(p, *day) as f64).ln() / 366f64.ln();
                }
                cands
                    .entry(*day)
                    .or_default()
                    .push((ai, sentence_text(a.analysis.sentences[si]).to_string()));
            }
        }
        if let Some(p) = a.published.filter(|&p| in_range(p)) {
            stats.entry(p).or_default().published += 1;
            let dated: BTreeSet<usize> = referred.values().flatten().copied().collect();
            for (si, &s) in a.analysis.sentences.iter().enumerate().take(3) {
                if !dated.contains(&si) {
                    cands.entry(p).or_default().push((ai, sentence_text(s).to_string()));
                }
            }
        }
    }
    let usable = |s: &str| (6..=60).contains(&s.split_whitespace().count());
    stats.retain(|d, _| cands.get(d).is_some_and(|c| c.iter().any(|(_, s)| usable(s))));
    let norm: f32 = centroid.iter().map(|v| v * v).sum::<f32>().sqrt().max(1e-9);
    centroid.iter_mut().for_each(|v| *v /= norm);
    let relevance: BTreeMap<Date, f64> = stats
        .keys()
        .map(|d| {
            let list = &cands[d];
            let sum: f64 = list
                .iter()
                .map(|(_, s)| f64::from(storyline_embed::cosine(&encoder.embed(s), &centroid)))
                .sum();
            (*d, sum / list.len().max(1) as f64)
        })
        .collect();
    let mean_rel = relevance.values().sum::<f64>() / relevance.len().max(1) as f64;
    let max = |f: &dyn Fn(&Stats) -> usize| stats.values().map(f).max().unwrap_or(0);
    let scale = |n: usize, m: usize| {
        if m == 0 {
            0.0
        } else {
            (1.0 + n as f64).ln() / (1.0 + m as f64).ln()
        }
    };
    let next = |d: Date| d.tomorrow().ok().and_then(|t| published.get(&t).copied()).unwrap_or(0);
    let (m_mentions, m_articles, m_recalled, m_announced, m_published, m_lead) = (
        max(&|s| s.mentions),
        max(&|s| s.articles),
        max(&|s| s.recalled),
        max(&|s| s.announced),
        max(&|s| s.published),
        max(&|s| s.lead),
    );
    let m_next = stats.keys().map(|&d| next(d)).max().unwrap_or(0);
    let count = |s: &Stats| {
        let other = s.recalled + s.announced;
        2.0 * other as f64 + (s.articles - other) as f64 + 0.5 * s.published as f64
    };
    let m_count = stats.values().map(count).fold(0.0, f64::max).max(1e-9);
    let days = stats
        .iter()
        .map(|(&date, s)| {
            let per_mention = |x: f64| if s.mentions == 0 { 0.0 } else { x / s.mentions as f64 };
            CandidateDay {
                date,
                features: [
                    scale(s.mentions, m_mentions),
                    scale(s.articles, m_articles),
                    scale(s.recalled, m_recalled),
                    scale(s.announced, m_announced),
                    scale(s.published, m_published),
                    scale(next(date), m_next),
                    scale(s.lead, m_lead),
                    relevance[&date] - mean_rel,
                    per_mention(s.events as f64),
                    per_mention(s.distance),
                    if s.mentions > 0 { 1.0 } else { 0.0 },
                    count(s) / m_count,
                ],
            }
        })
        .collect();
    (days, cands)
}

/// The candidate days of a collection with their ranker features (what [`timeline_of`] ranks;
/// the fitting tool's input).
pub fn candidate_days(
    articles: &[storyline_model::Article],
    opts: &TimelineOptions,
) -> Vec<CandidateDay> {
    collect(articles, opts).0
}

/// A timeline summary of a large dated collection (Timeline17-style) with the shipped
/// [`DATE_RANKER`].
///
/// Date selection (DATEWISE, Gholipour Ghalandari & Ifrim 2020): every candidate day — named by
/// a time expression that fixes the day, or some article's publication day — gets the features
/// of [`DATE_FEATURE_NAMES`] (how many sentences and articles name it, from before or after it,
/// in their lead; the articles published on it and the day after; how close its sentences are
/// to the collection's centroid; events in them; how far they look back), the ranker scores it,
/// and the best days are kept, a day next to a chosen one losing the adjacency penalty.
/// Sentence selection for a day: the sentences that name the day, and the lead sentences of the
/// articles published on it when they name no other day; scored by content-word similarity to
/// all of that day's candidates (their centroid) with a preference for query words, picked
/// without repeating content. The timeline is in date order.
pub fn timeline_of(
    articles: &[storyline_model::Article],
    opts: &TimelineOptions,
) -> Vec<DatedSummary> {
    timeline_with(articles, opts, &DATE_RANKER)
}

/// [`timeline_of`] with another date ranker (the fitting tool's cross-validation).
pub fn timeline_with(
    articles: &[storyline_model::Article],
    opts: &TimelineOptions,
    ranker: &DateRanker,
) -> Vec<DatedSummary> {
    use crate::text::content_words;
    use std::collections::{BTreeSet, HashMap};
    let (days, cands) = collect(articles, opts);
    let mut out: Vec<DatedSummary> = Vec::new();
    for day in ranker.select(&days, opts.dates) {
        let list = cands.get(&day).map(Vec::as_slice).unwrap_or_default();
        let words: Vec<BTreeSet<String>> = list.iter().map(|(_, s)| content_words(s)).collect();
        let mut centroid: HashMap<&str, f64> = HashMap::new();
        for w in words.iter().flatten() {
            *centroid.entry(w.as_str()).or_default() += 1.0;
        }
        let mut ranked: Vec<(f64, usize)> = (0..list.len())
            .filter(|&i| {
                let n = list[i].1.split_whitespace().count();
                (6..=60).contains(&n)
            })
            .map(|i| {
                let w = &words[i];
                let sim: f64 = w.iter().map(|x| centroid[x.as_str()]).sum::<f64>()
                    / (w.len().max(1) as f64).sqrt();
                let lower = list[i].1.to_lowercase();
                let query = opts.keywords.iter().any(|k| lower.contains(k.as_str()));
                (sim * if query { 1.5 } else { 1.0 }, i)
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut chosen: Vec<usize> = Vec::new();
        for &(_, i) in &ranked {
            if chosen.len() >= opts.sentences_per_date {
                break;
            }
            let dup = chosen.iter().any(|&j| {
                let inter = words[i].intersection(&words[j]).count();
                inter as f64 / words[i].len().min(words[j].len()).max(1) as f64 >= 0.5
            });
            if !dup {
                chosen.push(i);
            }
        }
        if !chosen.is_empty() {
            out.push(DatedSummary {
                date: day,
                sentences: chosen.iter().map(|&i| list[i].1.clone()).collect(),
            });
        }
    }
    out.sort_by_key(|d| d.date);
    out
}
