//! The learned trigger lexicon of `storyline_analyze::events`: word → PLOVER type, built from
//! data that is not the PLOVER development split.
//!
//! Sources:
//! - the CAMEO → PLOVER table (`CAMEO2PLOVER-2021.txt`, PLOVER manual 2021): each CAMEO line has
//!   a PLOVER type and a short English description ("Arrest, detain, or charge with legal
//!   action", "Demonstrate or rally", "Impose embargo, boycott, or sanctions"). The head verbs
//!   of a description, and the object nouns of its light verbs ("impose", "conduct", "make"),
//!   vote for the line's type. Descriptions that are frames around another event ("Express
//!   intent to …", "Demand …", "Reject …", "Decline to …", "Threaten …", "Accede to demands
//!   for …") give only their frame word; the frame itself is typed in context by the analyser.
//!   The 2021 renames are undone to the analyser's inventory: ACCUSE is INVESTIGATE (mode
//!   `investigate`) or DISAPPROVE, REQUEST is DEMAND, and the conventional military force of
//!   CAMEO 19 (context `military`) is FIGHT.
//! - WordNet 3.0 (Debian package `wordnet-base`, `/usr/share/wordnet`): each seed word's first
//!   `senses` synsets add their other words (only where that synset is the word's own most
//!   frequent sense) and their derivationally related forms ("investigate" → "investigation");
//!   the weight falls with the sense's rank. A noun is kept only when its most frequent sense is
//!   an act, an event or a communication (so "state", "power" or "car" never name an event).
//!
//! Every word takes the type with the largest summed weight. Inflected forms are written out
//! (regular forms, WordNet's exception lists for irregular ones), one line a form.
//! `cargo run --release -p storyline-train --example train_events` writes the file.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use storyline_model::EventType;

/// One line of the CAMEO → PLOVER table.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    pub code: String,
    pub kind: EventType,
    pub description: String,
}

/// The rows of the CAMEO → PLOVER table (`code: TYPE, mode, context # description`) with a
/// PLOVER type the analyser knows (see the module doc for the renames).
pub fn parse_table(text: &str) -> Vec<TableRow> {
    let mut rows = Vec::new();
    for line in text.lines() {
        let Some((code, rest)) = line.split_once(':') else { continue };
        let code = code.trim();
        if !(3..=4).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Some((fields, description)) = rest.split_once('#') else { continue };
        let mut f = fields.split(',').map(str::trim);
        let (Some(name), mode) = (f.next(), f.next().unwrap_or("")) else { continue };
        let context = f.collect::<Vec<_>>().join(",");
        let kind = match name {
            "ACCUSE" if mode == "investigate" => EventType::Investigate,
            "ACCUSE" => EventType::Disapprove,
            "REQUEST" => EventType::Demand,
            "ASSAULT" if code.starts_with("19") && context.contains("military") => EventType::Fight,
            other => match other.parse() {
                Ok(k) => k,
                Err(_) => continue,
            },
        };
        let description = description.trim().to_lowercase();
        rows.push(TableRow { code: code.to_string(), kind, description });
    }
    rows
}

/// Part of speech of a lexicon word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Pos {
    Verb,
    Noun,
}

/// A WordNet synset: its lexicographer file, words (lower case, `_` between words) and
/// derivational pointers (`+`: target synset offset, target part of speech, source and target
/// word numbers, 1-based).
#[derive(Debug, Clone, Default)]
pub struct Synset {
    pub lex_file: u32,
    pub words: Vec<String>,
    pub derived: Vec<(String, Pos, usize, usize)>,
}

/// The parts of WordNet the lexicon needs: per part of speech, each lemma's synsets (most
/// frequent first), the synsets, and the irregular forms (form → base).
#[derive(Debug, Default)]
pub struct WordNet {
    index: HashMap<(Pos, String), Vec<String>>,
    synsets: HashMap<(Pos, String), Synset>,
    exceptions: HashMap<Pos, Vec<(String, String)>>,
}

