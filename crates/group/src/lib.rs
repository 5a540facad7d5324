//! Grouping: links copies (exact and near-duplicate) to their original and clusters articles that
//! report the same event into stories, online: each new article joins a story or starts one.
//!
//! Pure in-memory state ([`Grouper`]); the caller restores it from the store and persists the
//! [`Features`] and [`Grouping`] it returns.
//!
//! * [`text`]: normalisation, content terms (stopwords, stemming), stable hashes.
//! * [`copies`]: exact copies (normalised-body hash) and near copies (MinHash + banded LSH,
//!   verified: similarity ≥ 0.8).
//! * [`stories`]: the story score (TF-IDF cosine, entities, dates, place/date conflicts) and its
//!   threshold.
//!
//! ```
//! use storyline_group::{Features, Grouper};
//! let mut g = Grouper::new();
//! let a = g.add(&"a1".into(), Features::default());
//! assert_eq!(a.story.as_deref(), Some("a1"));
//! ```
//!
//! Grouping is deterministic: the same articles restored and added in the same order give the same
//! groupings (no hash-map iteration order reaches a result), and a new story's id is the id of the
//! article that started it, so ids are stable across re-runs.

pub mod copies;
pub mod model;
pub mod stories;
pub mod text;

use std::collections::BTreeMap;

use foldhash::HashMap;

use serde::{Deserialize, Serialize};
use storyline_model::{
    Article, ArticleId, EntityType, Grouping, StoryId, StorylineId, TimeType, Timex, TitleOrigin,
};

use crate::copies::NEAR_THRESHOLD;
use crate::model::Model;
use crate::stories::{Stories, STORYLINE_DAYS, WINDOW_DAYS};

/// An article is late ([`Grouper::is_late`]) when it is older than the newest day seen by more
/// than this many days: the stories it could join (first dated within [`WINDOW_DAYS`] of it) may
/// have left the working set, which keeps [`STORYLINE_DAYS`].
pub const LATE_DAYS: i32 = STORYLINE_DAYS - WINDOW_DAYS;

/// How many weighted terms [`Features::terms`] keeps.
pub const MAX_TERMS: usize = 48;
/// How many entities [`Features::entities`] keeps.
pub const MAX_ENTITIES: usize = 24;
/// How many normalised dates [`Features::days`] keeps.
pub const MAX_DAYS: usize = 16;
/// How many years [`Features::years`] keeps (the most mentioned).
pub const MAX_YEARS: usize = 4;
/// Title words count this many times in the term weights (a title synthesised from the lead
/// sentence counts once more, as it repeats the body).
pub const TITLE_WEIGHT: f32 = 3.0;
/// How many sentences of the body, with the title, make an article's lead ([`Features::lead`]):
/// where a news report states its happening (who did what, when, where).
pub const LEAD_SENTENCES: usize = 5;

/// What grouping needs to remember about an article (persisted by the store as JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Features {
    /// Hex hash of the normalised body (empty for an empty body): equal means exact copy.
    pub exact: String,
    /// Number of distinct word 5-shingles of the body.
    pub shingles: u32,
    /// MinHash signature of the body's shingles (128 values; empty for very short bodies).
    pub minhash: Vec<u32>,
    /// Up to [`MAX_TERMS`] stemmed content terms with their weighted counts (title ×3): the most
    /// salient by weighted count × background idf ([`text::background`]), sorted by term.
    pub terms: Vec<(String, f32)>,
    /// Up to [`MAX_ENTITIES`] entities (lowercase canonical names), sorted by name.
    pub entities: Vec<EntityFeature>,
    /// Publication date, days since 1970-01-01.
    pub published: Option<i32>,
    /// Days (since 1970-01-01) named by the article's normalised time expressions, sorted.
    pub days: Vec<i32>,
    /// Calendar years named by the article's normalised dates (a day, week, month or year
    /// value), sorted, at most [`MAX_YEARS`].
    pub years: Vec<i32>,
    /// Content terms of the lead (the title and the first [`LEAD_SENTENCES`] sentences) with
    /// their counts, sorted by term. Empty in features stored before it existed.
    pub lead: Vec<(String, f32)>,
}

/// One entity an article names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityFeature {
    /// Canonical name, lowercased, whitespace collapsed.
    pub name: String,
    /// The type it is most often tagged with.
    pub kind: EntityType,
    pub mentions: u32,
}

