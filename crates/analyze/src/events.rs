//! Events (first version): trigger words per sentence mapped to PLOVER types, with actor, target,
//! date and place read off the sentence's entities and time expressions.
//!
//! Mapping follows the PLOVER inventory (CAMEO2PLOVER-2021 and its examples): intent to
//! negotiate / offers / promises → AGREE; meet, negotiate, visit, host → CONSULT; praise, welcome,
//! back, sign → SUPPORT; demand, urge, call on/for → DEMAND; accuse, blame, criticise, condemn →
//! DISAPPROVE; reject, refuse, dismiss, rule out → REJECT; threaten, warn → THREATEN; sanction,
//! impose sanctions, expel → SANCTION; arrest, seize, ban, blockade → COERCE; shell, invade, launch
//! missiles → FIGHT; attack, strike, kill, bomb → ASSAULT; withdraw, release, declare a ceasefire
//! → RETREAT; accept, allow, lift, ease → CONCEDE; protest, rally → PROTEST; mobilise, deploy →
//! MOBILIZE; investigate → INVESTIGATE; cooperate → COOPERATE; aid, donate → AID.
//! Actor = nearest PER/ORG/LOC before the trigger (passive "by X" swaps), target = first after it.
//!
//! Two sources of triggers: the hand lists below (`VERBS`, `EXTRA`, `multiword`), and a learned
//! lexicon, `crates/analyze/models/event_lexicon.tsv`, learned from data that is not the PLOVER
//! development split: the head verbs and light-verb objects of the CAMEO → PLOVER table's
//! descriptions, expanded through WordNet 3.0 synonyms and derived forms (see
//! `storyline_train::event_lexicon`). It is regenerated, never edited, with
//!
//! ```sh
//! apt-get install wordnet-base
//! cargo run --release -p storyline-train --example train_events -- \
//!     ../shared/data/events/plover/CAMEO2PLOVER-2021.txt --senses 3
//! ```
//!
//! (`--senses 3` chosen by 5-fold cross-validation over the development records.) A word the
//! hand lists know keeps their type. A word only the lexicon knows is a trigger only inside a
//! modality or intention frame ("would hijack", "is ready to ratify", "must extradite"), where it
//! says what is proposed or demanded, and ranks after the listed triggers of its sentence: the
//! lexicon holds common words ("found", "back") that name no event in running text.
//!
//! Modality and intention frames are typed by what they propose or demand, as the CAMEO → PLOVER
//! table does ("Express intent to …" AGREE, "Threaten to …", "Demand …"): the trigger in the
//! complement of "will", "is ready / willing / prepared to", "vowed to" is AGREE when it is
//! cooperative, THREATEN when it is force or pressure, REJECT when the intention is negated;
//! after "must" it is DEMAND. Where the complement holds no trigger ("is willing to consider",
//! "must hold a vote"), the frame is the event itself (AGREE, DEMAND).

use std::collections::HashMap;
use std::sync::LazyLock;

use storyline_model::offsets::CharIndex;
use storyline_model::{Analysis, EntityType, Event, EventType, TextSpan, TimeType, Timex};

use crate::text::{lower, spans_to_bytes, tokenize, Tok};