fn pos_name(p: Pos) -> &'static str {
    match p {
        Pos::Verb => "verb",
        Pos::Noun => "noun",
    }
}

impl WordNet {
    /// Reads `index.{verb,noun}`, `data.{verb,noun}` and `{verb,noun}.exc` under `dir`.
    pub fn load(dir: &Path) -> std::io::Result<WordNet> {
        let mut wn = WordNet::default();
        for p in [Pos::Verb, Pos::Noun] {
            let read = |f: String| std::fs::read_to_string(dir.join(f));
            wn.add_index(p, &read(format!("index.{}", pos_name(p)))?);
            wn.add_data(p, &read(format!("data.{}", pos_name(p)))?);
            wn.add_exceptions(p, &read(format!("{}.exc", pos_name(p)))?);
        }
        Ok(wn)
    }

    /// Lines `lemma pos synset_cnt p_cnt [ptr…] sense_cnt tagsense_cnt offset…`.
    pub fn add_index(&mut self, p: Pos, text: &str) {
        for line in text.lines().filter(|l| !l.starts_with(' ')) {
            let f: Vec<&str> = line.split_whitespace().collect();
            let Some(n) = f.get(2).and_then(|n| n.parse::<usize>().ok()) else { continue };
            if f.len() < n + 4 {
                continue;
            }
            let offsets = f[f.len() - n..].iter().map(|s| s.to_string()).collect();
            self.index.insert((p, f[0].to_string()), offsets);
        }
    }

    /// Lines `offset lex_file ss_type w_cnt(hex) word lex_id … p_cnt ptr… | gloss`.
    pub fn add_data(&mut self, p: Pos, text: &str) {
        for line in text.lines().filter(|l| !l.starts_with(' ')) {
            let head = line.split(" | ").next().unwrap_or("");
            let f: Vec<&str> = head.split_whitespace().collect();
            let parse = || -> Option<Synset> {
                let lex_file = f.get(1)?.parse().ok()?;
                let wc = usize::from_str_radix(f.get(3)?, 16).ok()?;
                let words = (0..wc).map(|i| f.get(4 + 2 * i).map(|w| w.to_lowercase()));
                let words: Option<Vec<String>> = words.collect();
                let mut i = 4 + 2 * wc;
                let pc: usize = f.get(i)?.parse().ok()?;
                let mut derived = Vec::new();
                for _ in 0..pc {
                    let (sym, off, pos, st) =
                        (f.get(i + 1)?, f.get(i + 2)?, f.get(i + 3)?, f.get(i + 4)?);
                    i += 4;
                    let pos = match *pos {
                        "v" => Pos::Verb,
                        "n" => Pos::Noun,
                        _ => continue,
                    };
                    if *sym == "+" && st.len() == 4 {
                        let src = usize::from_str_radix(&st[..2], 16).ok()?;
                        let tgt = usize::from_str_radix(&st[2..], 16).ok()?;
                        derived.push((off.to_string(), pos, src, tgt));
                    }
                }
                Some(Synset { lex_file, words: words?, derived })
            };
            if let Some(s) = parse() {
                self.synsets.insert((p, f[0].to_string()), s);
            }
        }
    }

    /// Lines `form base…`.
    pub fn add_exceptions(&mut self, p: Pos, text: &str) {
        let list = self.exceptions.entry(p).or_default();
        for line in text.lines() {
            let mut f = line.split_whitespace();
            if let (Some(form), Some(base)) = (f.next(), f.next()) {
                list.push((form.to_string(), base.to_string()));
            }
        }
    }

    fn senses(&self, p: Pos, w: &str) -> &[String] {
        self.index.get(&(p, w.to_string())).map_or(&[], Vec::as_slice)
    }

    fn is(&self, p: Pos, w: &str) -> bool {
        !self.senses(p, w).is_empty()
    }

