//! Facts compared across outlets: agreed, unique and conflicting.
//!
//! Every sentence of every *original* article that is not page furniture (`crate::furniture`)
//! becomes a [`Claim`] (copies are the outlet of their original and add nothing), with its typed
//! values: the calendar days it names (time expressions and event dates), its figures with what
//! they count or measure, the years it names, the story entities it mentions (people,
//! organisations and places are "anchors"), its events (type + actor), its quotations, its
//! stemmed content words and its sentence-encoder vector.
//!
//! Every pair of claims of two outlets gets the probability that they state the same claim
//! (`crate::align`, a model fitted on real multi-outlet news). Pairs above
//! [`align::SAME_CLAIM`] are clustered best first, one sentence per article per fact; a fact
//! carried by two or more outlets is **agreed**. A claim no other outlet carries in any words
//! (no pair above [`align::COVERED`]) is **unique**; those least likely carried elsewhere and
//! most informative come first, at most [`MAX_UNIQUE_PER_ARTICLE`] per article.
//!
//! **Conflicts** come from aligned pairs (`crate::conflicts`): a figure of one kind that the
//! other outlet gives differently beyond bounds, rounding, complementary parts and later updates;
//! one thing put on different days or in different years; a word one outlet denies and the
//! other asserts. A differing value never unmakes the fact: it stays agreed, and the value is the
//! conflict. Different descriptions from a small lexicon, different speakers for one quotation
//! and one event dated differently are found across the whole story.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use storyline_model::{
    AgreedFact, Comparison, Conflict, ConflictClaim, ConflictKind, Date, EntityType, EventType,
    Evidence, Span, TimeType, Timex, UniqueFact,
};

use crate::align;
use crate::entities::EntityIndex;
use storyline_text::{calendar, normalise, tokens};

use crate::text::{content_words, quantities, quoted_segments, Quantity};
use crate::Story;

/// Unique facts listed per article.
const MAX_UNIQUE_PER_ARTICLE: usize = 12;

/// What one sentence of one original article asserts.
#[derive(Debug)]
pub(crate) struct Claim {
    pub art: usize,
    pub span: Span,
    pub(crate) days: BTreeSet<Date>,
    pub(crate) quantities: Vec<Quantity>,
    /// Years named on their own ("built in 1974"): figures for matching, never for conflicts.
    pub(crate) years: BTreeSet<i16>,
    /// Story entities of type PER, ORG or LOC.
    pub(crate) anchors: BTreeSet<usize>,
    /// Story entities of type LOC (and event places).
    pub(crate) places: BTreeSet<usize>,
    pub(crate) entities: BTreeSet<usize>,
    /// (event type, actor entity, target entity if any).
    pub(crate) events: BTreeSet<(EventType, usize, Option<usize>)>,
    /// Normalised texts of the quotations it carries (three words or more).
    pub(crate) quotes: BTreeSet<String>,
    pub(crate) words: BTreeSet<String>,
    pub(crate) n_words: usize,
    /// PLOVER types of its events.
    pub event_types: BTreeSet<EventType>,
    /// Days other than the article's publication day (the day of the event, not of the report).
    pub event_days: BTreeSet<Date>,
    /// Whether every event day lies after the publication day (an announcement).
    pub future: bool,
    /// Quotations (three words or more) with the story entity of their speaker, when resolved.
    pub quote_speakers: Vec<(String, Option<usize>)>,
    /// Descriptions asserted outside quotation marks: (kind of thing, description).
    pub described: BTreeSet<(&'static str, &'static str)>,
    /// Story entities of type PER.
    pub persons: BTreeSet<usize>,
    /// Index of the sentence in its article (0 = the first).
    pub position: usize,
    /// The sentence encoder's vector (L2-normalised).
    pub vector: Vec<f32>,
    /// Content-word ids with their story idf, sorted by id (set by `align::Context::new`).
    pub terms: Vec<(u32, f32)>,
    /// Euclidean norm of `terms`' weights.
    pub term_norm: f32,
}

