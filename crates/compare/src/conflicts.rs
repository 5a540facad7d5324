//! Conflicts beyond different counts: different **descriptions** of one event ("strike" vs
//! "lockout", "press conference" vs "televised statement"), different **attribution** of one
//! quotation, different **dates** of one announced event, and **internal** contradictions (a war
//! "in its second year" whose start date, given in the same article, makes it the fourth).
//!
//! Descriptions come from a small lexicon of mutually exclusive ways to describe one kind of thing;
//! a description denied in the sentence ("a lockout rather than a strike") or inside quotation
//! marks (a party's claim, not the outlet's) is not asserted. Conflicts are ranked: numbers and
//! dates first, then descriptions, attribution and internal ones; more outlets first.

use std::collections::{BTreeMap, BTreeSet};

use storyline_model::{Conflict, ConflictClaim, ConflictKind, Date, Timex};

use crate::entities::EntityIndex;
use crate::facts::Claim;
use storyline_text::{calendar, stem, stop, tokens};

use crate::text::{number_value, FigureKind};
use crate::Story;

/// Kinds of thing, each with its exclusive descriptions and the word sequences that say them.
/// `story_wide`: the kind is about the story itself (what the dispute is), so any two outlets'
/// sentences compare; otherwise the two sentences must share a name and not differ in day.
struct Kind {
    name: &'static str,
    story_wide: bool,
    values: &'static [(&'static str, &'static [&'static str])],
}

const KINDS: &[Kind] = &[
    Kind {
        name: "industrial action",
        story_wide: true,
        values: &[
            ("strike", &["strike", "strikes", "striking", "walkout", "walked out", "walk out"]),
            ("lockout", &["lockout", "locked out", "lock out", "locking out"]),
        ],
    },
    Kind {
        name: "form of the statement",
        story_wide: false,
        values: &[
            ("press conference", &["press conference", "news conference", "press briefing"]),
            (
                "televised statement",
                &[
                    "televised statement",
                    "televised address",
                    "address to the nation",
                    "video address",
                ],
            ),
            ("written statement", &["written statement"]),
        ],
    },
    Kind {
        name: "cause",
        story_wide: false,
        values: &[
            ("accident", &["accident", "accidental", "accidentally"]),
            ("deliberate", &["arson", "sabotage", "deliberately", "deliberate attack"]),
        ],
    },
    Kind {
        name: "departure",
        story_wide: false,
        values: &[
            ("resigned", &["resigned", "stepped down", "quit"]),
            ("dismissed", &["was fired", "was dismissed", "was sacked", "was ousted"]),
        ],
    },
];

/// Words that, just before a description, deny it.
const DENIALS: &[&str] = &["rather than", "not", "instead of", "no"];
/// Words that, just before "strike", make it something else.
const OTHER_STRIKES: &[&str] = &["drone", "air", "missile", "hunger", "lightning", "military"];

/// Whether `text` (lowercase words) contains `phrase` with a word gap allowed for "locked ... out".
fn find_phrase(words: &[&str], phrase: &str) -> Vec<usize> {
    let p: Vec<&str> = phrase.split(' ').collect();
    let mut out = Vec::new();
    for i in 0..words.len() {
        if words[i] != p[0] {
            continue;
        }
        if p.len() == 1 {
            out.push(i);
            continue;
        }
        // The next words, allowing up to three words between a verb and its particle.
        let gap = if p.len() == 2 && p[1] == "out" { 4 } else { 1 };
        let mut k = i + 1;
        let mut ok = true;
        for w in &p[1..] {
            match words[k..words.len().min(k + gap)].iter().position(|x| x == w) {
                Some(off) => k += off + 1,
                None => {
                    ok = false;
                    break;
                }
            }
        }
        if ok {
            out.push(i);
        }
    }
    out
}

/// The descriptions a sentence asserts (outside quotation marks, not denied).
pub(crate) fn descriptions(sentence: &str) -> BTreeSet<(&'static str, &'static str)> {
    // Drop quoted passages: they are a party's words.
    let mut plain = String::with_capacity(sentence.len());
    let mut inside = false;
    for c in sentence.chars() {
        match c {
            '"' => inside = !inside,
            '“' => inside = true,
            '”' => inside = false,
            _ if !inside => plain.push(c),
            _ => {}
        }
    }
    let toks = tokens::words(&plain, 0);
    let words: Vec<&str> = toks.iter().map(|t| t.lower.as_str()).collect();
    let mut out = BTreeSet::new();
    // Most sentences hold no word any description starts with.
    if !words.iter().any(|w| first_words().contains(w)) {
        return out;
    }
    for kind in KINDS {
        for (value, phrases) in kind.values {
            let asserted = phrases.iter().any(|ph| {
                find_phrase(&words, ph).into_iter().any(|i| {
                    let before = format!(" {} ", words[i.saturating_sub(3)..i].join(" "));
                    let denied = DENIALS.iter().any(|d| before.contains(&format!(" {d} ")));
                    let other = i > 0 && OTHER_STRIKES.contains(&words[i - 1]);
                    let other_strike = *value == "strike" && other;
                    !(denied || other_strike)
                })
            });
            if asserted {
                out.insert((kind.name, *value));
            }
        }
    }
    out
}

