//! Stories and storylines: the active window of articles and stories, the candidate search and
//! the features the join rule ([`crate::model`]) scores.
//!
//! **Working set.** Every article the grouper keeps is a *member* of one story. A story leaves
//! the working set (with its members, their copy fingerprints and postings) once its last article
//! is more than [`STORYLINE_DAYS`] older than the newest publication day seen, so memory is
//! bounded by the articles of that window, not by the corpus. An undated article counts as
//! published on the newest day seen so far (the stream's "now").
//!
//! **Candidates.** A new article's TF-IDF vector (its stored top terms, sublinear tf
//! `1 + ln tf`, title words ×3; `idf = ln((N + B + 1) / (df + prior + 1)) + 1` over the N
//! original articles seen plus [`BACKGROUND_DOCS`] background documents whose frequencies come
//! from a general news corpus ([`crate::text::background`]) — without them the first hundreds
//! of articles of a stream weigh every word alike and merge unrelated reports) is compared with
//! every member sharing a term, through term postings; terms in more than [`COMMON_SHARE`] of
//! the documents (background included) are too common to retrieve on and are skipped in the dot
//! product (they stay in the norms). Stories are ranked by their best member cosine;
//! the [`TOP_STORIES`] best are scored.
//!
//! **Features** of an (article, story) pair, in [`crate::model::FEATURE_NAMES`] order:
//!
//! * `cmax`: the best cosine to one of the story's original members (single link);
//! * `cmean`: the sum of the member cosines over the story's size (average link);
//! * `ent`: share of the article's entity weight found in the story, an entity's weight being
//!   `type (PER, LOC 1.0; ORG 0.8; MISC 0.4) × (1 + ln mentions) × (ln((S + 1) / (sf + 1)) + 1)`
//!   with `sf` the number of the S active stories naming it; a shared entity counts in proportion
//!   to the story's members naming it, `min(1, 2 · naming / size)`; `ent_unknown` = 1 when either
//!   side has no entity;
//! * `specific`: they share a PER, LOC or ORG named by at most `max(3, S / 20)` active stories;
//! * `place_conflict`: both name places and share none;
//! * `ln_size`: `ln(1 + size)`; `cmax_x_ent`: `cmax · ent`;
//! * `date_prox`: `0.5 − gap / 7` (days from the publication day to the story's first..last
//!   interval), 0 when either is undated; `shared_day`: the article's normalised dates share a
//!   day with the story's; `date_conflict`: both have normalised dates and none of the article's
//!   is within a day of one of the story's;
//! * `core_missing`: the share of the story's core (PER, LOC, ORG named by at least half its
//!   members, weighted by kind and story idf) the article does not name — two events of one
//!   kind share the words of the kind, not their people and places; 0 when either side has no
//!   entity;
//! * `lead_person_new`: the article's lead person (its most mentioned, named at least twice) is
//!   not named by the story, which names people;
//! * `year_conflict`: both name years in their normalised dates and share none;
//! * `lead_max`, `lead_mean`: the best and the mean cosine of the article's lead (title and first
//!   sentences, [`crate::LEAD_SENTENCES`]) to the leads of the story's last [`LEAD_MEMBERS`]
//!   originals — where a report states its happening;
//! * `cycle_gap`: publication days beyond the day after the story's span (0 when either is
//!   undated): another news cycle.
//!
//! **Term weights** are `idf × (1 − wdf / (W + TOPIC_PRIOR_DOCS))`, `wdf` the originals of the
//! working set naming the term and `W` their number: the topic of the window weighs little. Member
//! norms are recomputed under the current weights when compared.
//!
//! Candidates also include up to [`ENTITY_STORIES`] stories that share no retrievable term but
//! name one of the article's rare people, places or organisations (cosines 0).
//!
//! Copies join their original's story without adding weight (they extend its dates only).

use std::collections::{BTreeMap, BTreeSet};

use foldhash::HashMap;

use storyline_model::{ArticleId, EntityType, Grouping, StoryId, StorylineId};

use crate::copies::CopyIndex;
use crate::model::NF;
use crate::Features;

/// An article joins only stories whose first dated article lies within this many days of its own
/// date (so a topic reported every day does not chain into one story: later developments start
/// new stories of the same storyline).
pub const WINDOW_DAYS: i32 = 7;
/// A new story continues the storyline of a story at most this many days older; stories older
/// than this leave the working set.
pub const STORYLINE_DAYS: i32 = 42;
/// How many stories (by best member cosine) are scored for each article.
pub const TOP_STORIES: usize = 12;
/// Terms in more than this share of the articles are not used to retrieve or score candidates.
pub const COMMON_SHARE: f64 = 0.05;
/// At most this many stories sharing no retrievable term are added as candidates because they
/// name one of the article's rare entities.
pub const ENTITY_STORIES: usize = 4;
/// An entity retrieves stories only when at most this many active stories name it.
pub const ENTITY_RETRIEVAL_MAX: usize = 8;

const LOC_BIT: u8 = 1;
const PER_BIT: u8 = 2;
const ORG_BIT: u8 = 4;
const MISC_BIT: u8 = 8;

fn kind_bit(kind: EntityType) -> u8 {
    match kind {
        EntityType::Location => LOC_BIT,
        EntityType::Person => PER_BIT,
        EntityType::Organisation => ORG_BIT,
        EntityType::Misc => MISC_BIT,
    }
}

fn kind_weight(kind: EntityType) -> f64 {
    match kind {
        EntityType::Person | EntityType::Location => 1.0,
        EntityType::Organisation => 0.8,
        EntityType::Misc => 0.4,
    }
}