impl Claim {
    fn informative(&self) -> bool {
        !self.days.is_empty()
            || !self.quantities.is_empty()
            || !self.entities.is_empty()
            || self.words.len() >= 4
    }

    fn informativeness(&self) -> usize {
        2 * self.days.len()
            + 2 * self.quantities.len()
            + 2 * self.events.len()
            + self.anchors.len()
            + self.entities.len()
    }
}

/// The comparison, plus what the summary needs to know about it.
pub(crate) struct Compared {
    pub comparison: Comparison,
    pub claims: Vec<Claim>,
    /// Claim indices of each agreed fact (aligned with `comparison.agreed`).
    pub agreed_members: Vec<Vec<usize>>,
    /// For each agreed fact, the articles that carry it in some words: its members' articles and
    /// those with a claim aligned to a member above [`align::COVERED`].
    pub carried_by: Vec<BTreeSet<usize>>,
}

/// Events of `a` that `b` also reports: same type and actor, and the same target unless one of
/// them has none (Russia attacking Ukraine and Russia attacking Kursk are different events).
pub(crate) fn shared_events(a: &Claim, b: &Claim) -> usize {
    a.events
        .iter()
        .filter(|(kind, actor, target)| {
            b.events.iter().any(|(k, ac, t)| {
                k == kind && ac == actor && (target.is_none() || t.is_none() || t == target)
            })
        })
        .count()
}

/// Anchors named by at least three original articles and most of them.
fn ubiquitous_anchors(story: &Story, claims: &[Claim]) -> BTreeSet<usize> {
    let originals = (0..story.len()).filter(|&i| story.is_original(i)).count();
    let mut arts: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for c in claims {
        for &x in &c.anchors {
            arts.entry(x).or_default().insert(c.art);
        }
    }
    arts.into_iter()
        .filter(|(_, a)| a.len() >= 3 && a.len() * 5 >= originals * 3)
        .map(|(x, _)| x)
        .collect()
}

