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

use std::collections::HashMap;
use std::sync::LazyLock;

use storyline_model::offsets::CharIndex;
use storyline_model::{Analysis, EntityType, Event, TextSpan, TimeType};

use crate::text::{lower, spans_to_bytes, tokenize, Tok};

/// Regular verbs by PLOVER type (base forms; inflections generated).
const VERBS: &[(&str, &[&str])] = &[
    ("AGREE", &["agree", "promise", "pledge", "offer", "propose", "vow", "commit"]),
    ("CONSULT", &["meet", "negotiate", "visit", "host", "discuss", "consult", "mediate", "talk"]),
    (
        "SUPPORT",
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
    ("COOPERATE", &["cooperate", "collaborate", "share"]),
    ("AID", &["donate", "aid", "supply"]),
    ("CONCEDE", &["accept", "allow", "lift", "ease", "concede", "yield", "relent"]),
    ("RETREAT", &["withdraw", "retreat", "release", "resign", "surrender", "evacuate"]),
    ("INVESTIGATE", &["investigate", "probe", "inspect"]),
    ("DEMAND", &["demand", "urge", "request", "insist", "order", "press"]),
    (
        "DISAPPROVE",
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
        "REJECT",
        &["reject", "refuse", "decline", "dismiss", "veto", "rebuff", "deny", "violate", "defy"],
    ),
    ("THREATEN", &["threaten", "warn"]),
    ("PROTEST", &["protest", "demonstrate", "rally", "riot", "march", "boycott"]),
    ("MOBILIZE", &["mobilize", "mobilise", "deploy"]),
    ("SANCTION", &["sanction", "expel", "suspend", "sever", "halt", "freeze", "recall"]),
    (
        "COERCE",
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
        ],
    ),
    ("FIGHT", &["shell", "bombard", "invade", "fight", "clash", "recapture", "retake", "capture"]),
    (
        "ASSAULT",
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
        ],
    ),
];

/// Irregular or noun forms.
const EXTRA: &[(&str, &str)] = &[
    ("met", "CONSULT"),
    ("struck", "ASSAULT"),
    ("fought", "FIGHT"),
    ("attacks", "ASSAULT"),
    ("strikes", "ASSAULT"),
    ("airstrike", "ASSAULT"),
    ("airstrikes", "ASSAULT"),
    ("invasion", "FIGHT"),
    ("offensive", "FIGHT"),
    ("sought", "DEMAND"),
    ("backed", "SUPPORT"),
    ("backs", "SUPPORT"),
    ("backing", "SUPPORT"),
    ("ultimatum", "THREATEN"),
];

fn inflect(base: &str) -> Vec<String> {
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

static TRIGGERS: LazyLock<HashMap<String, &'static str>> = LazyLock::new(|| {
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
    // Nouns / ambiguous words that are not events on their own.
    for w in [
        "order",
        "orders",
        "share",
        "shares",
        "press",
        "march",
        "talk",
        "aid",
        "ban",
        "supply",
        "rally",
        "strike",
        "attack",
        "sign",
        "signs",
        "bomb",
        "probe",
        "sanctions",
        "talks",
        "seize",
    ] {
        m.remove(w);
    }
    m
});

/// Words that open a multi-word trigger: "call on/for" → DEMAND, "rule out" → REJECT,
/// "launch(ed) … missile/attack/strike/offensive" → FIGHT, "impose(d) sanctions" → SANCTION,
/// "declare(d) … ceasefire/truce" → RETREAT, "held talks" → CONSULT.
fn multiword(words: &[String], i: usize) -> Option<(&'static str, usize)> {
    let w = words[i].as_str();
    let next = |k: usize| words.get(i + k).map(String::as_str).unwrap_or("");
    let within = |n: usize, set: &[&str]| (1..=n).find(|&k| set.contains(&next(k)));
    match w {
        "call" | "calls" | "called" | "calling" if matches!(next(1), "on" | "for" | "upon") => {
            Some(("DEMAND", 2))
        }
        "rule" | "rules" | "ruled" | "ruling" if next(1) == "out" => Some(("REJECT", 2)),
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
        .map(|_| ("FIGHT", 1)),
        "impose" | "imposes" | "imposed" | "imposing" | "slap" | "slapped" => {
            within(3, &["sanctions", "tariffs", "embargo"]).map(|_| ("SANCTION", 1))
        }
        "declare" | "declares" | "declared" | "declaring" | "announce" | "announced" => {
            within(4, &["ceasefire", "truce", "armistice"]).map(|_| ("RETREAT", 1))
        }
        "hold" | "held" | "holds" | "holding" => {
            within(3, &["talks", "meeting", "negotiations"]).map(|_| ("CONSULT", 1))
        }
        _ => None,
    }
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
            .find_map(|t| t.value.clone().filter(|v| v.starts_with(|c: char| c.is_ascii_digit())));
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
        let mut i = 0;
        while i < toks.len() {
            let (kind, len) = match multiword(&words, i) {
                Some(x) => x,
                None => match TRIGGERS.get(&words[i]) {
                    Some(k) => (*k, 1),
                    None => {
                        i += 1;
                        continue;
                    }
                },
            };
            let (ts, te) = (toks[i].s, toks[i + len - 1].e);
            let (tcs, tce) = (idx.char_of(ts), idx.char_of(te));
            // Inside an entity name ("Victory Day")? Skip.
            if ents.iter().any(|e| e.start <= tcs && tce <= e.end)
                || sent_ents.iter().any(|e| e.start <= tcs && tce <= e.end)
            {
                i += len;
                continue;
            }
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
                kind: kind.to_string(),
                trigger: Some(TextSpan { start: tcs, end: tce, text: text[ts..te].to_string() }),
                actor,
                target,
                date: date.clone(),
                place: place.clone(),
                sentence: si,
            });
            i += len;
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
            assert_eq!(e.kind, kind, "{t}");
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
        assert_eq!(m.date.as_deref(), Some("2025-06-13"));
        assert_eq!(m.sentence, 0);
        let a = first(&es, "attacked");
        assert_eq!((a.actor.as_deref(), a.target.as_deref()), (Some("Poland"), Some("Moldova")));
        assert_eq!(a.date.as_deref(), Some("2025-06-14"));
    }
}