/// Regular verbs by PLOVER type (base forms; inflections generated).
const VERBS: &[(EventType, &[&str])] = &[
    (EventType::Agree, &["agree", "promise", "pledge", "offer", "propose", "vow", "commit"]),
    (
        EventType::Consult,
        &["meet", "negotiate", "visit", "host", "discuss", "consult", "mediate", "talk"],
    ),
    (
        EventType::Support,
        &[
            "praise",
            "endorse",
            "support",
            "defend",
            "welcome",
            "sign",
            "commend",
            "hail",
            "apologize",
            "apologise",
            "forgive",
            "recognize",
            "recognise",
        ],
    ),
    (EventType::Cooperate, &["cooperate", "collaborate", "share"]),
    (EventType::Aid, &["donate", "aid", "supply", "provide", "grant", "give"]),
    (EventType::Concede, &["accept", "allow", "lift", "ease", "concede", "yield", "relent"]),
    (EventType::Retreat, &["withdraw", "retreat", "release", "resign", "surrender", "evacuate"]),
    (EventType::Investigate, &["investigate", "probe", "inspect", "interrogate"]),
    (EventType::Demand, &["demand", "urge", "request", "insist", "order", "press"]),
    (
        EventType::Disapprove,
        &[
            "accuse",
            "blame",
            "criticize",
            "criticise",
            "condemn",
            "denounce",
            "summon",
            "sue",
            "complain",
            "decry",
        ],
    ),
    (
        EventType::Reject,
        &[
            "reject",
            "refuse",
            "decline",
            "dismiss",
            "veto",
            "rebuff",
            "deny",
            "violate",
            "defy",
            "renege",
            "repudiate",
        ],
    ),
    (EventType::Threaten, &["threaten", "warn"]),
    (
        EventType::Protest,
        &["protest", "demonstrate", "rally", "riot", "march", "boycott", "block", "picket"],
    ),
    (EventType::Mobilize, &["mobilize", "mobilise", "deploy"]),
    (
        EventType::Sanction,
        &[
            "sanction", "expel", "suspend", "sever", "halt", "freeze", "recall", "prohibit",
            "embargo",
        ],
    ),
    (
        EventType::Coerce,
        &[
            "arrest",
            "detain",
            "seize",
            "confiscate",
            "ban",
            "deport",
            "blockade",
            "occupy",
            "jail",
            "raid",
            "demolish",
            "hack",
            "confine",
        ],
    ),
    (
        EventType::Fight,
        &["shell", "bombard", "invade", "fight", "clash", "recapture", "retake", "capture"],
    ),
    (
        EventType::Assault,
        &[
            "attack",
            "strike",
            "kill",
            "bomb",
            "wound",
            "assassinate",
            "abduct",
            "kidnap",
            "torture",
            "massacre",
            "execute",
            "beat",
        ],
    ),
];

/// Irregular or noun forms.
const EXTRA: &[(&str, EventType)] = &[
    ("met", EventType::Consult),
    ("struck", EventType::Assault),
    ("fought", EventType::Fight),
    ("attacks", EventType::Assault),
    ("strikes", EventType::Assault),
    ("airstrike", EventType::Assault),
    ("airstrikes", EventType::Assault),
    ("invasion", EventType::Fight),
    ("offensive", EventType::Fight),
    ("sought", EventType::Demand),
    ("backed", EventType::Support),
    ("backs", EventType::Support),
    ("backing", EventType::Support),
    ("ultimatum", EventType::Threaten),
    // Nominal triggers: the event named by a noun ("held talks", "a suspension of links").
    ("talks", EventType::Consult),
    ("negotiations", EventType::Consult),
    ("mediation", EventType::Consult),
    ("summit", EventType::Consult),
    ("investigation", EventType::Investigate),
    ("inquiry", EventType::Investigate),
    ("hearing", EventType::Investigate),
    ("protests", EventType::Protest),
    ("demonstration", EventType::Protest),
    ("demonstrations", EventType::Protest),
    ("walkout", EventType::Protest),
    ("sanctions", EventType::Sanction),
    ("suspension", EventType::Sanction),
    ("embargo", EventType::Sanction),
    ("arrests", EventType::Coerce),
    ("crackdown", EventType::Coerce),
    ("curfew", EventType::Coerce),
    ("withdrawal", EventType::Retreat),
    ("ceasefire", EventType::Retreat),
    ("truce", EventType::Retreat),
    ("beaten", EventType::Assault),
    ("gave", EventType::Aid),
    ("given", EventType::Aid),
];

