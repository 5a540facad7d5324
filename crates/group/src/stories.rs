//! Stories: online, single-pass clustering of articles that report the same event.
//!
//! A new article is scored against every story whose dated articles lie within
//! [`WINDOW_DAYS`] = 7 days of its publication date (distance to the story's first..last interval;
//! an undated article, or a story without dated articles, is compared with everything). It joins
//! the best-scoring story (ties: the older story) when
//!
//! ```text
//! score = (0.5·cos + 0.3·ent + 0.2·date) / (0.5 + 0.3·[ent known] + 0.2·[date known])
//!         − 0.15·[place conflict] − 0.10·[date conflict]            ≥ THRESHOLD = 0.30
//! and (the two share a specific entity  or  cos ≥ 0.5)
//! ```
//!
//! and otherwise starts a story whose id is its own article id. The parts:
//!
//! * `cos`: cosine of TF-IDF vectors, the article's stored top terms (sublinear tf `1 + ln tf`,
//!   title words counted ×3) against the story centroid (sum of its articles' tf vectors).
//!   `idf = ln((N + 1) / (df + 1)) + 1` over the N original (non-copy) articles seen, updated after
//!   each article.
//! * `ent`: share of the article's entity weight found in the story, an entity's weight being
//!   `type (PER, LOC 1.0; ORG 0.8; MISC 0.4) × (1 + ln mentions) × (ln((S + 1) / (sf + 1)) + 1)`
//!   with `sf` the number of the S stories that mention it (so "Reuters" or "United States",
//!   mentioned by many stories, weigh little); a shared entity counts in proportion to the
//!   story's articles naming it, `min(1, 2 · naming / size)`, so a large story does not absorb
//!   whatever shares a passing mention. Known when both sides have entities.
//! * A *specific* entity is a PER, LOC or ORG mentioned by at most `max(3, S / 20)` stories.
//! * `date`: mean of the known parts of: proximity `1 − gap / 7` of the publication date to the
//!   story's dates, and whether the article's normalised dates (TimeExpr days) share a day with
//!   the story's.
//! * Place conflict: both name places (LOC) and share none. Date conflict: both have normalised
//!   dates and none of the article's is within a day of one of the story's.
//!
//! The weights and threshold are provisional: a later issue calibrates them on ECB+ and Multi-News.
//! Copies join their original's story and only extend its date range (they add no weight to its
//! centroid, entities or document frequencies).

use std::collections::{BTreeMap, HashMap};

use storyline_model::{EntityType, StoryId};

use crate::Features;

pub const WINDOW_DAYS: i32 = 7;
pub const THRESHOLD: f64 = 0.30;
pub const STRONG_COSINE: f64 = 0.5;
const W_COS: f64 = 0.5;
const W_ENT: f64 = 0.3;
const W_DATE: f64 = 0.2;
const PLACE_PENALTY: f64 = 0.15;
const DATE_PENALTY: f64 = 0.10;

const LOC_BIT: u8 = 1;

fn kind_bit(kind: EntityType) -> u8 {
    match kind {
        EntityType::Location => LOC_BIT,
        EntityType::Person => 2,
        EntityType::Organisation => 4,
        EntityType::Misc => 8,
    }
}

fn kind_weight(kind: EntityType) -> f64 {
    match kind {
        EntityType::Person | EntityType::Location => 1.0,
        EntityType::Organisation => 0.8,
        EntityType::Misc => 0.4,
    }
}

#[derive(Debug, Default)]
struct Story {
    id: StoryId,
    /// Sum of the members' sublinear tf, by term id.
    centroid: BTreeMap<u32, f64>,
    /// Entity name → (bit set of the types it was tagged with, number of members naming it).
    entities: BTreeMap<String, (u8, u32)>,
    /// Normalised dates (day numbers) → number of members mentioning them.
    days: BTreeMap<i32, u32>,
    /// Earliest and latest publication day of the members.
    span: Option<(i32, i32)>,
    /// Original (non-copy) members.
    size: u32,
}

/// Why an article scored what it did against a story (for tests and debugging).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Score {
    pub cos: f64,
    pub ent: Option<f64>,
    pub date: Option<f64>,
    pub specific: bool,
    pub place_conflict: bool,
    pub date_conflict: bool,
    pub total: f64,
}

impl Score {
    pub fn passes(&self) -> bool {
        self.total >= THRESHOLD && (self.specific || self.cos >= STRONG_COSINE)
    }
}

