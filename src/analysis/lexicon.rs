//! The word lists of `assets/analysis/lexicon.toml`, found in one pass over a text.

use rustc_hash::FxHashSet;
use std::sync::LazyLock;

use crate::text;

/// One list of the lexicon. The order is the file's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum L {
    Hedges,
    Fillers,
    Apologies,
    SelfDeprecation,
    Rambling,
    We,
    GenericClaims,
    Buzzwords,
    Evasions,
    Vague,
    Structure,
    Connectors,
    Situation,
    ResultVerbs,
    Reflection,
    CounterpartRefs,
    GenericQuestions,
    Slang,
    Profanity,
    Rude,
    Polite,
    Formal,
    Warm,
    Stiff,
    Assertive,
    Timid,
    Persuasive,
    Flat,
    Supportive,
    Harsh,
}

pub const LISTS: usize = L::Harsh as usize + 1;

const ALL: [(L, &str); LISTS] = [
    (L::Hedges, "hedges"),
    (L::Fillers, "fillers"),
    (L::Apologies, "apologies"),
    (L::SelfDeprecation, "self_deprecation"),
    (L::Rambling, "rambling"),
    (L::We, "we"),
    (L::GenericClaims, "generic_claims"),
    (L::Buzzwords, "buzzwords"),
    (L::Evasions, "evasions"),
    (L::Vague, "vague"),
    (L::Structure, "structure"),
    (L::Connectors, "connectors"),
    (L::Situation, "situation"),
    (L::ResultVerbs, "result_verbs"),
    (L::Reflection, "reflection"),
    (L::CounterpartRefs, "counterpart_refs"),
    (L::GenericQuestions, "generic_questions"),
    (L::Slang, "slang"),
    (L::Profanity, "profanity"),
    (L::Rude, "rude"),
    (L::Polite, "polite"),
    (L::Formal, "formal_markers"),
    (L::Warm, "warm"),
    (L::Stiff, "stiff"),
    (L::Assertive, "assertive"),
    (L::Timid, "timid"),
    (L::Persuasive, "persuasive"),
    (L::Flat, "flat"),
    (L::Supportive, "supportive"),
    (L::Harsh, "harsh"),
];