/// The base form and its regular inflections ("ban" → "bans", "banned", "banning").
pub fn inflect(base: &str) -> Vec<String> {
    let mut v = vec![base.to_string()];
    let stem_e = base.strip_suffix('e');
    if base.ends_with('y') && !base.ends_with("ay") && !base.ends_with("ey") {
        let st = &base[..base.len() - 1];
        v.extend([format!("{st}ies"), format!("{st}ied"), format!("{base}ing")]);
    } else if let Some(st) = stem_e {
        v.extend([format!("{base}s"), format!("{base}d"), format!("{st}ing")]);
    } else if base.ends_with(['s', 'x', 'h']) {
        v.extend([format!("{base}es"), format!("{base}ed"), format!("{base}ing")]);
    } else {
        v.extend([format!("{base}s"), format!("{base}ed"), format!("{base}ing")]);
        // Doubled final consonant: "ban" → "banned", "ship" → "shipped".
        let b = base.as_bytes();
        if b.len() >= 3
            && !b"aeiou".contains(&b[b.len() - 1])
            && b"aeiou".contains(&b[b.len() - 2])
            && !b"aeiou".contains(&b[b.len() - 3])
            && !b"wxy".contains(&b[b.len() - 1])
        {
            let last = b[b.len() - 1] as char;
            v.extend([format!("{base}{last}ed"), format!("{base}{last}ing")]);
        }
    }
    v
}

/// The learned trigger lexicon (`form<TAB>TYPE<TAB>weight<TAB>lemma`), written by
/// `storyline_train::event_lexicon` from the CAMEO → PLOVER table and WordNet.
static LEARNED: &str = include_str!("../models/event_lexicon.tsv");

/// The learned lexicon's entries: form, type, weight.
fn learned() -> impl Iterator<Item = (&'static str, EventType, f64)> {
    LEARNED.lines().filter(|l| !l.starts_with('#')).filter_map(|l| {
        let mut f = l.split('\t');
        let form = f.next()?;
        let kind = f.next()?.parse().ok()?;
        let weight = f.next()?.parse().ok()?;
        Some((form, kind, weight))
    })
}

/// Forms that only the learned lexicon knows (a hand-listed trigger outranks them).
static BACKOFF: LazyLock<std::collections::HashSet<String>> = LazyLock::new(|| {
    let mut hand = HashMap::new();
    for (kind, verbs) in VERBS {
        for v in *verbs {
            for f in inflect(v) {
                hand.insert(f, *kind);
            }
        }
    }
    for (w, k) in EXTRA {
        hand.insert(w.to_string(), *k);
    }
    learned().map(|(f, _, _)| f.to_string()).filter(|f| !hand.contains_key(f)).collect()
});

static TRIGGERS: LazyLock<HashMap<String, EventType>> = LazyLock::new(|| {
    let mut m = HashMap::new();
    for (kind, verbs) in VERBS {
        for v in *verbs {
            for f in inflect(v) {
                m.entry(f).or_insert(*kind);
            }
        }
    }
    for (w, k) in EXTRA {
        m.insert(w.to_string(), *k);
    }
    // The learned lexicon fills in the words the lists above do not know.
    for (form, kind, _) in learned() {
        m.entry(form.to_string()).or_insert(kind);
    }
    // Nouns / ambiguous words that are not events on their own.
    for w in [
        "order", "orders", "share", "shares", "press", "march", "talk", "aid", "ban", "supply",
        "rally", "strike", "attack", "sign", "signs", "bomb", "probe", "seize",
    ] {
        m.remove(w);
    }
    m
});

