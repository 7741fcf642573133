//! The word lists, weights, notes and suggestions of `assets/eval/heuristic.toml`, and the
//! one-pass matcher built from the lists.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

use crate::domain::{Dimension, PreparationType};
use crate::text;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Config {
    pub(super) lexicon: Lexicon,
    pub(super) weights: Weights,
    pub(super) overall: BTreeMap<PreparationType, [f64; 6]>,
    pub(super) notes: BTreeMap<String, String>,
    pub(super) suggestions: BTreeMap<Dimension, String>,
    pub(super) drills: BTreeMap<Dimension, Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Lexicon {
    pub(super) structure: Vec<String>,
    pub(super) rambling: Vec<String>,
    pub(super) hedges: Vec<String>,
    pub(super) fillers: Vec<String>,
    pub(super) apologies: Vec<String>,
    pub(super) owned: Vec<String>,
    pub(super) we: Vec<String>,
    pub(super) slang: Vec<String>,
    pub(super) polite: Vec<String>,
    pub(super) formal_markers: Vec<String>,
    pub(super) warm: Vec<String>,
    pub(super) stiff: Vec<String>,
    pub(super) assertive: Vec<String>,
    pub(super) timid: Vec<String>,
    pub(super) persuasive: Vec<String>,
    pub(super) flat: Vec<String>,
    pub(super) supportive: Vec<String>,
    pub(super) harsh: Vec<String>,
    pub(super) counterpart: Vec<String>,
    pub(super) situation: Vec<String>,
    pub(super) result: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Weights {
    pub(super) clarity_structure: ClarityW,
    pub(super) relevance_focus: RelevanceW,
    pub(super) confidence_delivery: ConfidenceW,
    pub(super) language_quality: LanguageW,
    pub(super) tone_alignment: ToneW,
    pub(super) engagement: EngagementW,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ClarityW {
    pub(super) base: f64,
    pub(super) structure_markers: f64,
    pub(super) structure_cap: usize,
    pub(super) rambling: f64,
    pub(super) long_sentence_ratio: f64,
    pub(super) avg_sentence_over_25: f64,
    pub(super) fragment_ratio: f64,
    pub(super) short_answer: f64,
    pub(super) and_rate: f64,
    pub(super) result_present: f64,
    pub(super) star_complete: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RelevanceW {
    pub(super) base: f64,
    pub(super) question_overlap: f64,
    pub(super) agenda_overlap: f64,
    pub(super) first_sentence_on_topic: f64,
    pub(super) drift_ratio: f64,
    pub(super) numbers: f64,
    pub(super) short_answer: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ConfidenceW {
    pub(super) base: f64,
    pub(super) hedge_rate: f64,
    pub(super) filler_rate: f64,
    pub(super) apologies: f64,
    pub(super) owned: f64,
    pub(super) numbers: f64,
    pub(super) short_answer: f64,
    pub(super) question_marks_in_statements: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LanguageW {
    pub(super) base: f64,
    pub(super) diversity: f64,
    pub(super) repetition_rate: f64,
    pub(super) long_sentence_ratio: f64,
    pub(super) fragment_ratio: f64,
    pub(super) shouting: f64,
    pub(super) exclamations: f64,
    pub(super) slang_rate: f64,
    pub(super) short_answer: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ToneW {
    pub(super) base: f64,
    #[serde(rename = "match")]
    pub(super) matched: f64,
    pub(super) mismatch: f64,
    pub(super) hedge_rate_when_assertive: f64,
    pub(super) slang_rate_when_formal: f64,
    pub(super) contraction_rate_when_formal: f64,
    pub(super) shouting: f64,
    pub(super) short_answer: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct EngagementW {
    pub(super) base: f64,
    pub(super) questions_back: f64,
    pub(super) counterpart_refs: f64,
    pub(super) first_sentence_on_topic: f64,
    pub(super) question_overlap: f64,
    pub(super) words_band: f64,
    pub(super) short_answer: f64,
    pub(super) very_long: f64,
}

// Embedded and covered by tests: a parse failure is a build defect, not a user error.
#[allow(clippy::panic)]
pub(super) static CONFIG: LazyLock<Config> = LazyLock::new(|| {
    toml::from_str(include_str!("../../../assets/eval/heuristic.toml"))
        .unwrap_or_else(|e| panic!("assets/eval/heuristic.toml: {e}"))
});

/// The word lists, by position in [`Matcher`]'s tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum L {
    Structure,
    Rambling,
    Hedges,
    Fillers,
    Apologies,
    Owned,
    We,
    Slang,
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
    Counterpart,
    Situation,
    Result,
}

pub(super) const LISTS: usize = L::Result as usize + 1;

pub(super) fn list(lx: &Lexicon, l: L) -> &[String] {
    match l {
        L::Structure => &lx.structure,
        L::Rambling => &lx.rambling,
        L::Hedges => &lx.hedges,
        L::Fillers => &lx.fillers,
        L::Apologies => &lx.apologies,
        L::Owned => &lx.owned,
        L::We => &lx.we,
        L::Slang => &lx.slang,
        L::Polite => &lx.polite,
        L::Formal => &lx.formal_markers,
        L::Warm => &lx.warm,
        L::Stiff => &lx.stiff,
        L::Assertive => &lx.assertive,
        L::Timid => &lx.timid,
        L::Persuasive => &lx.persuasive,
        L::Flat => &lx.flat,
        L::Supportive => &lx.supportive,
        L::Harsh => &lx.harsh,
        L::Counterpart => &lx.counterpart,
        L::Situation => &lx.situation,
        L::Result => &lx.result,
    }
}

pub(super) const ALL_LISTS: [L; LISTS] = [
    L::Structure,
    L::Rambling,
    L::Hedges,
    L::Fillers,
    L::Apologies,
    L::Owned,
    L::We,
    L::Slang,
    L::Polite,
    L::Formal,
    L::Warm,
    L::Stiff,
    L::Assertive,
    L::Timid,
    L::Persuasive,
    L::Flat,
    L::Supportive,
    L::Harsh,
    L::Counterpart,
    L::Situation,
    L::Result,
];

/// Every phrase of every list in one automaton, so an answer is scanned once, not once per
/// phrase. Patterns are padded with spaces to match whole words in a [`text::normalized`] text.
pub(super) struct Matcher {
    pub(super) ac: aho_corasick::AhoCorasick,
    /// For each pattern: the phrase, and the lists it belongs to.
    pub(super) phrases: Vec<String>,
    pub(super) owners: Vec<Vec<L>>,
}

#[allow(clippy::panic)]
pub(super) static MATCHER: LazyLock<Matcher> = LazyLock::new(|| {
    let mut phrases: Vec<String> = Vec::new();
    let mut owners: Vec<Vec<L>> = Vec::new();
    for l in ALL_LISTS {
        for p in list(&CONFIG.lexicon, l) {
            let phrase = text::words(p).join(" ");
            match phrases.iter().position(|x| *x == phrase) {
                Some(i) => owners[i].push(l),
                None => {
                    phrases.push(phrase);
                    owners.push(vec![l]);
                }
            }
        }
    }
    let padded: Vec<String> = phrases.iter().map(|p| format!(" {p} ")).collect();
    let ac = aho_corasick::AhoCorasick::new(&padded)
        .unwrap_or_else(|e| panic!("assets/eval/heuristic.toml word lists: {e}"));
    Matcher {
        ac,
        phrases,
        owners,
    }
});

/// What one scan of a text found, per list.
pub(super) struct Scan {
    pub(super) count: [usize; LISTS],
    pub(super) distinct: [usize; LISTS],
    /// The earliest match of each list: (position, pattern).
    pub(super) first: [Option<(usize, usize)>; LISTS],
}

pub(super) fn scan(norm: &str) -> Scan {
    let m = &*MATCHER;
    let mut sc = Scan {
        count: [0; LISTS],
        distinct: [0; LISTS],
        first: [None; LISTS],
    };
    let mut seen: Vec<usize> = Vec::new();
    for hit in m.ac.find_overlapping_iter(norm) {
        let pattern = hit.pattern().as_usize();
        let new_pattern = !seen.contains(&pattern);
        if new_pattern {
            seen.push(pattern);
        }
        for &l in &m.owners[pattern] {
            let i = l as usize;
            sc.count[i] += 1;
            if new_pattern {
                sc.distinct[i] += 1;
            }
            if sc.first[i].is_none_or(|(pos, _)| hit.start() < pos) {
                sc.first[i] = Some((hit.start(), pattern));
            }
        }
    }
    sc
}

impl Scan {
    pub(super) fn n(&self, l: L) -> usize {
        self.count[l as usize]
    }
    pub(super) fn first(&self, l: L) -> Option<String> {
        self.first[l as usize].map(|(_, p)| MATCHER.phrases[p].clone())
    }
}

pub(super) fn note(key: &str) -> String {
    CONFIG
        .notes
        .get(key)
        .cloned()
        .unwrap_or_else(|| key.replace('_', " "))
}