/// The first word of every description phrase in [`KINDS`].
fn first_words() -> &'static BTreeSet<&'static str> {
    static FIRST: std::sync::OnceLock<BTreeSet<&'static str>> = std::sync::OnceLock::new();
    FIRST.get_or_init(|| {
        KINDS
            .iter()
            .flat_map(|k| k.values.iter())
            .flat_map(|(_, phrases)| phrases.iter())
            .filter_map(|p| p.split(' ').next())
            .collect()
    })
}

fn values_of<'c>(c: &'c Claim, kind: &str) -> BTreeSet<&'c str> {
    c.described.iter().filter(|(k, _)| *k == kind).map(|(_, v)| *v).collect()
}

/// Two sentences describing one thing in exclusive ways (each asserting only its own).
pub(crate) fn describes_differently(a: &Claim, b: &Claim) -> bool {
    KINDS.iter().any(|k| {
        let (va, vb) = (values_of(a, k.name), values_of(b, k.name));
        !va.is_empty() && !vb.is_empty() && va.is_disjoint(&vb)
    })
}

/// A person's name as a speaker: no all-capitals word ("BST", a dateline's time zone), no article.
fn plausible_name(name: &str) -> bool {
    name.split_whitespace().all(|w| {
        let letters: Vec<char> = w.chars().filter(|c| c.is_alphabetic()).collect();
        let capitals = letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase());
        !(capitals || matches!(w, "The" | "the" | "A" | "An"))
    })
}

/// Words that only say a thing is announced, or when.
const SCHEDULE_WORDS: &[&str] =
    &["will", "expect", "due", "set", "schedul", "plan", "said", "say", "next", "week"];

/// Whether two announcements say the same thing apart from their day: the words of the shorter,
/// leaving out dates, figures and scheduling words, are mostly in the longer (two at least, or
/// its only one).
fn same_announcement(a: &BTreeSet<String>, b: &BTreeSet<String>) -> bool {
    let keep = |w: &&String| {
        !w.chars().any(|c| c.is_ascii_digit())
            && !calendar::is_month(w)
            && !calendar::is_weekday(w)
            && !SCHEDULE_WORDS.contains(&w.as_str())
    };
    let a: BTreeSet<&String> = a.iter().filter(keep).collect();
    let b: BTreeSet<&String> = b.iter().filter(keep).collect();
    let shared = a.intersection(&b).count();
    let small = a.len().min(b.len());
    small > 0 && shared * 2 >= small && (shared >= 2 || small == 1)
}

fn claim(story: &Story, c: &Claim, value: String) -> ConflictClaim {
    ConflictClaim { article: story.id(c.art).clone(), value, evidence: c.span }
}

fn days_apart(a: Date, b: Date) -> i32 {
    a.since(b).map_or(i32::MAX, |s| s.get_days().abs())
}

/// The conflicts of this module's kinds, and the claims that take part in them.
pub(crate) fn conflicts(
    story: &Story,
    index: &EntityIndex,
    claims: &[Claim],
) -> (Vec<Conflict>, BTreeSet<usize>) {
    let mut out = Vec::new();
    let mut disputed = BTreeSet::new();
    let parts = [
        description_conflicts(story, claims),
        attribution_conflicts(story, index, claims),
        date_conflicts(story, claims),
        internal_conflicts(story, claims),
    ];
    for (found, involved) in parts {
        out.extend(found);
        disputed.extend(involved);
    }
    (out, disputed)
}

/// Whether claims `x` and `y` come from different outlets.
fn different_outlets(story: &Story, claims: &[Claim], x: usize, y: usize) -> bool {
    story.outlet[claims[x].art] != story.outlet[claims[y].art]
}