/// Computes an analysed article's grouping features.
pub fn features(article: &Article) -> Features {
    let fp = copies::fingerprint(&article.text);

    let mut tf: BTreeMap<String, f32> = BTreeMap::new();
    for t in text::terms(&article.text) {
        *tf.entry(t).or_insert(0.0) += 1.0;
    }
    if let Some(title) = &article.title {
        let w = if article.title_origin == TitleOrigin::Synthesised { 1.0 } else { TITLE_WEIGHT };
        for t in text::terms(title) {
            *tf.entry(t).or_insert(0.0) += w;
        }
    }
    // The terms that say most about this article: weighted count × background idf (a word every
    // report uses would take a slot and then be skipped as too common to retrieve on).
    let mut salient: Vec<(f32, String, f32)> =
        tf.into_iter().map(|(t, n)| (n * text::background_idf(&t), t, n)).collect();
    salient.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    salient.truncate(MAX_TERMS);
    let mut terms: Vec<(String, f32)> = salient.into_iter().map(|(_, t, n)| (t, n)).collect();
    terms.sort_by(|a, b| a.0.cmp(&b.0));

    let mut ents: BTreeMap<String, BTreeMap<EntityType, u32>> = BTreeMap::new();
    for e in &article.analysis.entities {
        let name = storyline_text::normalise::copy_words(&e.canonical.to_lowercase())
            .collect::<Vec<_>>()
            .join(" ");
        if !name.is_empty() {
            *ents.entry(name).or_default().entry(e.kind).or_insert(0) += 1;
        }
    }
    let mut entities: Vec<EntityFeature> = ents
        .into_iter()
        .map(|(name, kinds)| {
            let mentions = kinds.values().sum();
            // Most frequent type; ties to the first in EntityType order (BTreeMap order).
            let kind = kinds
                .iter()
                .fold((EntityType::Misc, 0), |b, (&k, &n)| if n > b.1 { (k, n) } else { b })
                .0;
            EntityFeature { name, kind, mentions }
        })
        .collect();
    entities.sort_by(|a, b| b.mentions.cmp(&a.mentions).then_with(|| a.name.cmp(&b.name)));
    entities.truncate(MAX_ENTITIES);
    entities.sort_by(|a, b| a.name.cmp(&b.name));

    let mut day_counts: BTreeMap<i32, u32> = BTreeMap::new();
    let mut year_counts: BTreeMap<i32, u32> = BTreeMap::new();
    for t in &article.analysis.times {
        if t.kind == TimeType::Date || t.kind == TimeType::Time {
            if let Some(d) = t.day() {
                *day_counts.entry(text::day_number(d)).or_insert(0) += 1;
            }
            if let Some(y) = t.value.as_ref().and_then(Timex::year) {
                *year_counts.entry(i32::from(y)).or_insert(0) += 1;
            }
        }
    }
    let mut years: Vec<(i32, u32)> = year_counts.into_iter().collect();
    years.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| b.0.cmp(&a.0)));
    years.truncate(MAX_YEARS);
    let mut years: Vec<i32> = years.into_iter().map(|(y, _)| y).collect();
    years.sort_unstable();
    let mut days: Vec<(i32, u32)> = day_counts.into_iter().collect();
    days.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    days.truncate(MAX_DAYS);
    let mut days: Vec<i32> = days.into_iter().map(|(d, _)| d).collect();
    days.sort_unstable();

    // The lead: the title (unless synthesised from the first sentence) and the first sentences.
    let mut lead_tf: BTreeMap<String, f32> = BTreeMap::new();
    if let Some(title) =
        article.title.as_ref().filter(|_| article.title_origin != TitleOrigin::Synthesised)
    {
        for t in text::terms(title) {
            *lead_tf.entry(t).or_insert(0.0) += 1.0;
        }
    }
    let lead_end = article
        .analysis
        .sentences
        .get(LEAD_SENTENCES - 1)
        .or(article.analysis.sentences.last())
        .map_or(usize::MAX, |s| s.end);
    let lead_text: String = article.text.chars().take(lead_end).collect();
    for t in text::terms(&lead_text) {
        *lead_tf.entry(t).or_insert(0.0) += 1.0;
    }

    Features {
        lead: lead_tf.into_iter().collect(),
        exact: fp.exact,
        shingles: fp.shingles,
        minhash: fp.minhash,
        terms,
        entities,
        published: article.published.map(text::day_number),
        days,
        years,
    }
}