/// An article in the working set.
#[derive(Debug)]
pub struct Member {
    pub id: ArticleId,
    /// Arrival order.
    pub seq: u64,
    pub grouping: Grouping,
    /// Story slot.
    pub story: usize,
    pub shingles: u32,
    pub minhash: Vec<u32>,
    exact: String,
    /// (term id, sublinear tf) of an original member (empty for a copy), sorted by term id.
    terms: Vec<(u32, f32)>,
    /// (term id, sublinear tf) of an original member's lead (empty for a copy), sorted.
    lead: Vec<(u32, f32)>,
}

/// What retrieval reads of every member it touches, by member slot, packed apart from the
/// [`Member`] (a few cache lines further) so the scoring loop walks a dense array.
#[derive(Debug)]
struct Slot {
    /// The member's story slot; [`NO_STORY`] for an empty slot.
    story: u32,
    /// Cached (body norm, lead norm, member sequence number when computed) under the weights of
    /// that time: recomputed when more than [`NORM_REFRESH`] articles have joined since.
    norms: std::cell::Cell<(f32, f32, u64)>,
}

/// [`Slot::story`] of an empty member slot.
const NO_STORY: u32 = u32::MAX;

#[derive(Debug, Default)]
struct Story {
    id: StoryId,
    storyline: StorylineId,
    /// Creation order (ties go to the older story).
    seq: u64,
    /// Member slots, originals and copies.
    members: Vec<u32>,
    /// Original (non-copy) members.
    size: u32,
    /// Entity id → (bit set of the types it was tagged with, number of members naming it).
    entities: BTreeMap<u32, (u8, u32)>,
    has_place: bool,
    /// Normalised dates (day numbers) → number of members mentioning them.
    days: BTreeMap<i32, u32>,
    /// Years named by normalised dates → number of members naming them.
    years: BTreeMap<i32, u32>,
    /// Earliest and latest publication day of the dated members.
    span: Option<(i32, i32)>,
    /// Latest effective day of any member (for eviction).
    last: Option<i32>,
}

/// A scored candidate story.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    /// Story slot.
    pub story: usize,
    /// Creation order of the story.
    pub seq: u64,
    /// Days from the article's publication day to the story's dated span (0 when either is
    /// undated).
    pub gap: i32,
    /// Days from the story's first dated article to the article's publication day (0 when
    /// either is undated).
    pub age: i32,
    pub x: [f64; NF],
    /// Both the article and the story have a lead to compare (features stored before leads
    /// existed have none).
    pub lead_known: bool,
    /// Both the article and the story are dated (the same-happening gate applies: see
    /// [`crate::model::Model::gate`]).
    pub dated: bool,
}

/// The working set: members, stories, postings, copy fingerprints and corpus statistics.
#[derive(Debug, Default)]
pub struct Stories {
    vocab: HashMap<String, u32>,
    df: Vec<u32>,
    /// Background document frequency by term id, scaled to [`BACKGROUND_DOCS`] documents.
    prior_df: Vec<f32>,
    /// (`docs` when computed, idf) by term id: a term's idf changes only when `docs` does (its
    /// `df` grows only with it), so it is computed once per term and article, however many
    /// member norms need it.
    idf_memo: Vec<std::cell::Cell<(u32, f64)>>,
    /// Original articles seen (all time).
    docs: u32,
    entity_ids: HashMap<String, u32>,
    /// Active stories naming an entity, by entity id.
    entity_sf: Vec<u32>,
    /// The active stories (slots) naming an entity, by entity id (for retrieval by entity).
    entity_stories: Vec<Vec<u32>>,
    members: Vec<Option<Member>>,
    /// By member slot, beside `members`.
    slots: Vec<Slot>,
    free_members: Vec<usize>,
    /// Evicted member slots still listed in postings; freed at the next sweep.
    pending_members: Vec<usize>,
    stories: Vec<Option<Story>>,
    free_stories: Vec<usize>,
    by_id: HashMap<StoryId, usize>,
    story_seq: u64,
    member_seq: u64,
    /// (member slot, sublinear tf) by term id.
    postings: Vec<Vec<(u32, f32)>>,
    /// Original members of the working set naming a term, by term id, and their number: how
    /// much a term is the *topic* of the current window rather than one happening's.
    wdf: Vec<u32>,
    wdocs: u32,
    /// Original members of the working set whose lead names a term, by term id.
    lwdf: Vec<u32>,
    pub(crate) copies: CopyIndex,
    /// Copy fingerprints of originals that left the working set, so a copy is found across any
    /// time gap (see [`Archive`]).
    pub(crate) archive: Archive,
    /// (last effective day, story slot) of the dated stories, for eviction.
    by_last: BTreeSet<(i32, usize)>,
    /// Newest publication day seen.
    now: Option<i32>,
    live_members: usize,
    live_stories: usize,
    /// Scratch: dot products by member slot, and the touched slots.
    acc: Vec<f64>,
    touched: Vec<u32>,
    /// Scratch: (best cosine, sum of cosines) by story slot, and the touched story slots.
    story_acc: Vec<(f64, f64)>,
    touched_stories: Vec<usize>,
}

impl Stories {
    /// Number of members in the working set.
    pub fn active_members(&self) -> usize {
        self.live_members
    }

    /// Number of stories in the working set.
    pub fn active_stories(&self) -> usize {
        self.live_stories
    }

    pub fn member(&self, slot: usize) -> &Member {
        self.members[slot].as_ref().expect("live member")
    }

    /// The member in a slot, if the slot is live.
    pub fn live_member(&self, slot: usize) -> Option<&Member> {
        self.members.get(slot).and_then(Option::as_ref)
    }

    pub fn id(&self, story: usize) -> &StoryId {
        &self.story(story).id
    }

    pub fn storyline(&self, story: usize) -> &StorylineId {
        &self.story(story).storyline
    }