/// Descriptions: per kind, the sentences of different outlets describing one thing in exclusive
/// ways (one conflict per kind, one sentence per article). Returns the conflicts and the claims
/// taking part.
fn description_conflicts(story: &Story, claims: &[Claim]) -> (Vec<Conflict>, Vec<usize>) {
    let mut out = Vec::new();
    let mut disputed = Vec::new();
    for kind in KINDS {
        let members = differently_described(story, claims, kind);
        if members.is_empty() {
            continue;
        }
        // One sentence per article: its first describing one.
        let mut seen_art = BTreeSet::new();
        let mut cl = Vec::new();
        for &m in &members {
            if seen_art.insert(claims[m].art) {
                let v = values_of(&claims[m], kind.name).into_iter().next().unwrap_or_default();
                cl.push(claim(story, &claims[m], v.to_string()));
            }
        }
        disputed.extend(members);
        out.push(Conflict {
            about: kind.name.to_string(),
            claims: cl,
            kind: ConflictKind::Description,
        });
    }
    (out, disputed)
}

/// Per outlet, the descriptions of `kind` it asserts and the claims asserting them, for the
/// outlets asserting just one (those asserting several are ambiguous and left out).
fn sole_descriptions<'a>(
    story: &'a Story,
    claims: &'a [Claim],
    kind: &Kind,
) -> BTreeMap<&'a str, (BTreeSet<&'a str>, Vec<usize>)> {
    let mut per_outlet: BTreeMap<&str, (BTreeSet<&str>, Vec<usize>)> = BTreeMap::new();
    for (ci, c) in claims.iter().enumerate() {
        let v = values_of(c, kind.name);
        if !v.is_empty() {
            let e = per_outlet.entry(story.outlet[c.art].as_str()).or_default();
            e.0.extend(v);
            e.1.push(ci);
        }
    }
    per_outlet.retain(|_, (v, _)| v.len() == 1);
    per_outlet
}

/// The claims of outlets describing one thing of `kind` differently: pairs of sentences from
/// different outlets with exclusive descriptions that are about the same thing (for a kind not
/// `story_wide`: sharing a name, and not on different days). Empty unless the outlets' sole
/// descriptions differ.
fn differently_described(story: &Story, claims: &[Claim], kind: &Kind) -> BTreeSet<usize> {
    let per_outlet = sole_descriptions(story, claims, kind);
    let values: BTreeSet<&str> = per_outlet.values().flat_map(|(v, _)| v.iter().copied()).collect();
    let mut members: BTreeSet<usize> = BTreeSet::new();
    if values.len() < 2 {
        return members;
    }
    let reps: Vec<usize> = per_outlet.values().flat_map(|(_, cs)| cs.iter().copied()).collect();
    for &x in &reps {
        for &y in &reps {
            if x >= y
                || !different_outlets(story, claims, x, y)
                || !describes_differently(&claims[x], &claims[y])
            {
                continue;
            }
            let (a, b) = (&claims[x], &claims[y]);
            let related = kind.story_wide
                || (!a.anchors.is_disjoint(&b.anchors)
                    && (a.days.is_empty() || b.days.is_empty() || !a.days.is_disjoint(&b.days)));
            if related {
                members.insert(x);
                members.insert(y);
            }
        }
    }
    members
}

/// Attribution: the same quotation given to different people by different outlets. Returns the
/// conflicts and the claims taking part.
fn attribution_conflicts(
    story: &Story,
    index: &EntityIndex,
    claims: &[Claim],
) -> (Vec<Conflict>, Vec<usize>) {
    let mut out = Vec::new();
    let mut disputed = Vec::new();
    for (quote, said) in quote_speakers(claims) {
        // Only people: a mis-read speaker (a dateline, an outlet) is no attribution.
        let said: Vec<(usize, usize)> = said
            .into_iter()
            .filter(|s| index.clusters[s.1].kind == storyline_model::EntityType::Person)
            .filter(|s| plausible_name(&index.clusters[s.1].canonical))
            .collect();
        let speakers: BTreeSet<usize> = said.iter().map(|s| s.1).collect();
        let outlets: BTreeSet<&str> =
            said.iter().map(|s| story.outlet[claims[s.0].art].as_str()).collect();
        if speakers.len() < 2 || outlets.len() < 2 {
            continue;
        }
        let short: String = quote.split(' ').take(8).collect::<Vec<_>>().join(" ");
        disputed.extend(said.iter().map(|s| s.0));
        out.push(Conflict {
            about: format!("who said “{short}…”"),
            claims: said
                .iter()
                .map(|&(ci, sp)| claim(story, &claims[ci], index.clusters[sp].canonical.clone()))
                .collect(),
            kind: ConflictKind::Attribution,
        });
    }
    (out, disputed)
}