/// The order [`Grouper::add_batch`] groups a batch in: dated articles by publication day, then
/// undated ones (they count as published on the newest day seen), ties by article id — a
/// content address, so the order is the same whatever order the batch arrived in.
pub fn batch_order(batch: &[(ArticleId, Features)]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..batch.len()).collect();
    order.sort_by(|&a, &b| {
        let key = |i: usize| (batch[i].1.published.is_none(), batch[i].1.published);
        key(a).cmp(&key(b)).then_with(|| batch[a].0.cmp(&batch[b].0))
    });
    order
}

/// The online grouping state: the working set of recent stories (see [`stories`]) and the join
/// rule ([`model::Model`]).
#[derive(Debug, Default)]
pub struct Grouper {
    model: Model,
    ids: HashMap<ArticleId, usize>,
    stories: Stories,
    seen: usize,
}

/// The decision for one article (for the fitting tool and debugging).
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub grouping: Grouping,
    /// Probability of the story joined (None for a copy or a new story).
    pub join_probability: Option<f64>,
}

impl Grouper {
    /// A grouper with the committed [`model::FITTED`] rule.
    pub fn new() -> Self {
        Self::default()
    }

    /// A grouper with another rule (fitting, experiments).
    pub fn with_model(model: Model) -> Self {
        Grouper { model, ..Self::default() }
    }

    /// Number of articles restored or added (all time).
    pub fn len(&self) -> usize {
        self.seen
    }

    pub fn is_empty(&self) -> bool {
        self.seen == 0
    }

    /// The working set (for tests, benchmarks and debugging).
    pub fn stories(&self) -> &Stories {
        &self.stories
    }

    /// The working set, mutable (scoring uses scratch space).
    pub fn stories_mut(&mut self) -> &mut Stories {
        &mut self.stories
    }

    /// The same rule with an empty working set (a second grouper over other days).
    pub fn empty_like(&self) -> Self {
        Self::with_model(self.model)
    }

    /// Whether an article published on `day` is *late*: older than the newest day seen by more
    /// than [`LATE_DAYS`], so the stories of its own days it could join or continue may have left
    /// the working set (a backfill, a second archive, a slow feed). A late article is grouped
    /// among the stored stories of its own days instead (see `storyline_pipeline`), unless
    /// it is a copy of an article this grouper knows ([`Grouper::knows_a_copy_of`]).
    pub fn is_late(&self, day: Option<i32>) -> bool {
        matches!((day, self.stories.now()), (Some(day), Some(now)) if day < now - LATE_DAYS)
    }

    /// Whether the working set or the copy archive holds an article `features` copies.
    pub fn knows_a_copy_of(&self, features: &Features) -> bool {
        self.find_copy(features).is_some()
            || self
                .stories
                .archive
                .find(&features.exact, &features.minhash, features.shingles)
                .is_some()
    }

    /// Re-adds an article grouped in an earlier run, keeping its grouping as it was. An id already
    /// in the working set is ignored.
    pub fn restore(&mut self, id: &ArticleId, features: Features, grouping: &Grouping) {
        if self.ids.contains_key(id) {
            return;
        }
        let story_id = grouping.story.clone().unwrap_or_else(|| StoryId::started_by(id));
        let story = self.stories.get_or_create(&story_id, grouping.storyline.as_ref());
        let mut grouping = grouping.clone();
        grouping.story = Some(story_id);
        let copy = grouping.duplicate_of.is_some();
        self.insert(id, &features, grouping, story, copy);
    }

    /// Groups a new article: links it to a copy it duplicates, and puts it in a story and a
    /// storyline. An id already in the working set gets its grouping back unchanged.
    pub fn add(&mut self, id: &ArticleId, features: Features) -> Grouping {
        self.decide(id, features).grouping
    }