/// All stories plus the corpus statistics scoring needs.
#[derive(Debug, Default)]
pub struct Stories {
    vocab: HashMap<String, u32>,
    /// `ln(df + 1)` by term id.
    ln_df: Vec<f64>,
    df: Vec<u32>,
    /// Original (non-copy) articles seen.
    docs: u32,
    /// Entity name → number of stories naming it.
    entity_sf: HashMap<String, u32>,
    stories: Vec<Story>,
    by_id: HashMap<StoryId, usize>,
    /// Postings: stories whose centroid has a term, by term id (ascending story positions).
    term_stories: Vec<Vec<u32>>,
    /// Postings: stories naming an entity.
    entity_stories: HashMap<String, Vec<u32>>,
}

/// An article's features prepared for scoring against the current statistics.
struct Prepared<'a> {
    /// (term id, tf-idf weight) for the known terms.
    terms: Vec<(u32, f64)>,
    norm: f64,
    features: &'a Features,
}

impl Stories {
    pub fn id(&self, story: usize) -> &StoryId {
        &self.stories[story].id
    }

    pub fn find(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The story with this id, created empty when new.
    pub fn get_or_create(&mut self, id: &StoryId) -> usize {
        if let Some(&s) = self.by_id.get(id) {
            return s;
        }
        self.stories.push(Story { id: id.clone(), ..Default::default() });
        self.by_id.insert(id.clone(), self.stories.len() - 1);
        self.stories.len() - 1
    }

    fn idf_base(&self) -> f64 {
        ((self.docs + 1) as f64).ln() + 1.0
    }

    fn prepare<'a>(&self, f: &'a Features) -> Prepared<'a> {
        let base = self.idf_base();
        let mut terms = Vec::with_capacity(f.terms.len());
        let mut norm = 0.0;
        for (term, tf) in &f.terms {
            let tf = 1.0 + (*tf as f64).max(1.0).ln();
            let (id, ln_df) = match self.vocab.get(term) {
                Some(&id) => (Some(id), self.ln_df[id as usize]),
                None => (None, 0.0),
            };
            let w = tf * (base - ln_df);
            norm += w * w;
            if let Some(id) = id {
                terms.push((id, w));
            }
        }
        Prepared { terms, norm: norm.sqrt(), features: f }
    }

    /// The stories that can pass the gate: those that share an entity with the article, or one
    /// of the fewest top-weighted terms without which the cosine could not reach
    /// [`STRONG_COSINE`] (by Cauchy–Schwarz, `cos ≤ |a restricted to shared terms| / |a|`). An
    /// exact pruning: it never changes the result. Ascending story positions.
    fn candidates(&self, p: &Prepared) -> Vec<usize> {
        let mut out: Vec<u32> = Vec::new();
        for e in &p.features.entities {
            if let Some(list) = self.entity_stories.get(&e.name) {
                out.extend(list);
            }
        }
        let mut terms = p.terms.clone();
        terms.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut rest: f64 = terms.iter().map(|(_, w)| w * w).sum();
        // Margin below 0.25 (= STRONG_COSINE²) for rounding.
        let limit = 0.249 * p.norm * p.norm;
        for (t, w) in terms {
            if rest < limit {
                break;
            }
            out.extend(&self.term_stories[t as usize]);
            rest -= w * w;
        }
        out.sort_unstable();
        out.dedup();
        out.into_iter().map(|s| s as usize).collect()
    }

    /// The best story for a new article, when one passes.
    pub fn best(&self, f: &Features) -> Option<(usize, Score)> {
        let p = self.prepare(f);
        let mut best: Option<(usize, Score)> = None;
        for i in self.candidates(&p) {
            let story = &self.stories[i];
            if let (Some(day), Some((first, last))) = (f.published, story.span) {
                if gap(day, first, last) > WINDOW_DAYS {
                    continue;
                }
            }
            let score = self.score_story(story, &p);
            if score.passes() && best.is_none_or(|(_, b)| score.total > b.total) {
                best = Some((i, score));
            }
        }
        best
    }

    /// Scores an article against a story by id (for tests and debugging).
    pub fn score(&self, story: &str, f: &Features) -> Option<Score> {
        let s = self.find(story)?;
        Some(self.score_story(&self.stories[s], &self.prepare(f)))
    }

    fn score_story(&self, story: &Story, p: &Prepared) -> Score {
        let f = p.features;
        // Cosine.
        let base = self.idf_base();
        let mut dot = 0.0;
        for &(t, w) in &p.terms {
            if let Some(c) = story.centroid.get(&t) {
                dot += w * c * (base - self.ln_df[t as usize]);
            }
        }
        let cos = if dot > 0.0 && p.norm > 0.0 {
            let snorm: f64 = story
                .centroid
                .iter()
                .map(|(&t, c)| {
                    let v = c * (base - self.ln_df[t as usize]);
                    v * v
                })
                .sum::<f64>()
                .sqrt();
            if snorm > 0.0 {
                (dot / (p.norm * snorm)).min(1.0)
            } else {
                0.0
            }
        } else {
            0.0
        };

        // Entities.
        let n_stories = self.stories.len() as f64;
        let specific_max = 3u32.max(self.stories.len() as u32 / 20);
        let (mut shared_w, mut total_w, mut specific) = (0.0, 0.0, false);
        let (mut art_places, mut shared_place) = (false, false);
        for e in &f.entities {
            let sf = self.entity_sf.get(&e.name).copied().unwrap_or(0);
            let w = kind_weight(e.kind)
                * (1.0 + (e.mentions.max(1) as f64).ln())
                * (((n_stories + 1.0) / (sf as f64 + 1.0)).ln() + 1.0);
            total_w += w;
            let in_story = story.entities.get(&e.name);
            if e.kind == EntityType::Location {
                art_places = true;
            }
            if let Some(&(bits, naming)) = in_story {
                shared_w += w * (2.0 * naming as f64 / story.size.max(1) as f64).min(1.0);
                if e.kind != EntityType::Misc && sf <= specific_max {
                    specific = true;
                }
                if e.kind == EntityType::Location || bits & LOC_BIT != 0 {
                    shared_place = true;
                }
            }
        }
        let story_places = story.entities.values().any(|&(bits, _)| bits & LOC_BIT != 0);
        let place_conflict = art_places && story_places && !shared_place;
        let ent = (total_w > 0.0 && !story.entities.is_empty()).then(|| shared_w / total_w);

        // Dates.
        let prox = match (f.published, story.span) {
            (Some(day), Some((first, last))) => {
                Some((1.0 - gap(day, first, last) as f64 / WINDOW_DAYS as f64).max(0.0))
            }
            _ => None,
        };
        let (shared_day, date_conflict) = if !f.days.is_empty() && !story.days.is_empty() {
            let shared = f.days.iter().any(|d| story.days.contains_key(d));
            let near = f.days.iter().any(|&d| story.days.range(d - 1..=d + 1).next().is_some());
            (Some(if shared { 1.0 } else { 0.0 }), !near)
        } else {
            (None, false)
        };
        let date = match (prox, shared_day) {
            (Some(a), Some(b)) => Some((a + b) / 2.0),
            (a, b) => a.or(b),
        };

        let mut num = W_COS * cos;
        let mut den = W_COS;
        if let Some(e) = ent {
            num += W_ENT * e;
            den += W_ENT;
        }
        if let Some(d) = date {
            num += W_DATE * d;
            den += W_DATE;
        }
        let mut total = num / den;
        if place_conflict {
            total -= PLACE_PENALTY;
        }
        if date_conflict {
            total -= DATE_PENALTY;
        }
        Score { cos, ent, date, specific, place_conflict, date_conflict, total }
    }

    /// Adds an article to a story. A copy only extends the story's dates.
    pub fn join(&mut self, s: usize, f: &Features, copy: bool) {
        let story = &mut self.stories[s];
        if let Some(day) = f.published {
            story.span = Some(match story.span {
                Some((a, b)) => (a.min(day), b.max(day)),
                None => (day, day),
            });
        }
        if copy {
            return;
        }
        story.size += 1;
        for e in &f.entities {
            let entry = story.entities.entry(e.name.clone()).or_insert((0, 0));
            if entry.1 == 0 {
                *self.entity_sf.entry(e.name.clone()).or_insert(0) += 1;
                self.entity_stories.entry(e.name.clone()).or_default().push(s as u32);
            }
            entry.0 |= kind_bit(e.kind);
            entry.1 += 1;
        }
        for &d in &f.days {
            *story.days.entry(d).or_insert(0) += 1;
        }
        for (term, tf) in &f.terms {
            let id = match self.vocab.get(term) {
                Some(&id) => id,
                None => {
                    let id = self.df.len() as u32;
                    self.vocab.insert(term.clone(), id);
                    self.df.push(0);
                    self.ln_df.push(0.0);
                    self.term_stories.push(Vec::new());
                    id
                }
            };
            self.df[id as usize] += 1;
            self.ln_df[id as usize] = ((self.df[id as usize] + 1) as f64).ln();
            let c = story.centroid.entry(id).or_insert(0.0);
            if *c == 0.0 {
                self.term_stories[id as usize].push(s as u32);
            }
            *c += 1.0 + (*tf as f64).max(1.0).ln();
        }
        self.docs += 1;
    }
}

/// Days between `day` and the interval `first..=last`.
fn gap(day: i32, first: i32, last: i32) -> i32 {
    if day < first {
        first - day
    } else if day > last {
        day - last
    } else {
        0
    }
}