fn build_claims(story: &Story, index: &EntityIndex) -> Vec<Claim> {
    let mut claims = Vec::new();
    for ai in (0..story.len()).filter(|&i| story.is_original(i)) {
        let a = story.arts[ai];
        // The article's times, entities, quotations and events by position, so each sentence
        // looks only at its own (a long page has thousands of each).
        let times = ByStart::new(&a.analysis.times, |t| t.start);
        let entities = ByStart::new(&a.analysis.entities, |e| e.start);
        let quotes = ByStart::new(&a.analysis.quotes, |q| q.content.start);
        let mut events: BTreeMap<usize, Vec<&storyline_model::Event>> = BTreeMap::new();
        for ev in &a.analysis.events {
            events.entry(ev.sentence).or_default().push(ev);
        }
        for (si, &span) in story.sentences[ai].iter().enumerate() {
            if span.is_empty() {
                continue;
            }
            let text = story.slice(ai, span);
            if crate::furniture::is_furniture(text) {
                continue;
            }
            let sentence_times: Vec<&storyline_model::TimeExpr> =
                times.within(span).map(|(_, t)| t).collect();
            let skip: Vec<Span> = sentence_times
                .iter()
                .filter(|t| t.kind != TimeType::Duration)
                .map(|t| t.span())
                .collect();
            let mut c = Claim {
                art: ai,
                span,
                days: BTreeSet::new(),
                quantities: quantities(text, span.start, &skip),
                years: BTreeSet::new(),
                anchors: BTreeSet::new(),
                places: BTreeSet::new(),
                entities: BTreeSet::new(),
                events: BTreeSet::new(),
                quotes: BTreeSet::new(),
                words: content_words(text),
                n_words: tokens::count_words(text),
                event_types: BTreeSet::new(),
                event_days: BTreeSet::new(),
                future: false,
                quote_speakers: Vec::new(),
                described: crate::conflicts::descriptions(text),
                persons: BTreeSet::new(),
                position: si,
                vector: storyline_embed::Encoder::shipped().embed(text),
                terms: Vec::new(),
                term_norm: 0.0,
            };
            for t in sentence_times {
                if let Some(Timex::Year(y)) = t.value {
                    c.years.insert(y);
                }
                if t.kind == TimeType::Time && !names_a_day(&t.text) {
                    continue; // "shortly after 11 p.m.", "2:17:40": a time of an unnamed day
                }
                if let Some(d) = story.day_of(ai, t) {
                    c.days.insert(d);
                }
            }
            for (ei, _) in entities.within(span) {
                if let Some(id) = index.of_mention(ai, ei) {
                    c.entities.insert(id);
                    match index.clusters[id].kind {
                        EntityType::Misc => {}
                        EntityType::Location => {
                            c.anchors.insert(id);
                            c.places.insert(id);
                        }
                        EntityType::Person => {
                            c.anchors.insert(id);
                            c.persons.insert(id);
                        }
                        _ => {
                            c.anchors.insert(id);
                        }
                    }
                }
            }
            for (_, q) in quotes.within(span) {
                let quoted = normalise::words(story.slice(ai, q.content));
                if quoted.split(' ').count() >= 3 {
                    let speaker = q
                        .speaker
                        .as_ref()
                        .and_then(|sp| sp.canonical.as_deref().and_then(|n| index.resolve(n)))
                        .or_else(|| sole_person_outside(index, ai, &entities, span, q.content));
                    c.quote_speakers.push((quoted.clone(), speaker));
                    c.quotes.insert(quoted);
                }
            }
            c.quotes.extend(quoted_segments(text));
            for ev in events.get(&si).into_iter().flatten() {
                c.event_types.insert(ev.kind);
                if let Some(d) = ev.date.as_ref().and_then(Timex::day) {
                    c.days.insert(d);
                }
                if let Some(actor) = ev.actor.as_deref().and_then(|n| index.resolve(n)) {
                    let target = ev.target.as_deref().and_then(|n| index.resolve(n));
                    c.events.insert((ev.kind, actor, target));
                }
                if let Some(place) = ev.place.as_deref().and_then(|n| index.resolve(n)) {
                    c.anchors.insert(place);
                    c.places.insert(place);
                    c.entities.insert(place);
                }
            }
            c.event_days = c.days.iter().copied().filter(|d| Some(*d) != a.published).collect();
            c.future = !c.event_days.is_empty()
                && a.published.is_some_and(|p| c.event_days.iter().all(|d| *d > p));
            claims.push(c);
        }
    }
    claims
}

/// Items of an article (times, entities, quotations) ordered by their start, to find those that
/// start inside a span without scanning them all.
struct ByStart<'a, T> {
    items: &'a [T],
    /// (start, index into `items`), sorted.
    order: Vec<(usize, usize)>,
}

impl<'a, T> ByStart<'a, T> {
    fn new(items: &'a [T], start: impl Fn(&T) -> usize) -> Self {
        let mut order: Vec<(usize, usize)> =
            items.iter().enumerate().map(|(i, x)| (start(x), i)).collect();
        order.sort_unstable();
        ByStart { items, order }
    }