/// Words that open a multi-word trigger: "call on/for" → DEMAND, "rule out" → REJECT,
/// "launch(ed) … missile/attack/strike/offensive" → FIGHT, "impose(d) sanctions" → SANCTION,
/// "declare(d) … ceasefire/truce" → RETREAT, "held talks" → CONSULT.
fn multiword(words: &[String], i: usize) -> Option<(EventType, usize)> {
    let w = words[i].as_str();
    let next = |k: usize| words.get(i + k).map(String::as_str).unwrap_or("");
    let within = |n: usize, set: &[&str]| (1..=n).find(|&k| set.contains(&next(k)));
    match w {
        "call" | "calls" | "called" | "calling" if matches!(next(1), "on" | "for" | "upon") => {
            Some((EventType::Demand, 2))
        }
        "rule" | "rules" | "ruled" | "ruling" if next(1) == "out" => Some((EventType::Reject, 2)),
        "launch" | "launches" | "launched" | "launching" | "fire" | "fired" | "firing" => within(
            3,
            &[
                "missile",
                "missiles",
                "drone",
                "drones",
                "rockets",
                "offensive",
                "attack",
                "attacks",
                "strike",
                "strikes",
                "incursions",
                "incursion",
            ],
        )
        .map(|_| (EventType::Fight, 1)),
        "impose" | "imposes" | "imposed" | "imposing" | "slap" | "slapped" => {
            if within(3, &["curfew", "restrictions"]).is_some() {
                Some((EventType::Coerce, 1))
            } else {
                within(3, &["sanctions", "tariffs", "embargo"]).map(|_| (EventType::Sanction, 1))
            }
        }
        "declare" | "declares" | "declared" | "declaring" | "announce" | "announced" => {
            within(4, &["ceasefire", "truce", "armistice"]).map(|_| (EventType::Retreat, 1))
        }
        // Frames that are events of their own when what they propose or demand is not a
        // trigger: "is ready to consider" → AGREE, "must hold a vote" → DEMAND (a trigger in
        // the complement takes over; see `in_context`).
        "ready" | "willing" | "prepared" if next(1) == "to" => Some((EventType::Agree, 1)),
        "must" => Some((EventType::Demand, 1)),
        "hunger" | "general" if matches!(next(1), "strike" | "strikes") => {
            Some((EventType::Protest, 2))
        }
        "open" | "opens" | "opened" | "opening" if next(1) == "fire" => Some((EventType::Fight, 2)),
        "blew" | "blow" | "blown" | "blows" if next(1) == "up" => Some((EventType::Assault, 2)),
        "fail" | "fails" | "failed" | "failing" if next(1) == "to" => {
            matches!(next(2), "reach" | "agree" | "resolve").then_some((EventType::Reject, 3))
        }
        "stage" | "staged" | "stages" | "staging" => within(
            4,
            &[
                "protest",
                "protests",
                "demonstration",
                "demonstrations",
                "strike",
                "sit-in",
                "rally",
            ],
        )
        .map(|_| (EventType::Protest, 1)),
        "go" | "went" | "goes" | "gone" if next(1) == "on" && next(2) == "strike" => {
            Some((EventType::Protest, 3))
        }
        "hold" | "held" | "holds" | "holding" => {
            within(3, &["talks", "meeting", "negotiations"]).map(|_| (EventType::Consult, 1))
        }
        _ => None,
    }
}

/// Types that stand for material or verbal cooperation: said as an intention ("will withdraw",
/// "is ready to meet") they are AGREE; negated intentions are REJECT.
const COOPERATIVE: &[EventType] = &[
    EventType::Aid,
    EventType::Concede,
    EventType::Retreat,
    EventType::Consult,
    EventType::Support,
    EventType::Cooperate,
    EventType::Investigate,
];
/// Types that stand for force or pressure: said as an intention they are THREATEN.
const HOSTILE: &[EventType] = &[
    EventType::Protest,
    EventType::Coerce,
    EventType::Fight,
    EventType::Assault,
    EventType::Sanction,
    EventType::Mobilize,
];
/// Verbs whose `to`-complement is an intention: "vowed to fight", "is ready to talk".
const INTENT: &[&str] = &[
    "willing", "prepared", "ready", "plans", "plan", "planned", "planning", "intends", "intend",
    "decided", "vowed", "vows", "sworn", "swore", "pledged", "promised", "offered", "agreed",
    "wants", "want", "seeks", "sought", "expected", "set", "going",
];