    /// Whether `off` is among the first `n` senses of `w`.
    fn sense_within(&self, p: Pos, w: &str, off: &str, n: usize) -> bool {
        self.senses(p, w).iter().take(n).any(|o| o == off)
    }

    /// Whether the most frequent noun sense of `w` is an act, event or communication (WordNet
    /// lexicographer files noun.act, noun.communication, noun.event).
    fn eventive_noun(&self, w: &str) -> bool {
        let Some(off) = self.senses(Pos::Noun, w).first() else { return false };
        self.synsets
            .get(&(Pos::Noun, off.clone()))
            .is_some_and(|s| matches!(s.lex_file, 4 | 10 | 11))
    }

    /// The irregular forms of `base`.
    fn irregular(&self, p: Pos, base: &str) -> Vec<&str> {
        let list = self.exceptions.get(&p).map_or(&[][..], Vec::as_slice);
        list.iter().filter(|(_, b)| b == base).map(|(f, _)| f.as_str()).collect()
    }
}

/// Verbs that carry no event of their own: their object names it ("conduct a strike").
const LIGHT: &[&str] =
    &["use", "engage", "make", "conduct", "carry", "impose", "give", "bring", "employ", "increase"];
/// Verbs that are seeds themselves and also pass their objects on ("provide aid").
const OBJECT_TOO: &[&str] = &["provide", "grant", "declare"];
/// Frames around another event: the frame word is the seed, the rest is not read.
const FRAMES: &[&str] = &[
    "express intent to ",
    "demand that target ",
    "demand ",
    "reject request or demand for ",
    "reject demand for ",
    "reject proposal to ",
    "reject plan, ",
    "reject ",
    "decline to ",
    "threaten to ",
    "threaten with ",
    "threaten ",
    "accede to requests or demands for ",
    "accede to demands for ",
];
const PREPOSITIONS: &[&str] = &["of", "with", "for", "to", "against", "on", "by"];