/// Each quotation with a speaker: (claim, speaker's entity cluster) for every claim quoting it.
fn quote_speakers(claims: &[Claim]) -> BTreeMap<String, Vec<(usize, usize)>> {
    let mut attributed: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
    for (ci, c) in claims.iter().enumerate() {
        for (q, sp) in &c.quote_speakers {
            if let Some(sp) = sp {
                attributed.entry(q.clone()).or_default().push((ci, *sp));
            }
        }
    }
    attributed
}

/// Dates: one announced event set for different days by different outlets (one conflict per
/// event, one sentence per article). Returns the conflicts and the claims taking part.
fn date_conflicts(story: &Story, claims: &[Claim]) -> (Vec<Conflict>, Vec<usize>) {
    let mut out = Vec::new();
    let mut disputed = Vec::new();
    for (_, members) in announced_on_different_days(story, claims) {
        let mut seen_art = BTreeSet::new();
        let cl: Vec<ConflictClaim> = members
            .iter()
            .filter(|&&m| seen_art.insert(claims[m].art))
            .map(|&m| {
                claim(story, &claims[m], claims[m].event_days.first().expect("one").to_string())
            })
            .collect();
        disputed.extend(members.iter().copied());
        out.push(Conflict {
            about: "date of the announced event".into(),
            claims: cl,
            kind: ConflictKind::Date,
        });
    }
    (out, disputed)
}