    /// The items starting inside `span`, with their indices, in the items' own order.
    fn within(&self, span: Span) -> impl Iterator<Item = (usize, &'a T)> + '_ {
        let from = self.order.partition_point(|&(s, _)| s < span.start);
        let to = self.order.partition_point(|&(s, _)| s < span.end);
        let mut found: Vec<usize> = self.order[from..to].iter().map(|&(_, i)| i).collect();
        found.sort_unstable();
        found.into_iter().map(|i| (i, &self.items[i]))
    }
}

/// The one person a sentence names outside a quotation it carries: the speaker when the analysis
/// left it unresolved ("\"…,\" said the warehouse owner, Henrik Sol.").
fn sole_person_outside(
    index: &EntityIndex,
    ai: usize,
    entities: &ByStart<'_, storyline_model::Entity>,
    sentence: Span,
    quote: Span,
) -> Option<usize> {
    let people: BTreeSet<usize> = entities
        .within(sentence)
        .filter(|(_, e)| !(quote.start <= e.start && e.start < quote.end))
        .filter_map(|(ei, _)| index.of_mention(ai, ei))
        .filter(|&id| index.clusters[id].kind == EntityType::Person)
        .collect();
    (people.len() == 1).then(|| *people.first().expect("one person"))
}

/// Whether a time expression names its day (a weekday, a month, a relative day) rather than only
/// a time of day, which the analysis can only place on the publication day.
fn names_a_day(text: &str) -> bool {
    let lower = text.to_lowercase();
    const DAYS: &[&str] = &["today", "tonight", "yesterday", "tomorrow", "last night", "overnight"];
    calendar::WEEKDAYS.iter().chain(DAYS).any(|w| lower.contains(w))
        || lower.chars().any(|c| c.is_ascii_digit())
            && lower.split(|c: char| !c.is_alphabetic()).any(calendar::is_month)
}

/// Pairs of claims of different articles that share a key: a day, a figure, an anchor, a
/// quotation, an event type with its actor, or a content word used by few claims (every way two
/// claims can match needs one of these).
pub(crate) fn candidate_pairs(claims: &[Claim]) -> Vec<(usize, usize)> {
    let mut index: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, c) in claims.iter().enumerate() {
        let mut keys: BTreeSet<String> = BTreeSet::new();
        keys.extend(c.days.iter().map(|d| format!("d{d}")));
        keys.extend(c.quantities.iter().map(|q| format!("n{}", q.value)));
        keys.extend(c.quantities.iter().map(|q| format!("u{}", q.unit)));
        keys.extend(c.years.iter().map(|y| format!("y{y}")));
        keys.extend(c.quotes.iter().map(|q| format!("q{q}")));
        keys.extend(c.events.iter().map(|(k, actor, _)| format!("e{k}{actor}")));
        keys.extend(c.words.iter().map(|w| format!("w{w}")));
        for k in keys {
            index.entry(k).or_default().push(i);
        }
    }
    // A word that many claims use cannot make two of them match on its own; nor, in a large
    // story, can a day or a figure that a tenth of all sentences share.
    let common_word = (claims.len() / 50).clamp(8, 30);
    let common = (claims.len() / 10).clamp(60, 200);
    let mut pairs: BTreeSet<(usize, usize)> = BTreeSet::new();
    for (k, list) in &index {
        let limit = if k.starts_with('w') { common_word } else { common };
        if list.len() > limit && !k.starts_with('q') && !k.starts_with('e') {
            continue;
        }
        for (p, &x) in list.iter().enumerate() {
            for &y in &list[p + 1..] {
                if claims[x].art != claims[y].art {
                    pairs.insert((x, y));
                }
            }
        }
    }
    pairs.into_iter().collect()
}

/// Claims in stories up to this size are compared pair by pair; larger stories compare only the
/// pairs that share a key ([`candidate_pairs`]).
const ALL_PAIRS_UP_TO: usize = 1200;

/// The story's claims, with the context their alignment features need.
fn claims_in(story: &Story, index: &EntityIndex) -> (Vec<Claim>, align::Context) {
    let mut claims = build_claims(story, index);
    let ubiquitous = ubiquitous_anchors(story, &claims);
    let ctx = align::Context::new(&mut claims, ubiquitous);
    (claims, ctx)
}

/// The pairs of claims of different outlets worth scoring: all of them in stories up to
/// [`ALL_PAIRS_UP_TO`] claims, else those sharing a key ([`candidate_pairs`]).
fn candidates(story: &Story, claims: &[Claim]) -> Vec<(usize, usize)> {
    if claims.len() > ALL_PAIRS_UP_TO {
        return candidate_pairs(claims)
            .into_iter()
            .filter(|&(x, y)| story.outlet[claims[x].art] != story.outlet[claims[y].art])
            .collect();
    }
    let mut v = Vec::new();
    for x in 0..claims.len() {
        for y in x + 1..claims.len() {
            if story.outlet[claims[x].art] != story.outlet[claims[y].art] {
                v.push((x, y));
            }
        }
    }
    v
}