/// Word sets used one word at a time (not as phrases).
pub struct Words {
    pub not_actions: FxHashSet<String>,
    pub open_question_starts: Vec<String>,
    pub vague_nouns: FxHashSet<String>,
    pub result_verbs: FxHashSet<String>,
    pub lorem: FxHashSet<String>,
    /// Function words per language: ("en", words), ("es", words)…
    pub stop: Vec<(&'static str, FxHashSet<String>)>,
    /// Every language's function words and the topic stop words: not content.
    pub all_stop: FxHashSet<String>,
    /// For each word of `stop` or `lorem`, which lists hold it: bit i for `stop[i]`, and
    /// [`LOREM_BIT`] for lorem ipsum. One lookup per word instead of one per list.
    pub lists_of: rustc_hash::FxHashMap<String, u8>,
}

/// The bit of [`Words::lists_of`] that says "a lorem ipsum word".
pub const LOREM_BIT: u8 = 1 << 7;

pub struct Lexicon {
    ac: aho_corasick::AhoCorasick,
    phrases: Vec<String>,
    owners: Vec<Vec<L>>,
    lists: Vec<Vec<String>>,
    pub words: Words,
}

// Embedded and covered by tests: a parse failure is a build defect, not a user error.
#[allow(clippy::panic)]
pub static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| {
    let raw: toml::Table = toml::from_str(include_str!("../../assets/analysis/lexicon.toml"))
        .unwrap_or_else(|e| panic!("assets/analysis/lexicon.toml: {e}"));
    let get = |name: &str| -> Vec<String> {
        raw.get(name)
            .and_then(|v| v.as_array())
            .unwrap_or_else(|| panic!("assets/analysis/lexicon.toml: no list `{name}`"))
            .iter()
            .filter_map(|v| v.as_str())
            .map(|s| s.to_lowercase())
            .collect()
    };
    let mut phrases: Vec<String> = Vec::new();
    let mut owners: Vec<Vec<L>> = Vec::new();
    let mut lists = Vec::new();
    for (l, name) in ALL {
        let list = get(name);
        for p in &list {
            let phrase = text::words(p).join(" ");
            if phrase.is_empty() {
                continue;
            }
            match phrases.iter().position(|x| *x == phrase) {
                Some(i) => owners[i].push(l),
                None => {
                    phrases.push(phrase);
                    owners.push(vec![l]);
                }
            }
        }
        lists.push(list);
    }
    let padded: Vec<String> = phrases.iter().map(|p| format!(" {p} ")).collect();
    // A DFA: more memory (a few MB at most for these lists) for the fastest scan of every sentence.
    let ac = aho_corasick::AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(&padded)
        .unwrap_or_else(|e| panic!("assets/analysis/lexicon.toml: {e}"));
    let set = |name: &str| -> FxHashSet<String> { get(name).into_iter().collect() };
    let stop: Vec<(&'static str, FxHashSet<String>)> = ["en", "es", "fr", "de", "it", "pt"]
        .into_iter()
        .map(|code| (code, set(&format!("stop_{code}"))))
        .collect();
    let mut all_stop: FxHashSet<String> = text::STOP_WORDS.iter().map(|w| w.to_string()).collect();
    for (_, l) in &stop {
        all_stop.extend(l.iter().cloned());
    }
    let mut lists_of: rustc_hash::FxHashMap<String, u8> = rustc_hash::FxHashMap::default();
    for (i, (_, l)) in stop.iter().enumerate() {
        for w in l {
            *lists_of.entry(w.clone()).or_default() |= 1 << i;
        }
    }
    let lorem = set("lorem");
    for w in &lorem {
        *lists_of.entry(w.clone()).or_default() |= LOREM_BIT;
    }
    let words = Words {
        not_actions: set("not_actions"),
        open_question_starts: get("open_question_starts"),
        vague_nouns: set("vague_nouns"),
        result_verbs: set("result_verbs"),
        lorem,
        stop,
        all_stop,
        lists_of,
    };
    Lexicon {
        ac,
        phrases,
        owners,
        lists,
        words,
    }
});

/// Where each list matched in one text: (list, byte offset in the normalized text, phrase).
#[derive(Debug, Default, Clone)]
pub struct Hits {
    pub count: [u16; LISTS],
    pub first: [Option<u32>; LISTS],
}

impl Hits {
    pub fn n(&self, l: L) -> usize {
        usize::from(self.count[l as usize])
    }
    /// Counts one more match of list `l` that no phrase found (a pattern the code saw).
    pub fn add(&mut self, l: L) {
        self.count[l as usize] = self.count[l as usize].saturating_add(1);
    }
    pub fn any(&self, l: L) -> bool {
        self.count[l as usize] > 0
    }
    /// Adds the matches of a later piece of the same text.
    pub fn merge(&mut self, later: &Hits) {
        for i in 0..LISTS {
            self.count[i] = self.count[i].saturating_add(later.count[i]);
            self.first[i] = self.first[i].or(later.first[i]);
        }
    }
    /// The phrase of list `l` found first.
    pub fn first(&self, l: L) -> Option<&'static str> {
        self.first[l as usize].map(|p| LEXICON.phrases[p as usize].as_str())
    }
}

impl Lexicon {
    /// Every list's matches in a [`text::normalized`] text, in one pass.
    pub fn scan(&self, norm: &str) -> Hits {
        let mut hits = Hits::default();
        let mut first_pos = [usize::MAX; LISTS];
        for m in self.ac.find_overlapping_iter(norm) {
            let p = m.pattern().as_usize();
            for &l in &self.owners[p] {
                let i = l as usize;
                hits.count[i] = hits.count[i].saturating_add(1);
                if m.start() < first_pos[i] {
                    first_pos[i] = m.start();
                    hits.first[i] = Some(p as u32);
                }
            }
        }
        hits
    }

    /// The phrases of one list, as written in the file.
    pub fn list(&self, l: L) -> &[String] {
        &self.lists[l as usize]
    }
}