/// The modality of the word at `words[i]`: after "must" / "should", after "will" / "would",
/// in an intention's "to"-complement; whether it follows a "to", and whether it is negated.
struct Modality {
    must: bool,
    modal: bool,
    intent: bool,
    after_to: bool,
    negated: bool,
}

impl Modality {
    fn at(words: &[String], i: usize) -> Modality {
        let back = |k: usize| i.checked_sub(k).map(|j| words[j].as_str()).unwrap_or("");
        let window: Vec<&str> = (1..=3).map(back).collect();
        let negated =
            window.iter().any(|w| matches!(*w, "not" | "never" | "n't" | "won't" | "cannot"));
        let must = window[..2].iter().any(|w| matches!(*w, "must" | "should"));
        let modal = window.iter().any(|w| matches!(*w, "will" | "would" | "shall" | "'ll"));
        let after_to = back(1) == "to" || (back(1) == "not" && back(2) == "to");
        let to_idx = if back(1) == "to" { 1 } else { 2 };
        // "ready to resume attacks": an intention's complement may put one verb before the
        // trigger.
        let intent = (after_to && (1..=3).any(|k| INTENT.contains(&back(to_idx + k))))
            || (back(2) == "to" && INTENT.contains(&back(3)));
        Modality { must, modal, intent, after_to, negated }
    }

    /// Inside a frame that proposes, promises, threatens or demands.
    fn framed(&self) -> bool {
        self.must || self.modal || self.intent
    }
}

/// The type of the trigger at `words[i..i + len]` in its context, and whether it sits in a
/// subordinate position (a purpose or complement clause after "to", a relative clause, an
/// intention's complement) rather than being the sentence's main event. PLOVER codes intentions:
/// "will withdraw" → AGREE, "will not accept" → REJECT, "will blockade" / "… unless" → THREATEN,
/// "must return" → DEMAND.
fn in_context(words: &[String], i: usize, len: usize, kind: EventType) -> (EventType, bool) {
    let back = |k: usize| i.checked_sub(k).map(|j| words[j].as_str()).unwrap_or("");
    let Modality { must, modal, intent, after_to, negated } = Modality::at(words, i);
    let unless = words[i + len..].iter().any(|w| w == "unless" || w == "or");
    let relative = (1..=2).any(|k| matches!(back(k), "who" | "which" | "whose"));
    let kind = if must && kind != EventType::Demand {
        EventType::Demand
    } else if modal || intent {
        let cooperative = COOPERATIVE.contains(&kind) || kind == EventType::Agree;
        if HOSTILE.contains(&kind) || (unless && cooperative && !negated) {
            EventType::Threaten
        } else if negated && cooperative {
            EventType::Reject
        } else if COOPERATIVE.contains(&kind) {
            EventType::Agree
        } else {
            kind
        }
    } else {
        kind
    };
    // A "to"-complement of another trigger or a purpose clause is subordinate, unless it is an
    // intention's complement (then it carries the event: "vowed to fight" is THREATEN).
    let subordinate = relative || (after_to && !intent);
    (kind, subordinate)
}