    fn story(&self, s: usize) -> &Story {
        self.stories[s].as_ref().expect("live story")
    }

    pub fn find(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The active story with this id, created (in storyline `storyline`, default its own id)
    /// when absent.
    pub fn get_or_create(&mut self, id: &StoryId, storyline: Option<&StorylineId>) -> usize {
        if let Some(&s) = self.by_id.get(id) {
            return s;
        }
        self.story_seq += 1;
        let story = Story {
            id: id.clone(),
            storyline: storyline.cloned().unwrap_or_else(|| StorylineId::started_by(id)),
            seq: self.story_seq,
            ..Default::default()
        };
        let s = match self.free_stories.pop() {
            Some(s) => {
                self.stories[s] = Some(story);
                s
            }
            None => {
                self.stories.push(Some(story));
                self.stories.len() - 1
            }
        };
        self.by_id.insert(id.clone(), s);
        self.live_stories += 1;
        s
    }

    /// A story's creation order (smaller is older).
    pub fn seq(&self, story: usize) -> u64 {
        self.story(story).seq
    }

    /// Moves a story into another storyline (the story and its members' groupings).
    pub fn set_storyline(&mut self, s: usize, storyline: &StorylineId) {
        let story = self.stories[s].as_mut().expect("live story");
        story.storyline = storyline.clone();
        for &m in &story.members {
            if let Some(member) = self.members[m as usize].as_mut() {
                member.grouping.storyline = Some(storyline.clone());
            }
        }
    }

    /// Merges story `gone` into story `keep`: its members (their groupings now name `keep` and
    /// its storyline), entities, dates and span; `gone` leaves the working set.
    pub fn merge(&mut self, keep: usize, gone: usize) {
        assert_ne!(keep, gone, "a story cannot merge into itself");
        let from = self.stories[gone].take().expect("live story");
        self.by_id.remove(&from.id);
        self.free_stories.push(gone);
        self.live_stories -= 1;
        if let Some(last) = from.last {
            self.by_last.remove(&(last, gone));
        }
        let mut into = self.stories[keep].take().expect("live story");
        for (&e, &(bits, naming)) in &from.entities {
            self.entity_stories[e as usize].retain(|&x| x as usize != gone);
            let entry = into.entities.entry(e).or_insert((0, 0));
            if entry.1 == 0 {
                self.entity_stories[e as usize].push(keep as u32);
            } else {
                self.entity_sf[e as usize] -= 1;
            }
            entry.0 |= bits;
            entry.1 += naming;
        }
        for &m in &from.members {
            let member = self.members[m as usize].as_mut().expect("live member");
            member.story = keep;
            self.slots[m as usize].story = keep as u32;
            member.grouping.story = Some(into.id.clone());
            member.grouping.storyline = Some(into.storyline.clone());
        }
        into.members.extend(from.members);
        into.size += from.size;
        into.has_place |= from.has_place;
        for (d, n) in from.days {
            *into.days.entry(d).or_insert(0) += n;
        }
        for (y, n) in from.years {
            *into.years.entry(y).or_insert(0) += n;
        }
        into.span = match (into.span, from.span) {
            (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
            (x, y) => x.or(y),
        };
        if let Some(last) = from.last.max(into.last) {
            if let Some(old) = into.last {
                self.by_last.remove(&(old, keep));
            }
            into.last = Some(last);
            self.by_last.insert((last, keep));
        }
        self.stories[keep] = Some(into);
    }

    /// The newest publication day seen (the stream's "now"), if any article was dated.
    pub fn now(&self) -> Option<i32> {
        self.now
    }

    /// The day an article counts as published on: its own, else the newest seen.
    pub fn effective_day(&self, f: &Features) -> Option<i32> {
        f.published.or(self.now)
    }

    /// Advances the clock to `day` and evicts the stories whose last article is older than
    /// [`STORYLINE_DAYS`] before it.
    pub fn advance(&mut self, day: Option<i32>) {
        let Some(day) = day else { return };
        if self.now.is_some_and(|n| n >= day) {
            return;
        }
        self.now = Some(day);
        let limit = day - STORYLINE_DAYS;
        while let Some(&(last, s)) = self.by_last.first() {
            if last >= limit {
                break;
            }
            self.by_last.pop_first();
            self.evict(s);
        }
    }

    fn evict(&mut self, s: usize) {
        let story = self.stories[s].take().expect("live story");
        self.by_id.remove(&story.id);
        self.free_stories.push(s);
        self.live_stories -= 1;
        for e in story.entities.keys() {
            self.entity_sf[*e as usize] -= 1;
            self.entity_stories[*e as usize].retain(|&x| x as usize != s);
        }
        for m in story.members {
            let member = self.members[m as usize].take().expect("live member");
            self.slots[m as usize].story = NO_STORY;
            self.copies.remove(m as usize, &member.exact);
            if member.grouping.duplicate_of.is_none() {
                self.archive.push(Archived {
                    id: member.id.clone(),
                    story: story.id.clone(),
                    storyline: story.storyline.clone(),
                    shingles: member.shingles,
                    minhash: member.minhash.clone(),
                    exact: member.exact.clone(),
                });
            }
            for &(t, _) in &member.terms {
                self.wdf[t as usize] -= 1;
            }
            for &(t, _) in &member.lead {
                self.lwdf[t as usize] -= 1;
            }
            if member.grouping.duplicate_of.is_none() {
                self.wdocs -= 1;
            }
            self.pending_members.push(m as usize);
            self.live_members -= 1;
        }
        // Evicted members cost every retrieval that walks their postings until swept: sweep
        // once they are an eighth of the working set (a sweep is one pass over the postings).
        if self.pending_members.len() > 1024 && self.pending_members.len() > self.live_members / 8 {
            self.sweep();
        }
    }

    /// Drops evicted members from the postings and copy buckets, then frees their slots.
    fn sweep(&mut self) {
        let members = &self.members;
        for list in &mut self.postings {
            list.retain(|&(m, _)| members[m as usize].is_some());
        }
        self.copies.retain(|m| members[m].is_some());
        self.free_members.append(&mut self.pending_members);
        self.free_members.sort_unstable_by(|a, b| b.cmp(a));
    }

    /// Whether a term is in more than [`COMMON_SHARE`] of the documents (background included).
    fn is_common(&self, t: u32) -> bool {
        let n = self.docs as f64 + BACKGROUND_DOCS;
        self.df[t as usize] as f64 + self.prior_df[t as usize] as f64 > COMMON_SHARE * n
    }

    fn idf(&self, t: u32) -> f64 {
        let memo = &self.idf_memo[t as usize];
        let (at, value) = memo.get();
        if at == self.docs {
            return value;
        }
        let value = idf(self.docs, self.df[t as usize], self.prior_df[t as usize]);
        memo.set((self.docs, value));
        value
    }

    /// A term's weight: its idf times its share of the working window's articles *not* naming
    /// it, `1 − wdf / (W + TOPIC_PRIOR_DOCS)`. A word most articles of the window use ("flu"
    /// in a week of flu coverage, the country of a crisis) is the topic, not the happening, and
    /// weighs little however rare it is in general news; in a window of many topics nothing
    /// changes much.
    fn weight(&self, t: u32) -> f64 {
        let share = self.wdf[t as usize] as f64 / (self.wdocs as f64 + TOPIC_PRIOR_DOCS);
        self.idf(t) * (1.0 - share).max(0.0)
    }

    /// A lead term's weight: as [`Self::weight`], with the share of the window's leads naming it.
    fn lead_weight(&self, t: u32) -> f64 {
        let share = self.lwdf[t as usize] as f64 / (self.wdocs as f64 + TOPIC_PRIOR_DOCS);
        self.idf(t) * (1.0 - share).max(0.0)
    }

    /// An article's lead as (term id, weighted tf, term weight) sorted by id, with its norm (terms
    /// never seen count in the norm with the idf of an unseen term).
    fn lead_vector(&self, f: &Features) -> LeadVector {
        let mut out = Vec::with_capacity(f.lead.len());
        let mut norm = 0.0;
        for (term, tf) in &f.lead {
            let tf = 1.0 + (*tf as f64).max(1.0).ln();
            match self.vocab.get(term) {
                Some(&id) => {
                    let lw = self.lead_weight(id);
                    let w = tf * lw;
                    norm += w * w;
                    out.push((id, w, lw));
                }
                None => norm += (tf * idf(self.docs, 0, prior_df(term))).powi(2),
            }
        }
        out.sort_by_key(|x| x.0);
        (out, norm.sqrt())
    }

    /// Best and mean lead cosine of an article's lead to a story's original members (the most
    /// recent [`LEAD_MEMBERS`]). `lead`: the article's (term id, weighted tf, term weight) sorted by
    /// id, and its norm.
    fn lead_cosines(&self, story: &Story, lead: &LeadVector) -> (f64, f64) {
        let (v, norm) = lead;
        if *norm <= 0.0 {
            return (0.0, 0.0);
        }
        let (mut best, mut sum, mut n) = (0.0f64, 0.0, 0usize);
        for &m in story.members.iter().rev() {
            let Some(member) = &self.members[m as usize] else { continue };
            if member.grouping.duplicate_of.is_some() {
                continue;
            }
            n += 1;
            let mnorm = self.norms(m as usize, member).1;
            if mnorm > 0.0 {
                // Merge of the two sorted term lists.
                let (mut dot, mut k) = (0.0, 0);
                for &(t, tf) in &member.lead {
                    while k < v.len() && v[k].0 < t {
                        k += 1;
                    }
                    if k < v.len() && v[k].0 == t {
                        dot += tf as f64 * v[k].2 * v[k].1;
                    }
                }
                let c = (dot / (norm * mnorm)).min(1.0);
                best = best.max(c);
                sum += c;
            }
            if n >= LEAD_MEMBERS {
                break;
            }
        }
        (best, if n > 0 { sum / n as f64 } else { 0.0 })
    }

    /// A member's body and lead norms under the current weights (cached; see [`Slot::norms`]).
    fn norms(&self, slot: usize, m: &Member) -> (f64, f64) {
        let cache = &self.slots[slot].norms;
        let (body, lead, at) = cache.get();
        let refresh = NORM_REFRESH.max(self.wdocs as u64 / 8);
        if at != u64::MAX && self.member_seq.saturating_sub(at) <= refresh {
            return (body as f64, lead as f64);
        }
        let body =
            m.terms.iter().map(|&(t, tf)| (tf as f64 * self.weight(t)).powi(2)).sum::<f64>().sqrt();
        let lead = m
            .lead
            .iter()
            .map(|&(t, tf)| (tf as f64 * self.lead_weight(t)).powi(2))
            .sum::<f64>()
            .sqrt();
        cache.set((body as f32, lead as f32, self.member_seq));
        (body, lead)
    }

    fn story_has_lead(&self, story: &Story) -> bool {
        story
            .members
            .iter()
            .any(|&m| self.members[m as usize].as_ref().is_some_and(|m| !m.lead.is_empty()))
    }

    /// The article's known terms with TF-IDF weights, and its norm (unknown terms count with the
    /// idf of an unseen term).
    fn vector(&self, f: &Features) -> (Vec<(u32, f64)>, f64) {
        let mut out = Vec::with_capacity(f.terms.len());
        let mut norm = 0.0;
        for (term, tf) in &f.terms {
            let tf = 1.0 + (*tf as f64).max(1.0).ln();
            match self.vocab.get(term) {
                Some(&id) => {
                    let w = tf * self.weight(id);
                    norm += w * w;
                    out.push((id, w));
                }
                None => norm += (tf * idf(self.docs, 0, prior_df(term))).powi(2),
            }
        }
        (out, norm.sqrt())
    }

    /// The best-scoring active stories for an article, with their features: at most
    /// [`TOP_STORIES`], by best member cosine (ties to the older story), within
    /// [`STORYLINE_DAYS`] of its date.
    pub fn candidates(&mut self, f: &Features) -> Vec<Candidate> {
        self.candidates_with(f, &|_| true)
    }

    /// [`Self::candidates`], computing the lead cosines (`lead_max`, `lead_mean`; 0 otherwise)
    /// only of the candidates `need_lead` accepts by their other features — the grouper asks only
    /// for those its model could join, as comparing leads is the costly part.
    pub fn candidates_with(
        &mut self,
        f: &Features,
        need_lead: &dyn Fn(&[f64; NF]) -> bool,
    ) -> Vec<Candidate> {
        let (vector, norm) = self.vector(f);
        if norm <= 0.0 {
            return Vec::new();
        }
        if self.acc.len() < self.members.len() {
            self.acc.resize(self.members.len(), 0.0);
        }
        for &(t, w) in &vector {
            if self.is_common(t) {
                continue;
            }
            let wi = w * self.weight(t);
            for &(m, tf) in &self.postings[t as usize] {
                let a = &mut self.acc[m as usize];
                if *a == 0.0 {
                    self.touched.push(m);
                }
                *a += wi * tf as f64;
            }
        }
        // Per story: (best cosine, sum of cosines).
        if self.story_acc.len() < self.stories.len() {
            self.story_acc.resize(self.stories.len(), (0.0, 0.0));
        }
        let touched = std::mem::take(&mut self.touched);
        // The fast path of `norms` (a cached body norm still fresh), inline.
        let refresh = NORM_REFRESH.max(self.wdocs as u64 / 8);
        for &m in &touched {
            let m = m as usize;
            let dot = std::mem::take(&mut self.acc[m]);
            let slot = &self.slots[m];
            if slot.story == NO_STORY {
                continue;
            }
            let story = slot.story as usize;
            let (body, _, at) = slot.norms.get();
            let member_norm = if at != u64::MAX && self.member_seq.saturating_sub(at) <= refresh {
                body as f64
            } else {
                self.norms(m, self.member(m)).0
            };
            if member_norm <= 0.0 {
                continue;
            }
            let cos = (dot / (norm * member_norm)).min(1.0);
            let e = &mut self.story_acc[story];
            if e.1 == 0.0 {
                self.touched_stories.push(story);
            }
            e.0 = e.0.max(cos);
            e.1 += cos;
        }
        self.touched = touched;
        self.touched.clear();
        let story_acc = &self.story_acc;
        let by_entity = self.entity_candidates(f, &|s| story_acc[s].1 > 0.0);

        // The TOP_STORIES best by (best cosine, then the older story), in that order, kept
        // sorted as the touched stories are read (the story's sequence number is unique, so the
        // order is total and the same as sorting every touched story).
        let day = f.published;
        let mut ranked: Vec<(usize, f64, f64, i32, u64)> = Vec::with_capacity(TOP_STORIES + 1);
        let before = |a: &(usize, f64, f64, i32, u64), cmax: f64, seq: u64| {
            a.1.total_cmp(&cmax).then_with(|| seq.cmp(&a.4)).is_gt()
        };
        let mut touched_stories = std::mem::take(&mut self.touched_stories);
        for s in touched_stories.drain(..) {
            let (cmax, csum) = std::mem::take(&mut self.story_acc[s]);
            if csum <= 0.0 || ranked.len() == TOP_STORIES && cmax < ranked[TOP_STORIES - 1].1 {
                continue;
            }
            let story = self.story(s);
            if ranked.len() == TOP_STORIES && !before_last(&ranked, cmax, story.seq) {
                continue;
            }
            let gap = match (day, story.span) {
                (Some(d), Some((a, b))) => gap(d, a, b),
                _ => 0,
            };
            if gap > STORYLINE_DAYS {
                continue;
            }
            let at = ranked.partition_point(|r| before(r, cmax, story.seq));
            ranked.insert(at, (s, cmax, csum, gap, story.seq));
            ranked.truncate(TOP_STORIES);
        }
        self.touched_stories = touched_stories;
        let mut ranked: Vec<(usize, f64, f64, i32)> =
            ranked.into_iter().map(|(s, cmax, csum, gap, _)| (s, cmax, csum, gap)).collect();
        for s in by_entity {
            let story = self.story(s);
            let gap = match (day, story.span) {
                (Some(d), Some((a, b))) => gap(d, a, b),
                _ => 0,
            };
            if gap <= STORYLINE_DAYS && !ranked.iter().any(|r| r.0 == s) {
                ranked.push((s, 0.0, 0.0, gap));
            }
        }
        let lead = self.lead_vector(f);
        let lead_known = lead.1 > 0.0;
        let entity_ids = self.article_entity_ids(f);
        ranked
            .into_iter()
            .map(|(s, cmax, csum, gap)| {
                let story = self.story(s);
                let age = match (day, story.span) {
                    (Some(d), Some((first, _))) => (d - first).abs(),
                    _ => 0,
                };
                let mut x = self.pair_features(story, f, &entity_ids, cmax, csum, gap);
                if lead_known && need_lead(&x) {
                    let (max, mean) = self.lead_cosines(story, &lead);
                    x[crate::model::LEAD_MAX] = max;
                    x[crate::model::LEAD_MEAN] = mean;
                }
                Candidate {
                    story: s,
                    seq: story.seq,
                    gap,
                    age,
                    x,
                    lead_known: lead_known && self.story_has_lead(story),
                    dated: day.is_some() && story.span.is_some(),
                }
            })
            .collect()
    }

    /// Stories that share no retrievable term with the article but name one of its rare people,
    /// places or organisations (named by at most [`ENTITY_RETRIEVAL_MAX`] active stories): at
    /// most [`ENTITY_STORIES`], those sharing the most such entity weight first (ties to the older
    /// story). A paraphrase that shares the protagonist but few words is still compared.
    /// `by_terms`: whether a story was found by its terms (a positive sum of cosines).
    fn entity_candidates(&self, f: &Features, by_terms: &dyn Fn(usize) -> bool) -> Vec<usize> {
        let mut found: BTreeMap<usize, f64> = BTreeMap::new();
        for e in &f.entities {
            if e.kind == EntityType::Misc {
                continue;
            }
            let Some(&id) = self.entity_ids.get(&e.name) else { continue };
            let list = &self.entity_stories[id as usize];
            if list.is_empty() || list.len() > ENTITY_RETRIEVAL_MAX {
                continue;
            }
            let w = kind_weight(e.kind) * (1.0 + (e.mentions.max(1) as f64).ln());
            for &s in list {
                let s = s as usize;
                if !by_terms(s) {
                    *found.entry(s).or_insert(0.0) += w;
                }
            }
        }
        let mut found: Vec<(usize, f64)> = found.into_iter().collect();
        found.sort_by(|a, b| {
            b.1.total_cmp(&a.1).then_with(|| self.story(a.0).seq.cmp(&self.story(b.0).seq))
        });
        found.truncate(ENTITY_STORIES);
        found.into_iter().map(|(s, _)| s).collect()
    }

    /// The features of an article against a story by id, when the story is active (for tests
    /// and debugging).
    pub fn score(&mut self, story: &str, f: &Features) -> Option<[f64; NF]> {
        let s = self.find(story)?;
        let c = self.candidates_all(f);
        Some(c.into_iter().find(|c| c.story == s).map_or_else(
            || {
                let st = self.story(s);
                let mut x = self.pair_features(st, f, &self.article_entity_ids(f), 0.0, 0.0, 0);
                let (max, mean) = self.lead_cosines(st, &self.lead_vector(f));
                x[crate::model::LEAD_MAX] = max;
                x[crate::model::LEAD_MEAN] = mean;
                x
            },
            |c| c.x,
        ))
    }

    fn candidates_all(&mut self, f: &Features) -> Vec<Candidate> {
        self.candidates(f)
    }

    /// The entity ids of an article's entities, in its order (None: an entity no story named).
    fn article_entity_ids(&self, f: &Features) -> Vec<Option<u32>> {
        f.entities.iter().map(|e| self.entity_ids.get(&e.name).copied()).collect()
    }

    /// The pair features; `entity_ids`: [`Self::article_entity_ids`] of `f`.
    fn pair_features(
        &self,
        story: &Story,
        f: &Features,
        entity_ids: &[Option<u32>],
        cmax: f64,
        csum: f64,
        gap: i32,
    ) -> [f64; NF] {
        let size = story.size.max(1) as f64;
        let cmean = (csum / size).min(1.0);

        let n_stories = self.live_stories as f64;
        let specific_max = 3u32.max(self.live_stories as u32 / 20);
        let (mut shared_w, mut total_w, mut specific) = (0.0, 0.0, false);
        let (mut art_places, mut shared_place) = (false, false);
        let mut art_ids: Vec<u32> = Vec::with_capacity(f.entities.len());
        for (e, &id) in f.entities.iter().zip(entity_ids) {
            art_ids.extend(id);
            let sf = id.map_or(0, |i| self.entity_sf[i as usize]);
            let w = kind_weight(e.kind)
                * (1.0 + (e.mentions.max(1) as f64).ln())
                * (((n_stories + 1.0) / (sf as f64 + 1.0)).ln() + 1.0);
            total_w += w;
            if e.kind == EntityType::Location {
                art_places = true;
            }
            if let Some(&(bits, naming)) = id.and_then(|i| story.entities.get(&i)) {
                shared_w += w * (2.0 * naming as f64 / size).min(1.0);
                if e.kind != EntityType::Misc && sf <= specific_max {
                    specific = true;
                }
                if e.kind == EntityType::Location || bits & LOC_BIT != 0 {
                    shared_place = true;
                }
            }
        }
        let place_conflict = art_places && story.has_place && !shared_place;
        // The story's core: named entities at least half its members name.
        art_ids.sort_unstable();
        let (mut core_w, mut core_found) = (0.0, 0.0);
        for (&eid, &(bits, naming)) in &story.entities {
            if bits & !MISC_BIT == 0 || 2.0 * (naming as f64) < size {
                continue;
            }
            let sf = self.entity_sf[eid as usize];
            let w = if bits & ORG_BIT != 0 && bits & (LOC_BIT | PER_BIT) == 0 { 0.8 } else { 1.0 }
                * (((n_stories + 1.0) / (sf as f64 + 1.0)).ln() + 1.0);
            core_w += w;
            if art_ids.binary_search(&eid).is_ok() {
                core_found += w;
            }
        }
        let core_missing =
            if core_w > 0.0 && total_w > 0.0 { 1.0 - core_found / core_w } else { 0.0 };
        // The article's lead person (most mentioned, named at least twice) unknown to a story that
        // has people: another protagonist of the same kind of event.
        let lead = f
            .entities
            .iter()
            .zip(entity_ids)
            .filter(|(e, _)| e.kind == EntityType::Person && e.mentions >= 2)
            .max_by(|(a, _), (b, _)| a.mentions.cmp(&b.mentions).then_with(|| b.name.cmp(&a.name)));
        let story_has_person = story.entities.values().any(|&(bits, _)| bits & PER_BIT != 0);
        let lead_person_new = lead.is_some_and(|(_, id)| {
            story_has_person && id.is_none_or(|id| !story.entities.contains_key(&id))
        });
        // Years: both name years and share none.
        let year_conflict = !f.years.is_empty()
            && !story.years.is_empty()
            && !f.years.iter().any(|y| story.years.contains_key(y));
        let ent_known = total_w > 0.0 && !story.entities.is_empty();
        let ent = if ent_known { shared_w / total_w } else { 0.0 };

        let date_prox = match (f.published, story.span) {
            (Some(_), Some(_)) => 0.5 - (gap as f64 / WINDOW_DAYS as f64).min(1.0),
            _ => 0.0,
        };
        let (shared_day, date_conflict) = if !f.days.is_empty() && !story.days.is_empty() {
            let shared = f.days.iter().any(|d| story.days.contains_key(d));
            let near = f.days.iter().any(|&d| story.days.range(d - 1..=d + 1).next().is_some());
            (shared, !near)
        } else {
            (false, false)
        };
        // Filled in by `candidates_with` where needed.
        let (lead_max, lead_mean) = (0.0, 0.0);
        // Publication days beyond the next: another news cycle.
        let cycle_gap = match (f.published, story.span) {
            (Some(_), Some(_)) => ((gap - 1).max(0) as f64).min(5.0),
            _ => 0.0,
        };
        let b = |v: bool| if v { 1.0 } else { 0.0 };
        [
            cmax,
            cmean,
            ent,
            b(!ent_known),
            b(specific),
            b(place_conflict),
            (1.0 + story.size as f64).ln(),
            cmax * ent,
            date_prox,
            b(shared_day),
            b(date_conflict),
            core_missing,
            b(lead_person_new),
            b(year_conflict),
            lead_max,
            lead_mean,
            cycle_gap,
        ]
    }

    /// Adds an article to a story as a new member; a copy only extends the story's dates.
    /// Returns the member slot.
    pub fn join(
        &mut self,
        s: usize,
        id: &ArticleId,
        f: &Features,
        grouping: Grouping,
        copy: bool,
    ) -> usize {
        let day = self.effective_day(f);
        let vector = if copy { Vec::new() } else { self.vector_for_insert(f) };
        let lead = if copy { Vec::new() } else { self.lead_for_insert(f) };
        for &(t, _) in &lead {
            self.lwdf[t as usize] += 1;
        }
        let slot = match self.free_members.pop() {
            Some(m) => m,
            None => {
                self.members.push(None);
                let cache = std::cell::Cell::new((0.0, 0.0, u64::MAX));
                self.slots.push(Slot { story: NO_STORY, norms: cache });
                self.members.len() - 1
            }
        };
        self.slots[slot] =
            Slot { story: s as u32, norms: std::cell::Cell::new((0.0, 0.0, u64::MAX)) };
        self.copies.insert(slot, &f.exact, &f.minhash);
        for &(t, tf) in &vector {
            self.postings[t as usize].push((slot as u32, tf));
            self.wdf[t as usize] += 1;
        }
        if !copy {
            self.wdocs += 1;
        }
        self.member_seq += 1;
        self.members[slot] = Some(Member {
            id: id.clone(),
            seq: self.member_seq,
            grouping,
            story: s,
            shingles: f.shingles,
            minhash: f.minhash.clone(),
            exact: f.exact.clone(),
            terms: vector,
            lead,
        });
        self.live_members += 1;

        let mut story = self.stories[s].take().expect("live story");
        story.members.push(slot as u32);
        if let Some(day) = f.published {
            story.span = Some(match story.span {
                Some((a, b)) => (a.min(day), b.max(day)),
                None => (day, day),
            });
        }
        if let Some(day) = day {
            if let Some(old) = story.last {
                self.by_last.remove(&(old, s));
            }
            let last = story.last.map_or(day, |l| l.max(day));
            story.last = Some(last);
            self.by_last.insert((last, s));
        }
        if !copy {
            story.size += 1;
            for e in &f.entities {
                let eid = match self.entity_ids.get(&e.name) {
                    Some(&i) => i,
                    None => {
                        let i = self.entity_sf.len() as u32;
                        self.entity_ids.insert(e.name.clone(), i);
                        self.entity_sf.push(0);
                        self.entity_stories.push(Vec::new());
                        i
                    }
                };
                let entry = story.entities.entry(eid).or_insert((0, 0));
                if entry.1 == 0 {
                    self.entity_sf[eid as usize] += 1;
                    self.entity_stories[eid as usize].push(s as u32);
                }
                entry.0 |= kind_bit(e.kind);
                entry.1 += 1;
                if e.kind == EntityType::Location {
                    story.has_place = true;
                }
            }
            for &d in &f.days {
                *story.days.entry(d).or_insert(0) += 1;
            }
            for &y in &f.years {
                *story.years.entry(y).or_insert(0) += 1;
            }
        }
        self.stories[s] = Some(story);
        self.advance(day);
        slot
    }

    /// The term ids of an original article's lead (vocabulary entries made for new terms, with no
    /// document frequency: only the body's terms count in the idf) with sublinear tf, sorted.
    fn lead_for_insert(&mut self, f: &Features) -> Vec<(u32, f32)> {
        let mut out = Vec::with_capacity(f.lead.len());
        for (term, tf) in &f.lead {
            let id = self.term_id(term);
            out.push((id, (1.0 + (*tf as f64).max(1.0).ln()) as f32));
        }
        out.sort_by_key(|x| x.0);
        out
    }

    /// A term's id, registered (with no document frequency yet) when new.
    fn term_id(&mut self, term: &str) -> u32 {
        match self.vocab.get(term) {
            Some(&id) => id,
            None => {
                let id = self.df.len() as u32;
                self.vocab.insert(term.to_string(), id);
                self.df.push(0);
                self.prior_df.push(prior_df(term));
                self.idf_memo.push(std::cell::Cell::new((u32::MAX, 0.0)));
                self.postings.push(Vec::new());
                self.wdf.push(0);
                self.lwdf.push(0);
                id
            }
        }
    }

    /// Registers an original article's terms (document frequencies, vocabulary) and returns its
    /// stored vector: (term id, sublinear tf), sorted by term id.
    fn vector_for_insert(&mut self, f: &Features) -> Vec<(u32, f32)> {
        self.docs += 1;
        let mut out = Vec::with_capacity(f.terms.len());
        for (term, tf) in &f.terms {
            let id = self.term_id(term);
            self.df[id as usize] += 1;
            out.push((id, (1.0 + (*tf as f64).max(1.0).ln()) as f32));
        }
        out.sort_by_key(|x| x.0);
        out
    }
}

/// How many originals that left the working set [`Archive`] keeps copy fingerprints of.
pub const ARCHIVE_MAX: usize = 65_536;

/// An original that left the working set: what finding its copies needs.
#[derive(Debug, Clone)]
pub struct Archived {
    pub id: ArticleId,
    pub story: StoryId,
    pub storyline: StorylineId,
    pub shingles: u32,
    pub minhash: Vec<u32>,
    exact: String,
}

/// The copy fingerprints of the last [`ARCHIVE_MAX`] originals evicted from the working set (a
/// ring): a copy that arrives months after its original (a backfill, a second archive, a slow
/// feed) is still linked to it and put in its story, brought back into the working set. About
/// 0.7 KB an article, so bounded.
#[derive(Debug, Default)]
pub struct Archive {
    entries: Vec<Archived>,
    next: usize,
    index: CopyIndex,
}

impl Archive {
    fn push(&mut self, a: Archived) {
        let slot = if self.entries.len() < ARCHIVE_MAX {
            self.entries.push(a);
            self.entries.len() - 1
        } else {
            let slot = self.next;
            let old = std::mem::replace(&mut self.entries[slot], a);
            self.index.remove(slot, &old.exact);
            self.next = (slot + 1) % ARCHIVE_MAX;
            slot
        };
        let e = &self.entries[slot];
        self.index.insert(slot, &e.exact, &e.minhash);
        // Buckets only grow with the ring's slots (stale entries are re-verified), but drop
        // them now and then so they stay bounded.
        if slot + 1 == ARCHIVE_MAX {
            let n = self.entries.len();
            self.index.retain(|i| i < n);
        }
    }

    /// The archived original this fingerprint copies, with the similarity: exact first, else
    /// the most similar verified near copy (ties to the earliest archived).
    pub fn find(&self, exact: &str, minhash: &[u32], shingles: u32) -> Option<(&Archived, f32)> {
        if let Some(i) = self.index.exact(exact) {
            if self.entries[i].exact == exact {
                return Some((&self.entries[i], 1.0));
            }
        }
        let mut best: Option<(usize, f32)> = None;
        for i in self.index.candidates(minhash) {
            let e = &self.entries[i];
            let sim = crate::copies::similarity(minhash, shingles, &e.minhash, e.shingles);
            if sim >= crate::copies::NEAR_THRESHOLD && best.is_none_or(|(_, b)| sim > b) {
                best = Some((i, sim));
            }
        }
        best.map(|(i, s)| (&self.entries[i], s))
    }
}

/// An article's lead: (term id, weighted tf, term weight) sorted by id, and its norm.
type LeadVector = (Vec<(u32, f64, f64)>, f64);

/// A member's cached norms are recomputed once this many articles, or an eighth of the working
/// window, have joined since (the weights drift slowly with the window; recomputing every norm at
/// every comparison cost 5× the speed).
pub const NORM_REFRESH: u64 = 64;

/// How many of a story's most recent original members its lead cosines compare with.
pub const LEAD_MEMBERS: usize = 32;

/// Pseudo-documents naming no term added to the working window when weighing how topical a term
/// is ([`Stories::weight`]): the first few articles of a stream do not yet make a topic.
pub const TOPIC_PRIOR_DOCS: f64 = 20.0;

/// The background corpus counts as this many documents in the idf (its frequencies scaled).
pub const BACKGROUND_DOCS: f64 = 5000.0;

/// A term's background document frequency, scaled to [`BACKGROUND_DOCS`].
fn prior_df(term: &str) -> f32 {
    let (docs, df) = crate::text::background();
    let n = df.get(term).copied().unwrap_or(0);
    (n as f64 * BACKGROUND_DOCS / (*docs).max(1) as f64) as f32
}

/// `ln((N + B + 1) / (df + prior + 1)) + 1` over the N documents seen and the B background ones.
fn idf(docs: u32, df: u32, prior: f32) -> f64 {
    ((docs as f64 + BACKGROUND_DOCS + 1.0) / (df as f64 + prior as f64 + 1.0)).ln() + 1.0
}

/// Whether a story of best cosine `cmax` and creation order `seq` ranks before the last of
/// `ranked` (best cosine first, ties to the older story).
fn before_last(ranked: &[(usize, f64, f64, i32, u64)], cmax: f64, seq: u64) -> bool {
    ranked.last().is_none_or(|l| cmax.total_cmp(&l.1).then_with(|| l.4.cmp(&seq)).is_gt())
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