    /// Groups a batch of new articles in [`batch_order`] (by publication day, then id) rather
    /// than in arrival order, so the stories of a batch do not depend on the order its articles
    /// arrived in; then reconsiders the stories the batch started ([`Self::reconsider`]).
    /// Returns the groupings in input order.
    pub fn add_batch(&mut self, batch: &[(ArticleId, Features)]) -> Vec<Grouping> {
        let mut out = vec![Grouping::default(); batch.len()];
        let mut founders = Vec::new();
        for i in batch_order(batch) {
            let (id, features) = &batch[i];
            out[i] = self.add(id, features.clone());
            if out[i].duplicate_of.is_none() && out[i].story.as_deref() == Some(id.as_str()) {
                founders.push(i);
            }
        }
        if self.reconsider(batch, &founders) {
            // Merges moved members: read their groupings back (an article whose story already
            // left the window keeps the grouping it was given).
            for (i, (id, _)) in batch.iter().enumerate() {
                let live = self.ids.get(id).and_then(|&slot| self.stories.live_member(slot));
                if let Some(m) = live.filter(|m| &m.id == id) {
                    out[i] = m.grouping.clone();
                }
            }
        }
        out
    }

    /// The second pass over a batch: each story the batch started (`founders`, indices into
    /// `batch` in the order they were grouped) asks again, with every article of the batch now
    /// in place, whether its first article would join another story; if so the two stories
    /// merge (the older keeps its id). An early report of a happening that found no match when
    /// it arrived is not left apart because the reports that match it came later in the batch.
    /// Returns whether any stories merged.
    fn reconsider(&mut self, batch: &[(ArticleId, Features)], founders: &[usize]) -> bool {
        let mut merged = false;
        for &i in founders {
            let (id, features) = &batch[i];
            let Some(own) = self.stories.find(id) else { continue };
            let scored = self.scored_candidates(features);
            let Some((_, other)) = self.joinable(&scored, Some(own)) else { continue };
            let (keep, gone) = if self.stories.seq(other) < self.stories.seq(own) {
                (other, own)
            } else {
                (own, other)
            };
            let gone_id = self.stories.id(gone).clone();
            self.stories.merge(keep, gone);
            merged = true;
            // Stories of this batch that continued the merged story's storyline follow it.
            let storyline = self.stories.storyline(keep).clone();
            for &j in founders {
                if let Some(s) = self.stories.find(&batch[j].0) {
                    if *self.stories.storyline(s) == StorylineId::started_by(&gone_id) {
                        self.stories.set_storyline(s, &storyline);
                    }
                }
            }
        }
        merged
    }

    /// The article's candidate stories with their join probabilities.
    fn scored_candidates(&mut self, features: &Features) -> Vec<(f64, stories::Candidate)> {
        // Leads are compared only where the model could join (or continue a storyline under a
        // lead gate).
        let m = self.model;
        let need = move |x: &[f64; model::NF]| {
            let p = m.prob(x);
            p >= m.join || (m.storyline_lead_min > 0.0 && p >= m.storyline)
        };
        let candidates = self.stories.candidates_with(features, &need);
        candidates.into_iter().map(|c| (self.model.prob(&c.x), c)).collect()
    }

    /// The story an article joins among its scored candidates (other than `skip`), with its
    /// probability: the most probable that passes the join threshold and the same-happening
    /// gate, ties to the older story — unless the article is a round-up, live blog or explainer
    /// resembling several stories of its days, none dominating (lead cosine clearly above the
    /// others'), which joins none.
    fn joinable(
        &self,
        scored: &[(f64, stories::Candidate)],
        skip: Option<usize>,
    ) -> Option<(f64, usize)> {
        let model = self.model;
        let joinable = |c: &stories::Candidate| {
            Some(c.story) != skip && c.age <= WINDOW_DAYS && model.gate(&c.x, c.lead_known, c.dated)
        };
        let mut passing: Vec<f64> = scored
            .iter()
            .filter(|(p, c)| *p >= model.join && c.dated && c.lead_known && joinable(c))
            .map(|(_, c)| c.x[model::LEAD_MAX])
            .collect();
        passing.sort_by(|a, b| b.total_cmp(a));
        if passing.len() >= 2 && passing[1] >= model.dominance * passing[0] {
            return None;
        }
        best_of(scored, &joinable, model.join)
    }