/// Extracts events from `a` (sentences, entities and times must be filled).
pub fn extract(text: &str, a: &Analysis) -> Vec<Event> {
    let idx = CharIndex::new(text);
    let sents = spans_to_bytes(&idx, &a.sentences);
    let mut out = Vec::new();
    for (si, &(ss, se)) in sents.iter().enumerate() {
        let toks: Vec<Tok> = tokenize(text, ss, se).into_iter().filter(|t| t.word).collect();
        let words: Vec<String> = toks.iter().map(|t| lower(t.text(text))).collect();
        let (cs, ce) = (a.sentences[si].start, a.sentences[si].end);
        let sent_ents = {
            let lo = a.entities.partition_point(|e| e.start < cs);
            let hi = a.entities.partition_point(|e| e.start < ce);
            &a.entities[lo..hi.max(lo)]
        };
        let sent_times = {
            let lo = a.times.partition_point(|t| t.start < cs);
            let hi = a.times.partition_point(|t| t.start < ce);
            &a.times[lo..hi.max(lo)]
        };
        let ents: Vec<_> = sent_ents
            .iter()
            .filter(|e| e.start >= cs && e.end <= ce && e.kind != EntityType::Misc)
            .collect();
        let date = sent_times
            .iter()
            .filter(|t| {
                t.start >= cs && t.end <= ce && matches!(t.kind, TimeType::Date | TimeType::Time)
            })
            .find_map(|t| t.value.clone().filter(Timex::is_anchored));
        let place = sent_ents
            .iter()
            .filter(|e| e.start >= cs && e.end <= ce && e.kind == EntityType::Location)
            .find(|e| {
                let before = &text[..idx.byte_of(e.start)];
                let prev =
                    before.trim_end().rsplit(|c: char| c.is_whitespace()).next().unwrap_or("");
                matches!(prev, "in" | "at" | "near" | "In" | "At")
            })
            .map(|e| e.canonical.clone());
        // Candidate triggers of the sentence, then typed in context and ordered main event first.
        let mut cands: Vec<(usize, usize, EventType)> = Vec::new();
        let mut i = 0;
        while i < toks.len() {
            let (kind, len) = match multiword(&words, i) {
                Some(x) => x,
                None => match TRIGGERS.get(&words[i]) {
                    // A word only the learned lexicon knows is an event inside a frame alone:
                    // it types what is proposed or demanded ("is ready to ratify"), and common
                    // words of the lexicon ("found", "back") name no event in running text.
                    Some(k) if !BACKOFF.contains(&words[i]) || Modality::at(&words, i).framed() => {
                        (*k, 1)
                    }
                    _ => {
                        i += 1;
                        continue;
                    }
                },
            };
            let (tcs, tce) = (idx.char_of(toks[i].s), idx.char_of(toks[i + len - 1].e));
            // Inside an entity name ("Victory Day")? Skip.
            if !sent_ents.iter().any(|e| e.start <= tcs && tce <= e.end) {
                cands.push((i, len, kind));
            }
            i += len;
        }
        let mut typed: Vec<(bool, usize, usize, EventType)> = cands
            .iter()
            .map(|&(i, len, kind)| {
                let (kind, subordinate) = in_context(&words, i, len, kind);
                (subordinate, i, len, kind)
            })
            .collect();
        // An intention whose "to"-complement is itself a trigger ("vowed to fight") yields to it.
        for k in 0..typed.len().saturating_sub(1) {
            let (_, i, len, kind) = typed[k];
            let next_i = typed[k + 1].1;
            if kind == EventType::Agree
                && words.get(i + len).is_some_and(|w| w == "to")
                && (i + len + 1..=i + len + 2).contains(&next_i)
            {
                typed[k].0 = true;
            }
        }
        // Main event first: the first trigger outside a purpose, complement or relative clause;
        // a trigger only the learned lexicon knows after the listed ones.
        typed.sort_by_key(|&(sub, i, len, _)| (sub, len == 1 && BACKOFF.contains(&words[i]), i));
        for (_, i, len, kind) in typed {
            let (ts, te) = (toks[i].s, toks[i + len - 1].e);
            let (tcs, tce) = (idx.char_of(ts), idx.char_of(te));
            let is_place = |e: &&&storyline_model::Entity| {
                let b = text[..idx.byte_of(e.start)].trim_end();
                b.ends_with(" in") || b.ends_with(" at") || b.ends_with(" near")
            };
            let before = ents
                .iter()
                .rev()
                .filter(|e| !is_place(e))
                .find(|e| e.end <= tcs)
                .map(|e| e.canonical.clone());
            let after = ents.iter().find(|e| e.start >= tce).map(|e| e.canonical.clone());
            let passive = i > 0
                && matches!(
                    words[i - 1].as_str(),
                    "was" | "were" | "been" | "being" | "is" | "are"
                )
                && words.get(i + len).is_some_and(|w| w == "by");
            let (actor, target) = if passive { (after, before) } else { (before, after) };
            out.push(Event {
                kind,
                trigger: Some(TextSpan { start: tcs, end: tce, text: text[ts..te].to_string() }),
                actor,
                target,
                date: date.clone(),
                place: place.clone(),
                sentence: si,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn evs(t: &str) -> Vec<Event> {
        crate::analyze(t, Some("2025-06-15".parse().unwrap())).events
    }
    fn first(es: &[Event], trigger: &str) -> Event {
        es.iter()
            .find(|e| e.trigger.as_ref().is_some_and(|t| t.text == trigger))
            .cloned()
            .unwrap_or_else(|| panic!("no {trigger}: {es:?}"))
    }

    #[test]
    fn trigger_types() {
        let cases = [
            ("Varnia proposed talks with Moldova.", "proposed", "AGREE"),
            ("Varnia met Moldova in Geneva.", "met", "CONSULT"),
            ("Varnia negotiated with Moldova.", "negotiated", "CONSULT"),
            ("Varnia demanded that Moldova withdraw.", "demanded", "DEMAND"),
            ("Varnia urged Moldova to act.", "urged", "DEMAND"),
            ("Varnia called on Moldova to act.", "called on", "DEMAND"),
            ("Varnia accused Moldova of lying.", "accused", "DISAPPROVE"),
            ("Varnia condemned Moldova.", "condemned", "DISAPPROVE"),
            ("Varnia threatened Moldova.", "threatened", "THREATEN"),
            ("Varnia warned Moldova.", "warned", "THREATEN"),
            ("Varnia agreed with Moldova.", "agreed", "AGREE"),
            ("Varnia welcomed Moldova.", "welcomed", "SUPPORT"),
            ("Varnia signed a pact with Moldova.", "signed", "SUPPORT"),
            ("Varnia rejected Moldova.", "rejected", "REJECT"),
            ("Varnia refused Moldova.", "refused", "REJECT"),
            ("Varnia dismissed Moldova.", "dismissed", "REJECT"),
            ("Varnia sanctioned Moldova.", "sanctioned", "SANCTION"),
            ("Varnia imposed sanctions on Moldova.", "imposed", "SANCTION"),
            ("Varnia attacked Moldova.", "attacked", "ASSAULT"),
            ("Varnia shelled Moldova.", "shelled", "FIGHT"),
            ("Varnia launched missiles at Moldova.", "launched", "FIGHT"),
            ("Varnia backed Moldova.", "backed", "SUPPORT"),
            ("Varnia declared a ceasefire with Moldova.", "declared", "RETREAT"),
            ("Varnia arrested Moldova.", "arrested", "COERCE"),
        ];
        for (t, trig, kind) in cases {
            let t = t.replace("Varnia", "Poland");
            let e = first(&evs(&t), trig);
            assert_eq!(e.kind.as_str(), kind, "{t}");
            assert_eq!(e.actor.as_deref(), Some("Poland"), "{t}");
            assert_eq!(e.target.as_deref(), Some("Moldova"), "{t}");
        }
    }

    #[test]
    fn date_place_and_passive() {
        let t = "President Ivan Orlov met Chancellor Ilse Brandt in Vienna on Friday.\n\
                 Moldova was attacked by Poland yesterday.";
        let es = evs(t);
        let m = first(&es, "met");
        assert_eq!(m.actor.as_deref(), Some("Ivan Orlov"));
        assert_eq!(m.target.as_deref(), Some("Ilse Brandt"));
        assert_eq!(m.place.as_deref(), Some("Vienna"));
        assert_eq!(m.date, Some(Timex::from("2025-06-13")));
        assert_eq!(m.sentence, 0);
        let a = first(&es, "attacked");
        assert_eq!((a.actor.as_deref(), a.target.as_deref()), (Some("Poland"), Some("Moldova")));
        assert_eq!(a.date, Some(Timex::from("2025-06-14")));
    }

    fn main_kind(t: &str) -> String {
        evs(t).first().map_or_else(|| "NONE".into(), |e| e.kind.to_string())
    }

    #[test]
    fn intentions_demands_and_main_event() {
        let cases = [
            ("Poland said it will withdraw its troops from the border.", "AGREE"),
            ("Poland is ready to meet Moldova next month.", "AGREE"),
            ("Poland said it will not accept the new quota.", "REJECT"),
            ("Farmers said they would blockade the capital on Monday.", "THREATEN"),
            ("Poland will withdraw its envoy unless Moldova apologises.", "THREATEN"),
            ("Poland said Moldova must release the detained sailors.", "DEMAND"),
            ("Rebels vowed to fight until the last village is taken.", "THREATEN"),
            ("Thousands of nurses staged protests on Friday to demand higher pay.", "PROTEST"),
            ("Dockers began a hunger strike to demand new contracts.", "PROTEST"),
            ("Poland and Moldova held talks in Geneva.", "CONSULT"),
            ("Poland announced a suspension of flights to Moldova.", "SANCTION"),
            ("Police opened fire on the crowd in the square.", "FIGHT"),
            ("The two sides failed to reach a deal on the border.", "REJECT"),
        ];
        for (t, kind) in cases {
            assert_eq!(main_kind(t), kind, "{t}");
        }
    }

    /// Words only the learned lexicon knows are typed by it inside a frame, and are no event
    /// outside one.
    #[test]
    fn learned_lexicon() {
        for (form, kind) in [
            ("hijacked", "ASSAULT"),
            ("impounded", "COERCE"),
            ("ratified", "SUPPORT"),
            ("demobilized", "RETREAT"),
            ("extradited", "COERCE"),
        ] {
            assert!(!BACKOFF.is_empty() && BACKOFF.contains(form), "{form} is not listed by hand");
            assert_eq!(TRIGGERS.get(form).map(|k| k.as_str()), Some(kind), "{form}");
        }
        let cases = [
            // Inside a frame, the learned type says what is proposed or demanded.
            ("The rebels said they would hijack more ferries.", "THREATEN"),
            ("Poland is ready to ratify the border treaty.", "AGREE"),
            ("Moldova said Poland must extradite the two suspects.", "DEMAND"),
            // Outside one, a word only the lexicon knows is no event.
            ("Customs officers impounded three trucks at the crossing.", "NONE"),
            ("Police found the trucks back at the depot.", "NONE"),
            // A listed trigger is typed as before.
            ("Poland demobilized its reserves and sanctioned Moldova.", "SANCTION"),
        ];
        for (t, kind) in cases {
            assert_eq!(main_kind(t), kind, "{t}");
        }
        // Every entry of the file is read: a form, a known type and a weight on each line.
        let n = LEARNED.lines().filter(|l| !l.starts_with('#')).count();
        assert_eq!(learned().count(), n);
    }

    /// Modality and intention frames are typed by what they propose or demand.
    #[test]
    fn modality_frames() {
        let cases = [
            // A frame whose complement is no trigger is the event itself.
            ("Poland is willing to consider the offer from Moldova.", "AGREE"),
            ("Poland said it was ready to review the quota.", "AGREE"),
            ("Moldova said Poland must hold a referendum on the border.", "DEMAND"),
            // A trigger in the complement types the frame: cooperative → AGREE, force → THREATEN.
            ("Poland is ready to withdraw its troops from the border.", "AGREE"),
            ("Rebels are prepared to resume attacks on the capital.", "THREATEN"),
            ("Poland is willing to meet Moldova in Vienna.", "AGREE"),
            ("Poland said Moldova must release the detained sailors.", "DEMAND"),
            ("Poland said it was not willing to withdraw its troops.", "REJECT"),
        ];
        for (t, kind) in cases {
            assert_eq!(main_kind(t), kind, "{t}");
        }
    }
}