/// Every candidate pair with its alignment features; pairs below the similarity `floor` that
/// share no value are left out.
fn scored_pairs(
    story: &Story,
    claims: &[Claim],
    ctx: &align::Context,
    floor: f64,
) -> Vec<(usize, usize, align::Features)> {
    let pairs = candidates(story, claims);
    let sims: Vec<f64> =
        pairs.iter().map(|&(x, y)| ctx.similarity(&claims[x], &claims[y])).collect();
    let ranks = align::Ranks::new(&pairs, &sims, |c| claims[c].art, story.len());
    pairs
        .iter()
        .enumerate()
        .filter(|&(k, &(x, y))| sims[k] >= floor || align::shares_a_value(&claims[x], &claims[y]))
        .map(|(k, &(x, y))| (x, y, align::features(ctx, &claims[x], &claims[y], ranks.of(k))))
        .collect()
}

/// Every pair of claims of different outlets that could state one claim, with the probability
/// that they do (`crate::align`), best first.
pub(crate) fn aligned_pairs(
    story: &Story,
    claims: &[Claim],
    ctx: &align::Context,
) -> Vec<(f64, usize, usize)> {
    let mut edges: Vec<(f64, usize, usize)> = scored_pairs(story, claims, ctx, align::SIMILAR)
        .into_iter()
        .filter(|&(x, y, _)| !align::distinct_incidents(&claims[x], &claims[y]))
        .map(|(x, y, f)| (align::probability(&f), x, y))
        .filter(|e| e.0 >= align::KEPT)
        .collect();
    edges.sort_by(|a, b| b.0.total_cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
    edges
}

/// A sentence of the story: (article index, span).
pub(crate) type SentenceRef = (usize, Span);

/// Every pair of claims of different outlets with its features.
pub(crate) fn pair_features(
    story: &Story,
    index: &EntityIndex,
) -> Vec<(SentenceRef, SentenceRef, align::Features)> {
    let (claims, ctx) = claims_in(story, index);
    // All pairs, the unscored ones too: the fit sees every negative.
    scored_pairs(story, &claims, &ctx, f64::NEG_INFINITY)
        .into_iter()
        .map(|(x, y, f)| ((claims[x].art, claims[x].span), (claims[y].art, claims[y].span), f))
        .collect()
}

/// Compares the story's original articles.
pub(crate) fn compare(story: &Story, index: &EntityIndex) -> Compared {
    let (claims, ctx) = claims_in(story, index);
    let edges = aligned_pairs(story, &claims, &ctx);
    // A claim another outlet carries in some words is not that outlet's alone: each claim's best
    // alignment, and the articles that carry it (a pair above `COVERED`).
    let mut best = vec![0.0f64; claims.len()];
    let mut carried_in: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); claims.len()];
    for &(p, x, y) in &edges {
        best[x] = best[x].max(p);
        best[y] = best[y].max(p);
        if p >= align::COVERED {
            carried_in[x].insert(claims[y].art);
            carried_in[y].insert(claims[x].art);
        }
    }
    // Agglomerate the confident pairs, best first, one sentence per article per fact. Two facts
    // join only when their sentences are alike on average (average link: a pair they lack counts
    // as 0), so one loose pair does not chain unrelated sentences into a fact.
    let prob: HashMap<(usize, usize), f64> = edges.iter().map(|&(p, x, y)| ((x, y), p)).collect();
    let p_of = |x: usize, y: usize| prob.get(&(x.min(y), x.max(y))).copied().unwrap_or(0.0);
    let mut fact_of: Vec<usize> = (0..claims.len()).collect();
    let mut members: Vec<Vec<usize>> = (0..claims.len()).map(|c| vec![c]).collect();
    for &(p, x, y) in &edges {
        if p < align::SAME_CLAIM {
            break;
        }
        let (fx, fy) = (fact_of[x], fact_of[y]);
        if fx == fy {
            continue;
        }
        let (mx, my) = (&members[fx], &members[fy]);
        let shares_article = mx.iter().any(|&c| my.iter().any(|&d| claims[c].art == claims[d].art));
        let mean = mx
            .iter()
            .flat_map(|&c| my.iter().map(move |&d| (c, d)))
            .map(|(c, d)| p_of(c, d))
            .sum::<f64>()
            / (mx.len() * my.len()) as f64;
        if shares_article || mean < align::SAME_CLAIM {
            continue;
        }
        let (keep, gone) = (fx.min(fy), fx.max(fy));
        let moved = std::mem::take(&mut members[gone]);
        for &c in &moved {
            fact_of[c] = keep;
        }
        members[keep].extend(moved);
        members[keep].sort_unstable();
    }
    let outlets = |m: &[usize]| {
        m.iter().map(|&c| story.outlet[claims[c].art].as_str()).collect::<BTreeSet<_>>().len()
    };
    let mut agreed_members: Vec<Vec<usize>> =
        members.into_iter().filter(|m| outlets(m) >= 2).collect();
    agreed_members
        .sort_by_key(|m| (std::cmp::Reverse(outlets(m)), std::cmp::Reverse(m.len()), m[0]));

    let evidence = |c: usize| Evidence {
        article: story.id(claims[c].art).clone(),
        start: claims[c].span.start,
        end: claims[c].span.end,
    };
    let agreed = agreed_members
        .iter()
        .map(|m| AgreedFact {
            fact: fact_text(story, &claims, m),
            articles: m.iter().map(|&c| story.id(claims[c].art).clone()).collect(),
            evidence: m.iter().map(|&c| evidence(c)).collect(),
        })
        .collect();

    let (mut conflicts, mut disputed) = crate::conflicts::figures(story, index, &claims, &edges);
    let (denied, denied_claims) = crate::conflicts::denials(story, &claims, &edges);
    conflicts.extend(denied);
    disputed.extend(denied_claims);
    let (dated, dated_claims) = crate::conflicts::days_and_years(story, &claims, &edges);
    conflicts.extend(dated);
    disputed.extend(dated_claims);
    let (more, more_disputed) = crate::conflicts::conflicts(story, index, &claims);
    conflicts.extend(more);
    disputed.extend(more_disputed);
    for c in date_conflicts(story, index) {
        let covered = conflicts.iter().any(|k| {
            k.kind == ConflictKind::Date
                && c.claims.iter().all(|x| {
                    k.claims.iter().any(|y| y.article == x.article && y.evidence == x.evidence)
                })
        });
        if !covered {
            conflicts.push(c);
        }
    }
    crate::conflicts::rank(story, &mut conflicts);
    // Unique: matched by no other article, not disputed by one, and saying something checkable.
    let mut unique_claims: Vec<usize> = (0..claims.len())
        .filter(|&c| {
            best[c] < align::COVERED
                && !disputed.contains(&c)
                && claims[c].informative()
                && claims[c].n_words >= 5
        })
        .collect();
    // Most informative first, and least likely carried elsewhere in other words.
    let rank =
        |c: usize| (1.0 - best[c] / align::COVERED) * (1 + claims[c].informativeness()) as f64;
    unique_claims.sort_by(|&x, &y| {
        (claims[x].art, rank(y), x).partial_cmp(&(claims[y].art, rank(x), y)).expect("finite")
    });
    let mut per_article: BTreeMap<usize, usize> = BTreeMap::new();
    unique_claims.retain(|&c| {
        let n = per_article.entry(claims[c].art).or_default();
        *n += 1;
        *n <= MAX_UNIQUE_PER_ARTICLE
    });
    let unique = unique_claims
        .iter()
        .map(|&c| UniqueFact {
            fact: story.slice(claims[c].art, claims[c].span).to_string(),
            article: story.id(claims[c].art).clone(),
            evidence: vec![evidence(c)],
        })
        .collect();

    let carried_by = agreed_members
        .iter()
        .map(|m| {
            m.iter().flat_map(|&c| carried_in[c].iter().copied().chain([claims[c].art])).collect()
        })
        .collect();
    Compared {
        comparison: Comparison { agreed, unique, conflicts },
        claims,
        agreed_members,
        carried_by,
    }
}