    /// [`Self::add`], with the probability behind the decision.
    pub fn decide(&mut self, id: &ArticleId, features: Features) -> Decision {
        if let Some(&slot) = self.ids.get(id) {
            let grouping = self.stories.member(slot).grouping.clone();
            return Decision { grouping, join_probability: None };
        }
        let day = features.published;
        self.stories.advance(day);
        if let Some((orig, sim)) = self.find_copy(&features) {
            let m = self.stories.member(orig);
            let story = m.story;
            let grouping = Grouping {
                duplicate_of: Some(m.id.clone()),
                duplicate_similarity: Some(sim),
                story: Some(self.stories.id(story).clone()),
                storyline: Some(self.stories.storyline(story).clone()),
            };
            self.insert(id, &features, grouping.clone(), story, true);
            return Decision { grouping, join_probability: None };
        }
        if let Some((orig, sim)) = self
            .stories
            .archive
            .find(&features.exact, &features.minhash, features.shingles)
            .map(|(a, sim)| (a.clone(), sim))
        {
            // A copy of an original that left the working set: back into its story.
            let story = self.stories.get_or_create(&orig.story, Some(&orig.storyline));
            let grouping = Grouping {
                duplicate_of: Some(orig.id.clone()),
                duplicate_similarity: Some(sim),
                story: Some(orig.story.clone()),
                storyline: Some(self.stories.storyline(story).clone()),
            };
            self.insert(id, &features, grouping.clone(), story, true);
            return Decision { grouping, join_probability: None };
        }
        let scored = self.scored_candidates(&features);
        let (story, prob) = match self.joinable(&scored, None) {
            Some((p, s)) => (s, Some(p)),
            None => {
                // A storyline is one developing topic: never continued across a place conflict.
                let model = self.model;
                let continues = |c: &stories::Candidate| {
                    c.x[model::PLACE_CONFLICT] == 0.0
                        && model.storyline_gate(&c.x, c.lead_known, c.dated)
                };
                let storyline = best_of(&scored, &continues, model.storyline)
                    .map(|(_, s)| self.stories.storyline(s).clone());
                (self.stories.get_or_create(&StoryId::started_by(id), storyline.as_ref()), None)
            }
        };
        let grouping = Grouping {
            duplicate_of: None,
            duplicate_similarity: None,
            story: Some(self.stories.id(story).clone()),
            storyline: Some(self.stories.storyline(story).clone()),
        };
        self.insert(id, &features, grouping.clone(), story, false);
        Decision { grouping, join_probability: prob }
    }

    fn insert(
        &mut self,
        id: &ArticleId,
        features: &Features,
        grouping: Grouping,
        story: usize,
        copy: bool,
    ) {
        let slot = self.stories.join(story, id, features, grouping, copy);
        self.ids.insert(id.clone(), slot);
        self.seen += 1;
        // Forget the ids of evicted members.
        if self.ids.len() > 2 * self.stories.active_members() + 1024 {
            let stories = &self.stories;
            self.ids.retain(|id, &mut slot| stories.live_member(slot).is_some_and(|m| &m.id == id));
        }
    }

    /// The article this one copies, with the similarity: an exact copy's earliest original, else
    /// the most similar verified near copy, originals preferred over copies, ties to the earliest.
    fn find_copy(&self, f: &Features) -> Option<(usize, f32)> {
        if let Some(i) = self.stories.copies.exact(&f.exact) {
            return Some((i, 1.0));
        }
        let mut best: Option<(usize, f32, bool, u64)> = None;
        for c in self.stories.copies.candidates(&f.minhash) {
            let Some(m) = self.stories.live_member(c) else { continue };
            let sim = copies::similarity(&f.minhash, f.shingles, &m.minhash, m.shingles);
            if sim < NEAR_THRESHOLD {
                continue;
            }
            let original = m.grouping.duplicate_of.is_none();
            let better = match best {
                None => true,
                Some((_, bs, bo, bseq)) => {
                    (original, sim, std::cmp::Reverse(m.seq)) > (bo, bs, std::cmp::Reverse(bseq))
                }
            };
            if better {
                best = Some((c, sim, original, m.seq));
            }
        }
        best.map(|(c, s, _, _)| (c, s))
    }
}

/// The most probable candidate with probability at least `min` that `ok` accepts, ties to the
/// older story: (probability, story slot).
fn best_of(
    scored: &[(f64, stories::Candidate)],
    ok: &dyn Fn(&stories::Candidate) -> bool,
    min: f64,
) -> Option<(f64, usize)> {
    scored
        .iter()
        .filter(|(p, c)| *p >= min && ok(c))
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.seq.cmp(&a.1.seq)))
        .map(|(p, c)| (*p, c.story))
}

#[cfg(test)]
mod tests;
