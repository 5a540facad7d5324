//! Built-in word lists shared by the steps: capitalised function words, roles, a small gazetteer
//! (places, organisations, nationality adjectives), organisation and place suffixes, speech
//! verbs. All hand-written, one entry a line in `crates/analyze/words/*.txt` (`#` starts a
//! comment line), compiled in; extend freely.

use std::collections::HashMap;
use std::sync::LazyLock;

use storyline_model::EntityType;
use storyline_text::calendar;

use storyline_text::word_list::{entries, set, WordSet};

/// Capitalised words that are never (part of) a name on their own, and abbreviations.
static STOP_CAPS: &str = include_str!("../words/stop_caps.txt");
/// Role / title words that precede a person's name; stripped from the entity.
static ROLE_HEADS: &str = include_str!("../words/role_heads.txt");
/// Words that are part of a role only when a role head follows ("Prime Minister").
static ROLE_MODS: &str = include_str!("../words/role_mods.txt");
/// Lower-case nouns naming a person's role ("the Kremlin spokesperson", "spokesman Ivan X").
static ROLE_NOUNS: &str = include_str!("../words/role_nouns.txt");
/// Last words of organisation names.
static ORG_SUFFIXES: &str = include_str!("../words/org_suffixes.txt");
/// Last words of place names.
static PLACE_SUFFIXES: &str = include_str!("../words/place_suffixes.txt");
/// Other heads that may take "of …" inside a name.
static OF_HEADS: &str = include_str!("../words/of_heads.txt");
/// The gazetteer: places, organisations, other names.
static LOCATIONS: &str = include_str!("../words/locations.txt");
static ORGANISATIONS: &str = include_str!("../words/organisations.txt");
static MISC_NAMES: &str = include_str!("../words/misc_names.txt");
/// Speech / attribution verbs (lower case).
static SPEECH_VERBS: &str = include_str!("../words/speech_verbs.txt");
/// Common English words that, capitalised in a Title-Case headline, are not names.
static COMMON_WORDS: &str = include_str!("../words/common_words.txt");

static STOP_SET: LazyLock<WordSet> = LazyLock::new(|| set(STOP_CAPS));
/// Capitalised function words, months and weekdays: never an entity token.
pub fn is_stop_cap(w: &str) -> bool {
    STOP_SET.contains(w) || calendar::is_capitalised_month_or_weekday(w)
}

static ROLE_HEAD_SET: LazyLock<WordSet> = LazyLock::new(|| set(ROLE_HEADS));
static ROLE_MOD_SET: LazyLock<WordSet> = LazyLock::new(|| set(ROLE_MODS));
pub fn is_role_head(w: &str) -> bool {
    ROLE_HEAD_SET.contains(w)
}
pub fn is_role_mod(w: &str) -> bool {
    ROLE_MOD_SET.contains(w)
}

static ROLE_NOUN_SET: LazyLock<WordSet> = LazyLock::new(|| set(ROLE_NOUNS));
pub fn is_role_noun(w: &str) -> bool {
    ROLE_NOUN_SET.contains(w)
}

static ORG_SUFFIX_SET: LazyLock<WordSet> = LazyLock::new(|| set(ORG_SUFFIXES));
pub fn is_org_suffix(w: &str) -> bool {
    ORG_SUFFIX_SET.contains(w)
}

static PLACE_SUFFIX_SET: LazyLock<WordSet> = LazyLock::new(|| set(PLACE_SUFFIXES));
pub fn is_place_suffix(w: &str) -> bool {
    PLACE_SUFFIX_SET.contains(w)
}

static OF_HEAD_SET: LazyLock<WordSet> = LazyLock::new(|| set(OF_HEADS));
/// Heads that may take "of …" inside a name ("Bank of England", "Gulf of Mexico").
pub fn takes_of(w: &str) -> bool {
    is_org_suffix(w) || is_place_suffix(w) || is_role_head(w) || OF_HEAD_SET.contains(w)
}

static GAZETTEER: LazyLock<HashMap<&'static str, EntityType>> = LazyLock::new(|| {
    let mut m = HashMap::new();
    for w in entries(LOCATIONS) {
        m.insert(w, EntityType::Location);
    }
    for w in entries(MISC_NAMES) {
        m.insert(w, EntityType::Misc);
    }
    for w in entries(ORGANISATIONS) {
        m.insert(w, EntityType::Organisation);
    }
    m
});

/// Type of a known name (exact spelling, possessive already stripped).
pub fn gazetteer(name: &str) -> Option<EntityType> {
    GAZETTEER.get(name).copied()
}

static SPEECH_SET: LazyLock<WordSet> = LazyLock::new(|| set(SPEECH_VERBS));
pub fn is_speech_verb(lower_word: &str) -> bool {
    SPEECH_SET.contains(lower_word)
}

static COMMON_SET: LazyLock<WordSet> = LazyLock::new(|| set(COMMON_WORDS));
pub fn is_common_word(lower_word: &str) -> bool {
    COMMON_SET.contains(lower_word)
}

/// Words that open a photo or image credit line (lower case).
static CREDIT_WORDS: &str = include_str!("../words/credit_words.txt");
static CREDIT_SET: LazyLock<WordSet> = LazyLock::new(|| set(CREDIT_WORDS));
pub fn is_credit_word(lower_word: &str) -> bool {
    CREDIT_SET.contains(lower_word)
}

pub fn is_pronoun_person(lower_word: &str) -> bool {
    matches!(lower_word, "he" | "she")
}

/// Calls `f` with every gazetteer name and its type index (0 PER, 1 ORG, 2 LOC, 3 MISC); the
/// statistical tagger uses them as gazetteer features.
pub fn for_each_gazetteer_name(mut f: impl FnMut(&str, usize)) {
    for w in entries(ORGANISATIONS) {
        f(w, 1);
    }
    for w in entries(LOCATIONS) {
        f(w, 2);
    }
    for w in entries(MISC_NAMES) {
        f(w, 3);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_loads() {
        for list in [
            STOP_CAPS,
            ROLE_HEADS,
            ROLE_MODS,
            ROLE_NOUNS,
            ORG_SUFFIXES,
            PLACE_SUFFIXES,
            OF_HEADS,
            LOCATIONS,
            ORGANISATIONS,
            MISC_NAMES,
            SPEECH_VERBS,
            COMMON_WORDS,
        ] {
            assert!(entries(list).count() > 10, "{list:.60}");
        }
    }

    #[test]
    fn lookups() {
        assert!(is_stop_cap("The") && is_stop_cap("Sept.") && !is_stop_cap("Kremlin"));
        assert!(is_role_head("Minister") && is_role_mod("Prime") && is_role_noun("spokesman"));
        assert!(takes_of("Bank") && takes_of("Ministry") && !takes_of("Paris"));
        assert_eq!(gazetteer("Kremlin"), Some(EntityType::Organisation));
        assert_eq!(gazetteer("Afghanistan"), Some(EntityType::Location));
        assert_eq!(gazetteer("Russians"), Some(EntityType::Misc));
        assert!(is_speech_verb("said") && is_common_word("says") && !is_speech_verb("the"));
        let mut n = 0;
        for_each_gazetteer_name(|_, _| n += 1);
        let lists = [LOCATIONS, ORGANISATIONS, MISC_NAMES];
        assert_eq!(n, lists.into_iter().map(|l| entries(l).count()).sum::<usize>());
    }
}