/// The readable rendering of a fact: its shortest evidence sentence of six words or more.
fn fact_text(story: &Story, claims: &[Claim], members: &[usize]) -> String {
    let best = members
        .iter()
        .min_by_key(|&&c| (claims[c].n_words < 6, claims[c].span.len(), c))
        .copied()
        .unwrap_or(members[0]);
    story.slice(claims[best].art, claims[best].span).to_string()
}

pub(crate) fn names(index: &EntityIndex, ids: impl IntoIterator<Item = usize>) -> String {
    let mut v: Vec<&str> = ids.into_iter().map(|i| index.clusters[i].canonical.as_str()).collect();
    v.sort_unstable();
    v.dedup();
    v.truncate(3);
    v.join(", ")
}

/// One event (type, actor, target) dated on different days by different outlets.
fn date_conflicts(story: &Story, index: &EntityIndex) -> Vec<Conflict> {
    /// (event type, actor entity, target).
    type Key = (EventType, usize, Option<String>);
    /// How one article dates an event: its days, places, and the first evidence sentence.
    type Dating = (BTreeSet<Date>, BTreeSet<String>, Span);
    let mut seen: BTreeMap<Key, BTreeMap<usize, Dating>> = BTreeMap::new();
    for ai in (0..story.len()).filter(|&i| story.is_original(i)) {
        for ev in &story.arts[ai].analysis.events {
            let (Some(actor), Some(day)) = (
                ev.actor.as_deref().and_then(|n| index.resolve(n)),
                ev.date.as_ref().and_then(Timex::day),
            ) else {
                continue;
            };
            let target = ev
                .target
                .as_deref()
                .map(|t| index.resolve(t).map_or_else(|| t.to_lowercase(), |c| format!("#{c}")));
            let Some(&span) = story.sentences[ai].get(ev.sentence) else {
                continue;
            };
            let entry = seen.entry((ev.kind, actor, target)).or_default().entry(ai).or_insert((
                BTreeSet::new(),
                BTreeSet::new(),
                span,
            ));
            entry.0.insert(day);
            if let Some(p) = &ev.place {
                entry.1.insert(p.to_lowercase());
            }
        }
    }
    let mut out = Vec::new();
    for ((kind, actor, _), per_article) in seen {
        // Only articles that date the event once; all outlets must differ and places must agree.
        let dated: Vec<(usize, Date, &BTreeSet<String>, Span)> = per_article
            .iter()
            .filter(|(_, (d, _, _))| d.len() == 1)
            .map(|(&a, (d, p, s))| (a, *d.first().expect("one day"), p, *s))
            .collect();
        let days: BTreeSet<Date> = dated.iter().map(|d| d.1).collect();
        let outlets: BTreeSet<&str> = dated.iter().map(|d| story.outlet[d.0].as_str()).collect();
        let places: BTreeSet<&String> = dated.iter().flat_map(|d| d.2.iter()).collect();
        if days.len() < 2 || outlets.len() < dated.len() || places.len() > 1 {
            continue;
        }
        out.push(Conflict {
            kind: ConflictKind::Date,
            about: format!("date of {kind} by {}", index.clusters[actor].canonical),
            claims: dated
                .iter()
                .map(|&(a, d, _, s)| ConflictClaim {
                    article: story.id(a).clone(),
                    value: d.to_string(),
                    evidence: s,
                })
                .collect(),
        });
    }
    out
}