/// The announcements of one event for different days, grouped (transitively) by event: each
/// group's claims in order, keyed by a representative claim.
fn announced_on_different_days(story: &Story, claims: &[Claim]) -> BTreeMap<usize, Vec<usize>> {
    let mut parent: Vec<usize> = (0..claims.len()).collect();
    let mut dated: BTreeSet<usize> = BTreeSet::new();
    let announced: Vec<usize> = (0..claims.len())
        .filter(|&c| claims[c].future && claims[c].event_days.len() == 1)
        .collect();
    for (p, &x) in announced.iter().enumerate() {
        for &y in &announced[p + 1..] {
            if !same_event_other_day(story, claims, x, y) {
                continue;
            }
            let (rx, ry) = (root(&mut parent, x), root(&mut parent, y));
            parent[ry] = rx;
            dated.insert(x);
            dated.insert(y);
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &c in &dated {
        let r = root(&mut parent, c);
        groups.entry(r).or_default().push(c);
    }
    groups
}

/// Union-find: the root of `x`'s set in `p` (a parent per element), pointing `x` straight at it.
fn root(p: &mut [usize], x: usize) -> usize {
    let mut r = x;
    while p[r] != r {
        r = p[r];
    }
    p[x] = r;
    r
}

/// Whether claims `x` and `y`, from different outlets, announce one event each for one different
/// day, and the same event: the same names within a few days (a weekday read differently), or the
/// same wording of what is announced within a month ("shareholders will vote on the deal on July
/// 21" / "… on the takeover on July 14").
fn same_event_other_day(story: &Story, claims: &[Claim], x: usize, y: usize) -> bool {
    let (a, b) = (&claims[x], &claims[y]);
    let announced = a.future && b.future;
    if !(different_outlets(story, claims, x, y) && announced)
        || a.event_days.len() != 1
        || b.event_days.len() != 1
        || a.event_days == b.event_days
    {
        return false;
    }
    let (da, db) = (*a.event_days.first().expect("one"), *b.event_days.first().expect("one"));
    let named = !a.anchors.is_disjoint(&b.anchors) && days_apart(da, db) <= 3;
    let worded = days_apart(da, db) <= 31 && same_announcement(&a.words, &b.words);
    named || worded
}

/// Internal: "in its Nth year/day" against a start date the story gives, per original article.
/// Returns the conflicts and the claims taking part.
fn internal_conflicts(story: &Story, claims: &[Claim]) -> (Vec<Conflict>, Vec<usize>) {
    let mut out = Vec::new();
    let mut disputed = Vec::new();
    let all_starts = starts(story, claims);
    for ai in (0..story.len()).filter(|&i| story.is_original(i)) {
        let (found, involved) = internal(story, claims, &all_starts, ai);
        out.extend(found);
        disputed.extend(involved);
    }
    (out, disputed)
}

const ORDINALS: &[&str] = &[
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
];
const START_CUES: &[&str] = &["began", "begun", "started", "broke out", "erupted", "launched"];

fn ordinal(word: &str) -> Option<i64> {
    if let Some(i) = ORDINALS.iter().position(|o| *o == word) {
        return Some(i as i64 + 1);
    }
    let digits = word.trim_end_matches(|c: char| c.is_alphabetic());
    let suffix = &word[digits.len()..];
    if matches!(suffix, "st" | "nd" | "rd" | "th") {
        return number_value(digits).map(|v| v as i64);
    }
    None
}

/// What a start date or an "Nth year" can be about: a sentence names one of these, and the two
/// sentences must name the same one.
const SPELLS: &[&str] = &[
    "war",
    "invasion",
    "conflict",
    "occupation",
    "siege",
    "crisis",
    "pandemic",
    "strike",
    "lockout",
    "dispute",
    "blockade",
    "protests",
    "offensive",
];

/// The start dates the story's original articles give: (claim, date, day-precise, what began).
fn starts(story: &Story, claims: &[Claim]) -> Vec<(usize, Date, bool, &'static str)> {
    let mut out = Vec::new();
    for (c, claim) in claims.iter().enumerate() {
        let ai = claim.art;
        let text = story.slice(ai, claim.span).to_lowercase();
        if !START_CUES.iter().any(|cue| text.contains(cue)) {
            continue;
        }
        let words: Vec<String> = tokens::words(&text, 0).into_iter().map(|t| t.lower).collect();
        let Some(what) = SPELLS.iter().find(|s| words.iter().any(|w| w == *s)) else { continue };
        let span = claim.span;
        let times = &story.arts[ai].analysis.times;
        for t in times.iter().filter(|t| span.start <= t.start && t.start < span.end) {
            let parsed = match t.value {
                Some(Timex::Day(d)) => Some((d, true)),
                Some(Timex::Month { year, month }) => {
                    Date::new(year, month as i8, 1).ok().map(|d| (d, false))
                }
                _ => None,
            };
            if let Some((d, precise)) = parsed {
                out.push((c, d, precise, *what));
            }
        }
    }
    out
}

/// A stated "its Nth year/day" that a start date contradicts: the article's own first, else one
/// another outlet gives for the same thing (a war "in its third year" begun in February 2022,
/// in May 2025). Returns the conflicts and the claims taking part.
fn internal(
    story: &Story,
    claims: &[Claim],
    all_starts: &[(usize, Date, bool, &'static str)],
    ai: usize,
) -> (Vec<Conflict>, Vec<usize>) {
    let a = story.arts[ai];
    let mut out = Vec::new();
    let mut involved = Vec::new();
    let Some(published) = a.published else { return (out, involved) };
    for c in (0..claims.len()).filter(|&c| claims[c].art == ai) {
        let toks = tokens::words(story.slice(ai, claims[c].span), 0);
        let words: BTreeSet<&str> = toks.iter().map(|t| t.lower.as_str()).collect();
        for w in toks.windows(3) {
            let (its, nth, unit) = (&w[0].lower, &w[1].lower, &w[2].lower);
            if its != "its" {
                continue;
            }
            let Some(n) = ordinal(nth) else { continue };
            // Own start first, then another article's start for the same thing.
            let usable = |&&(sc, d, _, what): &&(usize, Date, bool, &str)| {
                let own = claims[sc].art == ai;
                d < published && (own || words.contains(what))
            };
            let start =
                all_starts.iter().filter(usable).min_by_key(|(sc, _, _, _)| claims[*sc].art != ai);
            let Some(&(start_claim, begun, precise, _)) = start else { continue };
            let expected = match unit.as_str() {
                "year" => {
                    let months = (published.year() as i64 - begun.year() as i64) * 12
                        + (published.month() as i64 - begun.month() as i64);
                    months / 12 + 1
                }
                "day" if precise => days_apart(published, begun) as i64 + 1,
                _ => continue,
            };
            if expected == n {
                continue;
            }
            let other = claims[start_claim].art;
            let kind = if other == ai { ConflictKind::Internal } else { ConflictKind::Date };
            involved.extend([c, start_claim]);
            out.push(Conflict {
                about: format!("{unit} count since {begun} (start date given in the story)"),
                claims: vec![
                    ConflictClaim {
                        article: story.id(ai).clone(),
                        value: format!("its {nth} {unit}"),
                        evidence: claims[c].span,
                    },
                    ConflictClaim {
                        article: story.id(other).clone(),
                        value: format!("began {begun}: its {} {unit}", ordinal_word(expected)),
                        evidence: claims[start_claim].span,
                    },
                ],
                kind,
            });
        }
    }
    (out, involved)
}

fn ordinal_word(n: i64) -> String {
    match usize::try_from(n - 1).ok().and_then(|i| ORDINALS.get(i)) {
        Some(w) => w.to_string(),
        None => format!("{n}th"),
    }
}

/// Orders conflicts: numbers and dates first, then descriptions, attribution, internal; within a
/// kind, more outlets first (stable otherwise).
pub(crate) fn rank(story: &Story, conflicts: &mut [Conflict]) {
    let priority = |k: ConflictKind| match k {
        ConflictKind::Number => 0,
        ConflictKind::Date => 1,
        ConflictKind::Description => 2,
        ConflictKind::Attribution => 3,
        ConflictKind::Internal | ConflictKind::Unspecified => 4,
    };
    conflicts.sort_by_cached_key(|c| {
        let outlets: BTreeSet<&str> = c
            .claims
            .iter()
            .filter_map(|cl| (0..story.len()).find(|&i| *story.id(i) == cl.article))
            .map(|i| story.outlet[i].as_str())
            .collect();
        (priority(c.kind), std::cmp::Reverse(outlets.len()))
    });
}

/// Alignment probability above which a pair of claims is about one thing closely enough for a
/// differing figure or day to be a contradiction (precision first: a false conflict costs a
/// reader more than a missed one).
pub(crate) const SAME_THING: f64 = 0.5;

/// Words saying a figure is a running or partial count ("so far", "in total", "on Monday alone"),
/// which a different figure of another outlet does not contradict.
const PARTIAL: &[&str] = &["total", "so far", "in all", "overall", "alone", "cumulative", "since"];

/// Figures of one kind that cannot both be true, stated by different outlets in aligned claims.
/// A count that rises in a later article is an update, not a contradiction. Also returns the
/// claims taking part.
pub(crate) fn figures(
    story: &Story,
    index: &EntityIndex,
    claims: &[Claim],
    edges: &[(f64, usize, usize)],
) -> (Vec<Conflict>, BTreeSet<usize>) {
    let partial = |c: &Claim| {
        let s = story.slice(c.art, c.span).to_lowercase();
        PARTIAL.iter().any(|p| s.contains(p))
    };
    // (kind, claim, quantity) nodes joined by contradictions; components become conflicts.
    let mut groups: BTreeMap<FigureKind, BTreeMap<usize, usize>> = BTreeMap::new();
    let mut anchors: BTreeMap<FigureKind, BTreeSet<usize>> = BTreeMap::new();
    for &(p, x, y) in edges {
        if p < SAME_THING {
            break;
        }
        let (a, b) = (&claims[x], &claims[y]);
        if partial(a) || partial(b) {
            continue;
        }
        for (i, qa) in a.quantities.iter().enumerate() {
            for (j, qb) in b.quantities.iter().enumerate() {
                let Some(kind) = qa.kind() else { continue };
                let states_both = a.quantities.iter().any(|q| q.value == qb.value)
                    || b.quantities.iter().any(|q| q.value == qa.value);
                if !qa.contradicts(qb) || states_both || rises_later(story, a, qa, b, qb) {
                    continue;
                }
                let g = groups.entry(kind).or_default();
                g.entry(x).or_insert(i);
                g.entry(y).or_insert(j);
                anchors.entry(kind).or_default().extend(a.anchors.intersection(&b.anchors));
            }
        }
    }
    let mut out = Vec::new();
    let mut disputed = BTreeSet::new();
    for (kind, members) in groups {
        // One figure per article: its first.
        let mut seen = BTreeSet::new();
        let mut cl = Vec::new();
        for (&c, &q) in &members {
            if seen.insert(claims[c].art) {
                let quantity = &claims[c].quantities[q];
                cl.push(claim(
                    story,
                    &claims[c],
                    story.slice(claims[c].art, quantity.span).to_string(),
                ));
            }
        }
        if cl.len() < 2 {
            continue;
        }
        disputed.extend(members.keys().copied());
        let (&c0, &q0) = members.iter().next().expect("a member");
        let quantity = &claims[c0].quantities[q0];
        let what = match kind {
            FigureKind::Measure(m) => m.to_string(),
            FigureKind::Unit(_) => quantity.unit_text.clone(),
        };
        let names = crate::facts::names(index, anchors.remove(&kind).unwrap_or_default());
        let about = if names.is_empty() { what } else { format!("{what} · {names}") };
        out.push(Conflict { about, claims: cl, kind: ConflictKind::Number });
    }
    (out, disputed)
}

/// A count a later article raises ("at least nine killed", next day "14 killed"): an update.
fn rises_later(
    story: &Story,
    a: &Claim,
    qa: &crate::text::Quantity,
    b: &Claim,
    qb: &crate::text::Quantity,
) -> bool {
    let (pa, pb) = (story.arts[a.art].published, story.arts[b.art].published);
    let (va, vb) = (qa.value.parse::<f64>().unwrap_or(0.0), qb.value.parse::<f64>().unwrap_or(0.0));
    match (pa, pb) {
        (Some(pa), Some(pb)) if pa < pb => vb > va,
        (Some(pa), Some(pb)) if pb < pa => va > vb,
        _ => false,
    }
}

/// Sentences longer than this (fact boxes, datelines glued to a lead) are not compared for
/// denials, days or years.
const MAX_DENIAL_WORDS: usize = 40;

/// Both claims short enough to compare word by word ([`MAX_DENIAL_WORDS`]).
fn short_enough(a: &Claim, b: &Claim) -> bool {
    a.n_words <= MAX_DENIAL_WORDS && b.n_words <= MAX_DENIAL_WORDS
}

/// Words that deny or reverse the participle or adjective right after them ("not injured",
/// "insufficiently equipped"). "No" is left out: it denies a thing's existence ("no vaccine"),
/// which another outlet naming the thing does not contradict.
const NEGATORS: &[&str] = &[
    "not",
    "never",
    "n't",
    "insufficiently",
    "inadequately",
    "poorly",
    "barely",
    "hardly",
    "cannot",
    "didn't",
    "wasn't",
    "weren't",
    "isn't",
    "aren't",
    "hasn't",
    "haven't",
    "hadn't",
    "won't",
    "wouldn't",
    "couldn't",
    "don't",
    "doesn't",
];

/// Whether a word reads as a participle ("equipped", "injured", "taken", "operating"): what a
/// denial can reverse.
fn participle(w: &str) -> bool {
    w.ends_with("ed") || w.ends_with("en") || w.ends_with("ing")
}

/// For each stemmed content word of a sentence: whether one of the two words before it denies it,
/// and the phrase as written ("insufficiently equipped").
fn polarity(text: &str) -> BTreeMap<String, (bool, String)> {
    let toks = tokens::words(text, 0);
    let mut out: BTreeMap<String, (bool, String)> = BTreeMap::new();
    for (i, t) in toks.iter().enumerate() {
        let w = t.lower.as_str();
        if w.chars().count() < 5
            || stop::is_not_content(w)
            || !w.chars().all(char::is_alphabetic)
            || !participle(w)
        {
            continue;
        }
        let before = &toks[i.saturating_sub(2)..i];
        let denied = before.iter().any(|p| NEGATORS.contains(&p.lower.as_str()));
        let phrase =
            before.iter().chain([t]).map(|t| t.lower.as_str()).collect::<Vec<_>>().join(" ");
        // A word both denied and asserted in one sentence says nothing either way.
        let e = out.entry(stem::light(w)).or_insert((denied, phrase));
        if e.0 != denied {
            e.0 = false;
        }
    }
    out
}

/// Aligned claims of two outlets where one denies what the other asserts with the same word
/// ("was well equipped" vs "was insufficiently equipped").
pub(crate) fn denials(
    story: &Story,
    claims: &[Claim],
    edges: &[(f64, usize, usize)],
) -> (Vec<Conflict>, BTreeSet<usize>) {
    let mut out = Vec::new();
    let mut disputed = BTreeSet::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let denies: Vec<bool> = claims
        .iter()
        .map(|c| {
            tokens::words(story.slice(c.art, c.span), 0)
                .iter()
                .any(|t| NEGATORS.contains(&t.lower.as_str()))
        })
        .collect();
    for &(p, x, y) in edges {
        if p < SAME_THING {
            break;
        }
        let (a, b) = (&claims[x], &claims[y]);
        if !short_enough(a, b) {
            continue;
        }
        // Only a sentence with a denial can deny: most pairs stop here.
        if !denies[x] && !denies[y] {
            continue;
        }
        let (pa, pb) = (polarity(story.slice(a.art, a.span)), polarity(story.slice(b.art, b.span)));
        let Some(word) = pa
            .iter()
            .find(|(w, d)| pb.get(*w).is_some_and(|e| e.0 != d.0) && a.words.contains(*w))
            .map(|(w, _)| w.clone())
        else {
            continue;
        };
        if !seen.insert(word.clone()) {
            continue;
        }
        disputed.insert(x);
        disputed.insert(y);
        let surface = pa[&word].1.rsplit(' ').next().unwrap_or(&word).to_string();
        out.push(Conflict {
            about: format!("whether {surface}"),
            claims: vec![
                claim(story, a, pa[&word].1.clone()),
                claim(story, b, pb[&word].1.clone()),
            ],
            kind: ConflictKind::Description,
        });
    }
    (out, disputed)
}

/// Alignment probability above which two claims that name different days are one thing dated
/// differently (stricter than [`SAME_THING`]: reports of consecutive days share most words).
const SAME_DAY_THING: f64 = 0.7;

/// Content-word overlap at which two sentences without a shared event type report one action.
const SAME_ACTION_WORDS: f64 = 0.15;

/// The lowercased word right before `needle` in `text`.
fn word_before(text: &str, needle: &str) -> Option<String> {
    let at = text.find(needle)?;
    text[..at].split_whitespace().next_back().map(str::to_lowercase)
}

/// Aligned claims of two outlets that put one thing on different days ("the ministry said on
/// Sunday" / "… on Saturday") or in different years ("in office since 1979" / "since 1978"):
/// each names exactly one, and neither names the other's.
pub(crate) fn days_and_years(
    story: &Story,
    claims: &[Claim],
    edges: &[(f64, usize, usize)],
) -> (Vec<Conflict>, BTreeSet<usize>) {
    let mut out = Vec::new();
    let mut disputed = BTreeSet::new();
    for &(p, x, y) in edges {
        if p < SAME_DAY_THING {
            break;
        }
        let (a, b) = (&claims[x], &claims[y]);
        if disputed.contains(&x) || disputed.contains(&y) || !short_enough(a, b) {
            continue;
        }
        // One action, both reported or both announced: else two days are two happenings ("walked
        // out on Tuesday" / "entered its second day on Wednesday").
        let same_action = !a.event_types.is_disjoint(&b.event_types)
            || crate::text::jaccard(&a.words, &b.words) >= SAME_ACTION_WORDS;
        if !same_action || a.future != b.future {
            continue;
        }
        let one = |s: &BTreeSet<Date>| (s.len() == 1).then(|| *s.first().expect("one"));
        let conflict = if let (Some(da), Some(db)) = (one(&a.days), one(&b.days)) {
            (da != db).then(|| (ConflictKind::Date, da.to_string(), db.to_string()))
        } else if let (1, 1) = (a.years.len(), b.years.len()) {
            let (ya, yb) = (a.years.first().expect("one"), b.years.first().expect("one"));
            // The same word before both years ("since 1979" / "since 1978"): one thing dated.
            let before =
                |c: &Claim, y: i16| word_before(story.slice(c.art, c.span), &y.to_string());
            let same_role = before(a, *ya).is_some() && before(a, *ya) == before(b, *yb);
            (ya != yb && same_role && a.days.is_empty() && b.days.is_empty())
                .then(|| (ConflictKind::Date, ya.to_string(), yb.to_string()))
        } else {
            None
        };
        let Some((kind, va, vb)) = conflict else { continue };
        disputed.insert(x);
        disputed.insert(y);
        let shorter = if a.n_words <= b.n_words { a } else { b };
        let words: Vec<&str> = story.slice(shorter.art, shorter.span).split_whitespace().collect();
        let mut about = format!("when: {}", words[..words.len().min(10)].join(" "));
        if words.len() > 10 {
            about.push('…');
        }
        out.push(Conflict { about, claims: vec![claim(story, a, va), claim(story, b, vb)], kind });
    }
    (out, disputed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_skip_denials_quotes_and_other_strikes() {
        let d = |s: &str| descriptions(s).into_iter().map(|(_, v)| v).collect::<Vec<_>>();
        assert_eq!(d("Dockers walked out on Tuesday."), ["strike"]);
        assert_eq!(
            d("Operators locked union members out, in a lockout rather than a strike."),
            ["lockout"]
        );
        assert_eq!(d("\"This is a strike in all but name,\" she said."), Vec::<&str>::new());
        assert_eq!(d("A drone strike hit the depot."), Vec::<&str>::new());
        assert_eq!(d("She announced it at a press conference."), ["press conference"]);
    }

    #[test]
    fn ordinals_read_words_and_digits() {
        assert_eq!(ordinal("second"), Some(2));
        assert_eq!(ordinal("3rd"), Some(3));
        assert_eq!(ordinal("year"), None);
    }
}