fn tokens(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in s.chars() {
        if c.is_ascii_lowercase() || (!cur.is_empty() && (c == '-' || c == '\'')) {
            cur.push(c);
        } else {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            if c == ',' {
                out.push(",".into());
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Seed words of the table: `(word, part of speech)` → votes per type.
pub fn seeds(rows: &[TableRow], wn: &WordNet) -> BTreeMap<(String, Pos), BTreeMap<EventType, f64>> {
    let mut votes: BTreeMap<(String, Pos), BTreeMap<EventType, f64>> = BTreeMap::new();
    let mut add = |w: &str, k: EventType, p: Pos| {
        if w.len() >= 3 {
            *votes.entry((w.to_string(), p)).or_default().entry(k).or_default() += 1.0;
        }
    };
    let conn = |t: &str| matches!(t, "or" | "and" | ",");
    for r in rows {
        if let Some(f) = FRAMES.iter().find(|f| r.description.starts_with(*f)) {
            add(f.split(' ').next().unwrap_or(""), r.kind, Pos::Verb);
            continue;
        }
        let toks = tokens(&r.description);
        let mut i = toks.iter().take_while(|t| t.ends_with("ly")).count();
        let mut heads = Vec::new();
        let mut after_conn = true;
        while i < toks.len() && (conn(&toks[i]) || (after_conn && wn.is(Pos::Verb, &toks[i]))) {
            after_conn = conn(&toks[i]);
            if !after_conn {
                heads.push(toks[i].as_str());
            }
            i += 1;
            if heads.last().is_some_and(|h| LIGHT.contains(h) || OBJECT_TOO.contains(h)) {
                break;
            }
        }
        // "Attempt to assassinate": a head with a "to"-complement is a frame too.
        if toks.get(i).is_some_and(|t| t == "to") {
            continue;
        }
        for h in heads {
            if !LIGHT.contains(&h) {
                add(h, r.kind, Pos::Verb);
            }
            if !(LIGHT.contains(&h) || OBJECT_TOO.contains(&h)) {
                continue;
            }
            // The head noun of each coordinated object, up to the first preposition.
            let mut rest = &toks[i..];
            if rest.first().is_some_and(|t| matches!(t.as_str(), "in" | "out" | "as")) {
                rest = &rest[1..];
            }
            let mut cur: Vec<&str> = Vec::new();
            for w in rest.iter().map(String::as_str).chain([","]) {
                let prep = PREPOSITIONS.contains(&w);
                if conn(w) || prep {
                    if let Some(last) = cur.last().filter(|l| wn.is(Pos::Noun, l)) {
                        add(last, r.kind, Pos::Noun);
                    }
                    cur.clear();
                    if prep {
                        break;
                    }
                } else if !matches!(w, "a" | "an" | "the") {
                    cur.push(w);
                }
            }
        }
    }
    votes
}

/// One lexicon entry: a surface form, its type, its weight and the lemma it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub form: String,
    pub kind: EventType,
    pub weight: f64,
    pub lemma: String,
}

/// Regular plural of a noun.
fn plural(n: &str) -> String {
    let b = n.as_bytes();
    if n.ends_with('y') && b.len() > 1 && !b"aeiou".contains(&b[b.len() - 2]) {
        format!("{}ies", &n[..n.len() - 1])
    } else if n.ends_with(['s', 'x', 'z']) || n.ends_with("ch") || n.ends_with("sh") {
        format!("{n}es")
    } else {
        format!("{n}s")
    }
}

/// The lexicon: seeds expanded through WordNet (`senses` synsets a seed), typed by vote, every
/// form written out; sorted by form.
pub fn build(rows: &[TableRow], wn: &WordNet, senses: usize) -> Vec<Entry> {
    let mut votes: BTreeMap<(String, Pos), BTreeMap<EventType, f64>> = BTreeMap::new();
    let mut vote = |w: &str, p: Pos, k: EventType, x: f64| {
        *votes.entry((w.to_string(), p)).or_default().entry(k).or_default() += x;
    };
    for ((w, p), by_kind) in seeds(rows, wn) {
        let Some(kind) = argmax(&by_kind) else { continue };
        vote(&w, p, kind, 3.0);
        for (rank, off) in wn.senses(p, &w).iter().take(senses).enumerate() {
            let Some(syn) = wn.synsets.get(&(p, off.clone())) else { continue };
            let share = 1.0 / (rank + 1) as f64;
            for x in &syn.words {
                if *x != w && wn.sense_within(p, x, off, 1) {
                    vote(x, p, kind, share);
                }
            }
            let me = syn.words.iter().position(|x| *x == w).map(|i| i + 1);
            for (toff, tp, src, tgt) in &syn.derived {
                let Some(t) = wn.synsets.get(&(*tp, toff.clone())) else { continue };
                let Some(x) = t.words.get(tgt.wrapping_sub(1)) else { continue };
                if Some(*src) == me && wn.sense_within(*tp, x, toff, senses) {
                    vote(x, *tp, kind, share / 2.0);
                }
            }
        }
    }
    let mut forms: BTreeMap<String, Entry> = BTreeMap::new();
    for ((w, p), by_kind) in &votes {
        let plain = w.chars().all(|c| c.is_ascii_lowercase() || c == '-');
        if w.len() < 3 || !plain || LIGHT.contains(&w.as_str()) {
            continue;
        }
        if *p == Pos::Noun && !wn.eventive_noun(w) {
            continue;
        }
        let Some(kind) = argmax(by_kind) else { continue };
        let weight = by_kind[&kind];
        let mut all: Vec<String> = match p {
            Pos::Verb => storyline_analyze::events::inflect(w),
            Pos::Noun => vec![w.clone(), plural(w)],
        };
        all.extend(wn.irregular(*p, w).into_iter().map(String::from));
        for form in all {
            let e = Entry { form: form.clone(), kind, weight, lemma: w.clone() };
            match forms.get(&form) {
                Some(old) if old.weight >= weight => {}
                _ => {
                    forms.insert(form, e);
                }
            }
        }
    }
    forms.into_values().collect()
}

fn argmax(by_kind: &BTreeMap<EventType, f64>) -> Option<EventType> {
    // Ties go to the first type by name, so the output does not depend on hash order.
    by_kind
        .iter()
        .fold(None, |best: Option<(EventType, f64)>, (&k, &v)| match best {
            Some((_, b)) if b >= v => best,
            _ => Some((k, v)),
        })
        .map(|(k, _)| k)
}

/// The lexicon file: a comment header, then `form<TAB>TYPE<TAB>weight<TAB>lemma` lines.
pub fn render(entries: &[Entry], senses: usize) -> String {
    let mut s = String::from(
        "# Learned trigger lexicon of storyline_analyze::events (form, PLOVER type, weight, lemma).\n\
         # Written by `cargo run --release -p storyline-train --example train_events` from the\n\
         # CAMEO -> PLOVER table (PLOVER, CC BY-SA 4.0) and WordNet 3.0 (Princeton University,\n\
         # WordNet 3.0 licence: Copyright 2006 by Princeton University, all rights reserved;\n\
         # used under its permission notice). Do not edit by hand: regenerate.\n",
    );
    s.push_str(&format!("# senses per seed: {senses}\n"));
    for e in entries {
        s.push_str(&format!("{}\t{}\t{:.2}\t{}\n", e.form, e.kind, e.weight, e.lemma));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An invented table in the CAMEO → PLOVER layout.
    const TABLE: &str = "# header\n\
        05: SUPPORT\n\
        051: SUPPORT,  , diplomatic # Praise or laud\n\
        09: ACCUSE\n\
        090: ACCUSE, investigate,  # Probe\n\
        111: ACCUSE, disapprove,  # Scold\n\
        106: REQUEST, meet, diplomatic # Demand meeting\n\
        0361: AGREE,  , diplomatic # Express intent to laud\n\
        143: PROTEST, boycott,  # Conduct walkout or sit-in\n\
        193: ASSAULT, firearms, military # Fight with rifles\n\
        182: ASSAULT, beat,  # Physically maul\n\
        185: ASSAULT, assassinate,  # Attempt to maul\n\
        999: NOSUCHTYPE, , # Zap\n";

    /// An invented WordNet: "laud" (sense 1 shared with "acclaim", whose own first sense it
    /// is, and with "hail", whose first sense is another), "probe" with the derived noun
    /// "probing" (an act), "walkout" an act, "sit-in" a group (not an event noun).
    fn wordnet() -> WordNet {
        let mut wn = WordNet::default();
        wn.add_index(
            Pos::Verb,
            "laud v 1 1 @ 1 0 00000001\nacclaim v 1 1 @ 1 0 00000001\npraise v 1 1 @ 1 0 00000010\n\
             hail v 2 1 @ 2 0 00000009 00000001\nprobe v 1 1 @ 1 0 00000002\n\
             scold v 1 1 @ 1 0 00000003\nmaul v 1 1 @ 1 0 00000004\n\
             fight v 1 1 @ 1 0 00000005\nconduct v 1 1 @ 1 0 00000006\n\
             demand v 1 1 @ 1 0 00000007\nattempt v 1 1 @ 1 0 00000008\n",
        );
        wn.add_index(
            Pos::Noun,
            "probing n 1 1 @ 1 0 10000001\nwalkout n 1 1 @ 1 0 10000002\n\
             sit-in n 1 1 @ 1 0 10000003\nrifles n 1 1 @ 1 0 10000004\n\
             meeting n 1 1 @ 1 0 10000005\n",
        );
        wn.add_data(
            Pos::Verb,
            "00000001 32 v 03 laud 0 acclaim 0 hail 0 000 | praise\n\
             00000009 32 v 01 hail 0 000 | call out\n\
             00000002 31 v 01 probe 0 001 + 10000001 n 0101 | investigate\n",
        );
        wn.add_data(
            Pos::Noun,
            "10000001 04 n 01 probing 0 000 | an inquiry\n\
             10000002 04 n 01 walkout 0 000 | a strike\n\
             10000003 14 n 01 sit-in 0 000 | a group\n",
        );
        wn.add_exceptions(Pos::Verb, "lauded laud\n");
        wn
    }

    #[test]
    fn table_rows_and_renames() {
        let rows = parse_table(TABLE);
        let kinds: Vec<(&str, &str)> =
            rows.iter().map(|r| (r.code.as_str(), r.kind.as_str())).collect();
        assert_eq!(
            kinds,
            [
                ("051", "SUPPORT"),
                ("090", "INVESTIGATE"),
                ("111", "DISAPPROVE"),
                ("106", "DEMAND"),
                ("0361", "AGREE"),
                ("143", "PROTEST"),
                ("193", "FIGHT"),
                ("182", "ASSAULT"),
                ("185", "ASSAULT"),
            ]
        );
        assert_eq!(rows[0].description, "praise or laud");
    }

    #[test]
    fn seeds_heads_objects_and_frames() {
        let rows = parse_table(TABLE);
        let s = seeds(&rows, &wordnet());
        let kind = |w: &str, p: Pos| s.get(&(w.to_string(), p)).and_then(argmax);
        assert_eq!(kind("laud", Pos::Verb), Some(EventType::Support));
        assert_eq!(kind("probe", Pos::Verb), Some(EventType::Investigate));
        assert_eq!(kind("maul", Pos::Verb), Some(EventType::Assault), "the adverb is skipped");
        assert_eq!(kind("fight", Pos::Verb), Some(EventType::Fight));
        assert_eq!(kind("attempt", Pos::Verb), None, "a head with a to-complement is a frame");
        // A light verb's objects are the seeds, not the verb.
        assert_eq!(kind("walkout", Pos::Noun), Some(EventType::Protest));
        assert_eq!(kind("conduct", Pos::Verb), None);
        // A frame gives its frame word only; "laud" under "Express intent to" is not AGREE.
        assert_eq!(kind("demand", Pos::Verb), Some(EventType::Demand));
        assert_eq!(kind("meeting", Pos::Noun), None);
        assert_eq!(s[&("laud".to_string(), Pos::Verb)].len(), 1);
        // "rifles" follows a preposition: not an object.
        assert_eq!(kind("rifles", Pos::Noun), None);
    }

    #[test]
    fn expansion_forms_and_filters() {
        let rows = parse_table(TABLE);
        let entries = build(&rows, &wordnet(), 2);
        let get =
            |f: &str| entries.iter().find(|e| e.form == f).map(|e| (e.kind, e.lemma.as_str()));
        assert_eq!(get("lauded"), Some((EventType::Support, "laud")));
        assert_eq!(get("lauding"), Some((EventType::Support, "laud")));
        // A synonym whose own first sense is this synset joins; one whose first sense is
        // another does not.
        assert_eq!(get("acclaims"), Some((EventType::Support, "acclaim")));
        assert_eq!(get("hail"), None);
        // A derived noun that names an act joins, with its plural.
        assert_eq!(get("probings"), Some((EventType::Investigate, "probing")));
        assert_eq!(get("walkouts"), Some((EventType::Protest, "walkout")));
        // A noun whose first sense is not an act, event or communication is dropped.
        assert_eq!(get("sit-in"), None);
        let text = render(&entries, 2);
        assert!(text.starts_with("# Learned trigger lexicon"));
        assert!(text.contains("\nlauded\tSUPPORT\t"));
        let sorted: Vec<&str> = entries.iter().map(|e| e.form.as_str()).collect();
        assert!(sorted.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn plurals() {
        assert_eq!(plural("inquiry"), "inquiries");
        assert_eq!(plural("march"), "marches");
        assert_eq!(plural("delay"), "delays");
        assert_eq!(plural("talk"), "talks");
    }
}
