//! The built-in evaluator: deterministic, offline, explainable. It measures features of the
//! user's answers (signposts, hedges, overlap with the question, vocabulary, register…), turns them
//! into six scores with the weights in `assets/eval/heuristic.toml`, and backs every score with a
//! quote from the user's own words.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use serde::Deserialize;

use super::{EvalError, EvalInput, Evaluator};
use crate::domain::{
    Assessment, Dimension, EvaluatorInfo, Evidence, ImprovementArea, PreparationType, Priority,
    Role, Scores, round_score,
};
use crate::text;

#[derive(Debug, Default, Clone, Copy)]
pub struct HeuristicEvaluator;

impl Evaluator for HeuristicEvaluator {
    fn evaluate(&self, input: &EvalInput<'_>) -> Result<Assessment, EvalError> {
        evaluate(input)
    }
}

// ------------------------------------------------------------------------------- configuration

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    lexicon: Lexicon,
    weights: Weights,
    overall: BTreeMap<PreparationType, [f64; 6]>,
    notes: BTreeMap<String, String>,
    suggestions: BTreeMap<Dimension, String>,
    drills: BTreeMap<Dimension, Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Lexicon {
    structure: Vec<String>,
    rambling: Vec<String>,
    hedges: Vec<String>,
    fillers: Vec<String>,
    apologies: Vec<String>,
    owned: Vec<String>,
    we: Vec<String>,
    slang: Vec<String>,
    polite: Vec<String>,
    formal_markers: Vec<String>,
    warm: Vec<String>,
    stiff: Vec<String>,
    assertive: Vec<String>,
    timid: Vec<String>,
    persuasive: Vec<String>,
    flat: Vec<String>,
    supportive: Vec<String>,
    harsh: Vec<String>,
    counterpart: Vec<String>,
    situation: Vec<String>,
    result: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Weights {
    clarity_structure: ClarityW,
    relevance_focus: RelevanceW,
    confidence_delivery: ConfidenceW,
    language_quality: LanguageW,
    tone_alignment: ToneW,
    engagement: EngagementW,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClarityW {
    base: f64,
    structure_markers: f64,
    structure_cap: usize,
    rambling: f64,
    long_sentence_ratio: f64,
    avg_sentence_over_25: f64,
    fragment_ratio: f64,
    short_answer: f64,
    and_rate: f64,
    result_present: f64,
    star_complete: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RelevanceW {
    base: f64,
    question_overlap: f64,
    agenda_overlap: f64,
    first_sentence_on_topic: f64,
    drift_ratio: f64,
    numbers: f64,
    short_answer: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfidenceW {
    base: f64,
    hedge_rate: f64,
    filler_rate: f64,
    apologies: f64,
    owned: f64,
    numbers: f64,
    short_answer: f64,
    question_marks_in_statements: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LanguageW {
    base: f64,
    diversity: f64,
    repetition_rate: f64,
    long_sentence_ratio: f64,
    fragment_ratio: f64,
    shouting: f64,
    exclamations: f64,
    slang_rate: f64,
    short_answer: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ToneW {
    base: f64,
    #[serde(rename = "match")]
    matched: f64,
    mismatch: f64,
    hedge_rate_when_assertive: f64,
    slang_rate_when_formal: f64,
    contraction_rate_when_formal: f64,
    shouting: f64,
    short_answer: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EngagementW {
    base: f64,
    questions_back: f64,
    counterpart_refs: f64,
    first_sentence_on_topic: f64,
    question_overlap: f64,
    words_band: f64,
    short_answer: f64,
    very_long: f64,
}

// Embedded and covered by tests: a parse failure is a build defect, not a user error.
#[allow(clippy::panic)]
static CONFIG: LazyLock<Config> = LazyLock::new(|| {
    toml::from_str(include_str!("../../assets/eval/heuristic.toml"))
        .unwrap_or_else(|e| panic!("assets/eval/heuristic.toml: {e}"))
});

/// The word lists, by position in [`Matcher`]'s tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum L {
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

const LISTS: usize = L::Result as usize + 1;

fn list(lx: &Lexicon, l: L) -> &[String] {
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

const ALL_LISTS: [L; LISTS] = [
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
struct Matcher {
    ac: aho_corasick::AhoCorasick,
    /// For each pattern: the phrase, and the lists it belongs to.
    phrases: Vec<String>,
    owners: Vec<Vec<L>>,
}

#[allow(clippy::panic)]
static MATCHER: LazyLock<Matcher> = LazyLock::new(|| {
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
struct Scan {
    count: [usize; LISTS],
    distinct: [usize; LISTS],
    /// The earliest match of each list: (position, pattern).
    first: [Option<(usize, usize)>; LISTS],
}

fn scan(norm: &str) -> Scan {
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
    fn n(&self, l: L) -> usize {
        self.count[l as usize]
    }
    fn first(&self, l: L) -> Option<String> {
        self.first[l as usize].map(|(_, p)| MATCHER.phrases[p].clone())
    }
}

fn note(key: &str) -> String {
    CONFIG
        .notes
        .get(key)
        .cloned()
        .unwrap_or_else(|| key.replace('_', " "))
}

// ------------------------------------------------------------------------------------ features

/// The register the user asked to rehearse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Register {
    Formal,
    Friendly,
    Assertive,
    Persuasive,
    Supportive,
    Neutral,
}

pub fn register(tone: Option<&str>) -> Register {
    let t = tone.unwrap_or_default().to_lowercase();
    let any = |keys: &[&str]| keys.iter().any(|k| t.contains(k));
    if any(&[
        "supportive",
        "empath",
        "gentle",
        "encourag",
        "kind",
        "caring",
        "compassion",
    ]) {
        Register::Supportive
    } else if any(&[
        "persuasive",
        "enthusias",
        "inspir",
        "energetic",
        "convinc",
        "compelling",
        "passion",
    ]) {
        Register::Persuasive
    } else if any(&[
        "assertive",
        "confident",
        "direct",
        "firm",
        "challeng",
        "tough",
        "bold",
        "blunt",
        "skeptic",
        "sceptic",
    ]) {
        Register::Assertive
    } else if any(&[
        "friendly",
        "casual",
        "warm",
        "relaxed",
        "conversational",
        "informal",
        "fun",
    ]) {
        Register::Friendly
    } else if any(&[
        "formal",
        "professional",
        "polite",
        "corporate",
        "respectful",
        "executive",
        "diplomatic",
    ]) {
        Register::Formal
    } else {
        Register::Neutral
    }
}

/// A sentence of an answer, with how it ended.
struct Sentence<'a> {
    text: &'a str,
    words: usize,
    question: bool,
}

fn split_sentences(text: &str) -> Vec<Sentence<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in bytes.iter().enumerate() {
        let next_is_space = bytes.get(k + 1).is_none_or(|&(_, n)| n.is_whitespace());
        if matches!(c, '.' | '!' | '?' | '\n') && next_is_space {
            push_sentence(&mut out, &text[start..i], c == '?');
            start = i + c.len_utf8();
        }
    }
    push_sentence(&mut out, &text[start..], false);
    out
}

fn push_sentence<'a>(out: &mut Vec<Sentence<'a>>, s: &'a str, question: bool) {
    let t = s.trim();
    let words = t.split_whitespace().count();
    if words > 0 {
        out.push(Sentence {
            text: t,
            words,
            question,
        });
    }
}

const QUESTION_STARTS: &[&str] = &[
    "what", "how", "why", "when", "where", "who", "which", "would", "could", "can", "do", "does",
    "did", "is", "are", "should", "shall", "will", "have", "has", "may", "might",
];

struct Answer<'a> {
    text: &'a str,
    all_words: Vec<String>,
    scan: Scan,
    sentences: Vec<Sentence<'a>>,
    words: usize,
    question: &'a str,
}

impl<'a> Answer<'a> {
    fn new(text: &'a str, question: &'a str) -> Self {
        let all_words = text::words(text);
        let mut norm = String::with_capacity(text.len() + 2);
        norm.push(' ');
        for w in &all_words {
            norm.push_str(w);
            norm.push(' ');
        }
        Answer {
            text,
            scan: scan(&norm),
            sentences: split_sentences(text),
            words: all_words.len(),
            all_words,
            question,
        }
    }
}

/// Counts of every lexicon list in one answer.
struct Counts {
    structure_distinct: usize,
    structure_first: Option<String>,
    rambling: usize,
    hedges: usize,
    fillers: usize,
    apologies: usize,
    owned: usize,
    slang: usize,
    polite: usize,
    formal: usize,
    warm: usize,
    stiff: usize,
    assertive: usize,
    timid: usize,
    persuasive: usize,
    flat: usize,
    supportive: usize,
    harsh: usize,
    counterpart: usize,
    situation: bool,
    result: bool,
    numbers: usize,
    contractions: usize,
    shouting: usize,
    exclamations: usize,
    questions_back: usize,
    uptalk: usize,
    ands: usize,
}

fn counts(a: &Answer<'_>) -> Counts {
    let sc = &a.scan;
    let raw_words: Vec<&str> = a.text.split_whitespace().collect();
    let is_caps = |w: &str| {
        let letters: Vec<char> = w.chars().filter(|c| c.is_alphabetic()).collect();
        letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase())
    };
    let mut shouting = 0;
    for (i, w) in raw_words.iter().enumerate() {
        if !is_caps(w) || *w == "I" {
            continue;
        }
        let letters = w.chars().filter(|c| c.is_alphabetic()).count();
        let neighbour = (i > 0 && is_caps(raw_words[i - 1]))
            || raw_words.get(i + 1).is_some_and(|x| is_caps(x));
        if letters >= 5 || neighbour {
            shouting += 1;
        }
    }
    let (mut questions_back, mut uptalk) = (0, 0);
    for s in a.sentences.iter().filter(|s| s.question) {
        let ws = text::words(s.text);
        let first = ws.first().map(String::as_str).unwrap_or_default();
        if QUESTION_STARTS.contains(&first) || ws.iter().any(|w| w == "you" || w == "your") {
            questions_back += 1;
        } else {
            uptalk += 1;
        }
    }
    Counts {
        structure_distinct: sc.distinct[L::Structure as usize],
        structure_first: sc.first(L::Structure),
        rambling: sc.n(L::Rambling),
        hedges: sc.n(L::Hedges),
        fillers: sc.n(L::Fillers) + like_fillers(a.text),
        apologies: sc.n(L::Apologies),
        owned: sc.n(L::Owned),
        slang: sc.n(L::Slang),
        polite: sc.n(L::Polite),
        formal: sc.n(L::Formal),
        warm: sc.n(L::Warm),
        stiff: sc.n(L::Stiff),
        assertive: sc.n(L::Assertive),
        timid: sc.n(L::Timid),
        persuasive: sc.n(L::Persuasive),
        flat: sc.n(L::Flat),
        supportive: sc.n(L::Supportive),
        harsh: sc.n(L::Harsh),
        counterpart: sc.n(L::Counterpart),
        situation: sc.n(L::Situation) > 0,
        result: sc.n(L::Result) > 0,
        numbers: text::count_numbers(a.text),
        contractions: a.all_words.iter().filter(|w| w.contains('\'')).count(),
        shouting,
        exclamations: a.text.matches('!').count(),
        questions_back,
        uptalk,
        ands: a.all_words.iter().filter(|w| *w == "and").count(),
    }
}

/// "like" as a filler (", like,") rather than the verb.
fn like_fillers(raw: &str) -> usize {
    let lower = raw.to_lowercase();
    lower.matches(", like,").count()
        + lower.matches(", like ").count()
        + lower.matches("like, ").count()
}

/// Moving-average type/token ratio over a 30-word window: vocabulary variety that does not fall
/// just because an answer is long.
fn diversity(words: &[String]) -> f64 {
    const W: usize = 30;
    if words.is_empty() {
        return 0.0;
    }
    if words.len() <= W {
        let distinct: std::collections::HashSet<&String> = words.iter().collect();
        // Short answers are naturally varied; pull them towards the norm.
        return 0.5 * (distinct.len() as f64 / words.len() as f64) + 0.5 * 0.78;
    }
    let mut total = 0.0;
    let windows = words.len() - W + 1;
    let mut freq: HashMap<&str, usize> = HashMap::new();
    for w in &words[..W] {
        *freq.entry(w).or_default() += 1;
    }
    total += freq.len() as f64 / W as f64;
    for i in 1..windows {
        let out = words[i - 1].as_str();
        if let Some(c) = freq.get_mut(out) {
            *c -= 1;
            if *c == 0 {
                freq.remove(out);
            }
        }
        *freq.entry(words[i + W - 1].as_str()).or_default() += 1;
        total += freq.len() as f64 / W as f64;
    }
    total / windows as f64
}

/// Content words repeated beyond twice, per 100 words; and the most repeated one.
fn repetition(words: &[String]) -> (f64, Option<String>) {
    let mut freq: HashMap<&str, usize> = HashMap::new();
    for w in words
        .iter()
        .filter(|w| w.len() > 3 && !text::STOP_WORDS.contains(&w.as_str()))
    {
        *freq.entry(w).or_default() += 1;
    }
    let extra: usize = freq.values().map(|&c| c.saturating_sub(2)).sum();
    let top = freq
        .iter()
        .filter(|(_, c)| **c >= 4)
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(w, _)| w.to_string());
    (per100(extra, words.len()), top)
}

fn per100(count: usize, words: usize) -> f64 {
    if words == 0 {
        0.0
    } else {
        count as f64 * 100.0 / words as f64
    }
}

// ------------------------------------------------------------------------------------- scoring

/// Something the evaluator noticed, with where to quote it from.
#[derive(Debug, Clone)]
struct Observation {
    dimension: Dimension,
    good: bool,
    strength: f64,
    answer: usize,
    /// A phrase to quote around, or a whole sentence to quote from its start.
    anchor: Anchor,
    note: &'static str,
}

#[derive(Debug, Clone)]
enum Anchor {
    Phrase(String),
    Sentence(String),
}

struct Scored {
    scores: [f64; 6],
    weight: f64,
}

fn score_answer(
    idx: usize,
    a: &Answer<'_>,
    agenda: &std::collections::BTreeSet<String>,
    reg: Register,
    obs: &mut Vec<Observation>,
) -> Scored {
    use Dimension::*;
    let w = &CONFIG.weights;
    let c = counts(a);
    let n = a.words.max(1);
    let short = a.words < 12;
    let short_f = if short { 1.0 } else { 0.0 };
    let sentences = a.sentences.len().max(1) as f64;
    let long_sentences: Vec<&Sentence<'_>> = a.sentences.iter().filter(|s| s.words > 35).collect();
    let long_ratio = long_sentences.len() as f64 / sentences;
    let fragments: Vec<&Sentence<'_>> = a.sentences.iter().filter(|s| s.words < 4).collect();
    let fragment_ratio = if a.sentences.len() >= 3 {
        fragments.len() as f64 / sentences
    } else {
        0.0
    };
    let avg_sentence = a.words as f64 / sentences;
    let all_words = &a.all_words;

    let mut push = |dimension, good, strength: f64, anchor: Anchor, note: &'static str| {
        obs.push(Observation {
            dimension,
            good,
            strength,
            answer: idx,
            anchor,
            note,
        });
    };

    // clarity_structure
    let cw = &w.clarity_structure;
    let and_rate = (per100(c.ands, n) - 4.0).max(0.0);
    let star_complete = c.situation && c.owned > 0 && c.result;
    let clarity = cw.base
        + cw.structure_markers * c.structure_distinct.min(cw.structure_cap) as f64
        + cw.rambling * c.rambling as f64
        + cw.long_sentence_ratio * long_ratio
        + cw.avg_sentence_over_25 * (avg_sentence - 25.0).max(0.0)
        + cw.fragment_ratio * fragment_ratio
        + cw.short_answer * short_f
        + cw.and_rate * and_rate
        + if c.result { cw.result_present } else { 0.0 }
        + if star_complete { cw.star_complete } else { 0.0 };
    if star_complete && let Some(p) = a.scan.first(L::Owned) {
        push(
            ClarityStructure,
            true,
            3.5,
            Anchor::Phrase(p),
            "star_complete",
        );
    }
    if let Some(p) = c.structure_first.clone() {
        push(
            ClarityStructure,
            true,
            c.structure_distinct as f64,
            Anchor::Phrase(p),
            "structure",
        );
    }
    if let Some(p) = a.scan.first(L::Rambling) {
        push(
            ClarityStructure,
            false,
            1.0 + c.rambling as f64,
            Anchor::Phrase(p),
            "rambling",
        );
    }
    if let Some(s) = long_sentences.iter().max_by_key(|s| s.words) {
        push(
            ClarityStructure,
            false,
            s.words as f64 / 20.0,
            Anchor::Sentence(s.text.into()),
            "long_sentence",
        );
    }
    if short {
        push(
            ClarityStructure,
            false,
            3.0,
            Anchor::Sentence(a.text.into()),
            "short",
        );
    }

    // relevance_focus
    let rw = &w.relevance_focus;
    let q_stems = text::content_stems(a.question);
    let a_stems = text::content_stems(a.text);
    let q_overlap = if q_stems.is_empty() {
        0.5
    } else {
        (q_stems.intersection(&a_stems).count() as f64 / q_stems.len() as f64).min(1.0)
    };
    let agenda_overlap = if agenda.is_empty() {
        0.0
    } else {
        (agenda.intersection(&a_stems).count() as f64 / agenda.len().min(4) as f64).min(1.0)
    };
    let topic: std::collections::BTreeSet<String> = q_stems.union(agenda).cloned().collect();
    let on_topic: Vec<bool> = a
        .sentences
        .iter()
        .map(|s| !text::content_stems(s.text).is_disjoint(&topic))
        .collect();
    let first_on_topic = on_topic.first().copied().unwrap_or(false);
    let drifting: Vec<&Sentence<'_>> = a
        .sentences
        .iter()
        .zip(&on_topic)
        .filter(|(s, on)| s.words >= 6 && !**on)
        .map(|(s, _)| s)
        .collect();
    let drift_ratio = if topic.is_empty() {
        0.0
    } else {
        drifting.len() as f64 / sentences
    };
    let relevance = rw.base
        + rw.question_overlap * q_overlap
        + rw.agenda_overlap * agenda_overlap
        + if first_on_topic {
            rw.first_sentence_on_topic
        } else {
            0.0
        }
        + rw.drift_ratio * drift_ratio
        + rw.numbers * c.numbers.min(3) as f64
        + rw.short_answer * short_f;
    if first_on_topic && let Some(s) = a.sentences.first() {
        push(
            RelevanceFocus,
            true,
            1.0 + q_overlap,
            Anchor::Sentence(s.text.into()),
            "on_topic",
        );
    }
    if let Some(s) = drifting.first() {
        push(
            RelevanceFocus,
            false,
            1.0 + drift_ratio * 3.0,
            Anchor::Sentence(s.text.into()),
            "drift",
        );
    }
    if c.numbers > 0
        && let Some(s) = a.sentences.iter().find(|s| text::has_number(s.text))
    {
        push(
            RelevanceFocus,
            true,
            0.5,
            Anchor::Sentence(s.text.into()),
            "example",
        );
    }

    // confidence_delivery
    let fw = &w.confidence_delivery;
    let confidence = fw.base
        + fw.hedge_rate * per100(c.hedges, n)
        + fw.filler_rate * per100(c.fillers, n)
        + fw.apologies * c.apologies as f64
        + fw.owned * c.owned.min(4) as f64
        + fw.numbers * c.numbers.min(4) as f64
        + fw.short_answer * short_f
        + fw.question_marks_in_statements * c.uptalk as f64;
    if let Some(p) = a.scan.first(L::Hedges) {
        push(
            ConfidenceDelivery,
            false,
            1.0 + c.hedges as f64,
            Anchor::Phrase(p),
            "hedge",
        );
    }
    if let Some(p) = a.scan.first(L::Fillers) {
        push(
            ConfidenceDelivery,
            false,
            0.8 + c.fillers as f64,
            Anchor::Phrase(p),
            "filler",
        );
    }
    if let Some(p) = a.scan.first(L::Apologies) {
        push(
            ConfidenceDelivery,
            false,
            2.0 + c.apologies as f64,
            Anchor::Phrase(p),
            "apology",
        );
    }
    if let Some(p) = a.scan.first(L::Owned) {
        push(
            ConfidenceDelivery,
            true,
            1.0 + c.owned as f64,
            Anchor::Phrase(p),
            "owned",
        );
    }
    if c.numbers > 0
        && let Some(s) = a.sentences.iter().find(|s| text::has_number(s.text))
    {
        push(
            ConfidenceDelivery,
            true,
            0.8 + c.numbers as f64 * 0.3,
            Anchor::Sentence(s.text.into()),
            "number",
        );
    }

    // language_quality
    let lw = &w.language_quality;
    let div = diversity(all_words);
    let (rep_rate, rep_word) = repetition(all_words);
    let language = lw.base
        + lw.diversity * (div - 0.72)
        + lw.repetition_rate * rep_rate
        + lw.long_sentence_ratio * long_ratio
        + lw.fragment_ratio * fragment_ratio
        + lw.shouting * c.shouting.min(5) as f64
        + lw.exclamations * c.exclamations.saturating_sub(1) as f64
        + lw.slang_rate * per100(c.slang, n)
        + lw.short_answer * short_f;
    if let Some(word) = rep_word {
        push(
            LanguageQuality,
            false,
            rep_rate,
            Anchor::Phrase(word),
            "repetition",
        );
    }
    if c.shouting > 0
        && let Some(wd) = a.text.split_whitespace().find(|w| {
            w.len() >= 5
                && w.chars().all(|c| !c.is_lowercase())
                && w.chars().any(char::is_alphabetic)
        })
    {
        push(
            LanguageQuality,
            false,
            2.0 + c.shouting as f64,
            Anchor::Phrase(wd.to_string()),
            "shouting",
        );
    }
    if let Some(s) = fragments.first().filter(|_| fragment_ratio > 0.25) {
        push(
            LanguageQuality,
            false,
            fragment_ratio * 3.0,
            Anchor::Sentence(s.text.into()),
            "fragment",
        );
    }
    // The richest clean sentence: most distinct words, no hedge or filler in it.
    let clean = |s: &&Sentence<'_>| {
        let sc = scan(&text::normalized(s.text));
        sc.n(L::Hedges) + sc.n(L::Fillers) == 0
    };
    if div > 0.78
        && a.words >= 25
        && let Some(s) = a.sentences.iter().filter(clean).max_by_key(|s| {
            text::words(s.text)
                .into_iter()
                .collect::<std::collections::HashSet<_>>()
                .len()
                .min(25)
        })
    {
        let strength = div * (a.words.min(80) as f64 / 80.0);
        push(
            LanguageQuality,
            true,
            strength,
            Anchor::Sentence(s.text.into()),
            "varied",
        );
    }

    // tone_alignment
    let tw = &w.tone_alignment;
    let (matched, mismatched, miss_note, miss_lists): (usize, usize, &'static str, &[L]) = match reg
    {
        Register::Formal => (
            c.polite + c.formal,
            c.slang + c.exclamations.saturating_sub(1),
            "slang_formal",
            &[L::Slang],
        ),
        Register::Friendly => (
            c.warm + c.questions_back + c.contractions.min(3),
            c.stiff + c.formal,
            "stiff_warm",
            &[L::Stiff, L::Formal],
        ),
        Register::Assertive => (
            c.assertive + c.owned.min(3),
            c.timid + c.apologies,
            "timid_assertive",
            &[L::Timid, L::Apologies],
        ),
        Register::Persuasive => (
            c.persuasive.min(4) + c.numbers.min(2),
            c.timid + c.hedges + c.flat,
            "flat_persuasive",
            &[L::Flat, L::Hedges, L::Timid],
        ),
        Register::Supportive => (
            c.supportive + c.warm,
            c.harsh,
            "harsh_supportive",
            &[L::Harsh],
        ),
        Register::Neutral => (
            c.polite + c.structure_distinct.min(2),
            c.slang + c.harsh,
            "slang_formal",
            &[L::Slang, L::Harsh],
        ),
    };
    let hedge_rate = per100(c.hedges, n);
    let tone = tw.base
        + tw.matched * matched.min(5) as f64
        + tw.mismatch * mismatched.min(6) as f64
        + if reg == Register::Assertive || reg == Register::Persuasive {
            tw.hedge_rate_when_assertive * hedge_rate
        } else {
            0.0
        }
        + if reg == Register::Formal {
            tw.slang_rate_when_formal * per100(c.slang, n)
                + tw.contraction_rate_when_formal * per100(c.contractions, n)
        } else {
            0.0
        }
        + tw.shouting * c.shouting.min(4) as f64
        + tw.short_answer * short_f;
    if mismatched > 0
        && let Some(p) = miss_lists.iter().find_map(|&l| a.scan.first(l))
    {
        push(
            ToneAlignment,
            false,
            1.0 + mismatched as f64,
            Anchor::Phrase(p),
            miss_note,
        );
    }
    if matched > 0 {
        let lists: &[L] = match reg {
            Register::Formal => &[L::Polite, L::Formal],
            Register::Friendly => &[L::Warm],
            Register::Assertive => &[L::Assertive, L::Owned],
            Register::Persuasive => &[L::Persuasive],
            Register::Supportive => &[L::Supportive, L::Warm],
            Register::Neutral => &[L::Polite, L::Structure],
        };
        if let Some(p) = lists.iter().find_map(|&l| a.scan.first(l)) {
            push(
                ToneAlignment,
                true,
                matched as f64,
                Anchor::Phrase(p),
                "register_match",
            );
        }
    }

    // engagement
    let ew = &w.engagement;
    let engagement = ew.base
        + ew.questions_back * c.questions_back.min(2) as f64
        + ew.counterpart_refs * c.counterpart.min(2) as f64
        + if first_on_topic {
            ew.first_sentence_on_topic
        } else {
            0.0
        }
        + ew.question_overlap * q_overlap
        + if (40..=220).contains(&a.words) {
            ew.words_band
        } else {
            0.0
        }
        + ew.short_answer * short_f
        + if a.words > 300 { ew.very_long } else { 0.0 };
    if c.questions_back > 0
        && let Some(s) = a.sentences.iter().rev().find(|s| s.question)
    {
        let anchor = Anchor::Sentence(s.text.into());
        push(Engagement, true, 1.5, anchor, "question_back");
    }
    if let Some(p) = a.scan.first(L::Counterpart) {
        push(Engagement, true, 1.2, Anchor::Phrase(p), "counterpart");
    }
    if short {
        push(
            Engagement,
            false,
            3.0,
            Anchor::Sentence(a.text.into()),
            "curt",
        );
    }

    Scored {
        scores: [clarity, relevance, confidence, language, tone, engagement]
            .map(|s| s.clamp(0.0, 10.0)),
        weight: (a.words.min(150) + 20) as f64,
    }
}

/// Scores a transcript: each answer on its own against the question it answers, then a weighted
/// average, then the report (summary, strengths, improvement areas, drills, evidence).
pub fn evaluate(input: &EvalInput<'_>) -> Result<Assessment, EvalError> {
    let mut question = "";
    let mut answers: Vec<Answer<'_>> = Vec::new();
    for m in input.transcript {
        match m.role {
            Role::Ai => question = &m.content,
            Role::User => answers.push(Answer::new(&m.content, question)),
        }
    }
    if answers.is_empty() {
        return Err(EvalError::NoUserTurns);
    }
    let agenda = text::content_stems(input.agenda.unwrap_or_default());
    let reg = register(input.tone);
    let mut obs = Vec::new();
    let scored: Vec<Scored> = answers
        .iter()
        .enumerate()
        .map(|(i, a)| score_answer(i, a, &agenda, reg, &mut obs))
        .collect();
    let total_weight: f64 = scored.iter().map(|s| s.weight).sum();
    let mut avg = [0.0; 6];
    for s in &scored {
        for (k, v) in s.scores.iter().enumerate() {
            avg[k] += v * s.weight / total_weight;
        }
    }
    let scores = Scores::from_array(avg).rounded();
    let overall = overall_of(input.preparation_type, avg);
    Ok(report(input, &answers, scores, overall, &obs))
}

/// The overall score: the dimensions weighted for the preparation type (heuristic.toml), so
/// every judge weighs them the same way.
pub fn overall_of(kind: PreparationType, scores: [f64; 6]) -> f64 {
    let weights = CONFIG.overall.get(&kind).copied().unwrap_or([1.0; 6]);
    round_score(
        scores.iter().zip(weights).map(|(s, w)| s * w).sum::<f64>() / weights.iter().sum::<f64>(),
    )
}

// -------------------------------------------------------------------------------------- report

/// The words to quote for an observation, kept within one sentence of the answer.
fn quote(answers: &[Answer<'_>], o: &Observation) -> String {
    let a = &answers[o.answer];
    match &o.anchor {
        Anchor::Phrase(p) => {
            let needle = format!(" {} ", text::words(p).join(" "));
            let sentence = a
                .sentences
                .iter()
                .find(|s| text::normalized(s.text).contains(&needle))
                .map_or(a.text, |s| s.text);
            text::quote_around(sentence, p, 10).unwrap_or_else(|| p.clone())
        }
        Anchor::Sentence(s) => text::opening_words(s, 14),
    }
}

/// The observation that best explains a dimension's score: a weakness when the score is low, a
/// strength when it is high.
fn best_observation(obs: &[Observation], d: Dimension, score: f64) -> Option<&Observation> {
    let want_good = score >= 6.5;
    let pick = |good: bool| {
        obs.iter()
            .filter(|o| o.dimension == d && o.good == good)
            .max_by(|a, b| {
                a.strength
                    .total_cmp(&b.strength)
                    .then(b.answer.cmp(&a.answer))
            })
    };
    pick(want_good).or_else(|| pick(!want_good))
}

fn report(
    input: &EvalInput<'_>,
    answers: &[Answer<'_>],
    scores: Scores,
    overall: f64,
    obs: &[Observation],
) -> Assessment {
    let longest = answers
        .iter()
        .enumerate()
        .max_by_key(|(i, a)| (a.words, usize::MAX - i))
        .map(|(i, _)| i)
        .unwrap_or(0);
    let mut evidence = Vec::new();
    for d in Dimension::ALL {
        let (q, n) = match best_observation(obs, d, scores.get(d)) {
            Some(o) => (quote(answers, o), note(o.note)),
            None => (
                text::opening_words(answers[longest].text, 14),
                note("neutral"),
            ),
        };
        let q = if q.is_empty() {
            answers[longest].text.trim().to_string()
        } else {
            q
        };
        evidence.push(Evidence {
            dimension: d,
            quote: q,
            note: n,
        });
    }
    let ev = |d: Dimension| &evidence[d.index()];
    let weakest_negative = |d: Dimension| {
        obs.iter()
            .filter(|o| o.dimension == d && !o.good)
            .max_by(|a, b| a.strength.total_cmp(&b.strength))
            .map(|o| quote(answers, o))
    };

    let ascending = scores.ascending();
    let (worst, worst_score) = ascending[0];
    let (best, best_score) = ascending[5];
    let words: usize = answers.iter().map(|a| a.words).sum();
    let level = match overall {
        x if x >= 8.0 => "A strong",
        x if x >= 6.5 => "A solid",
        x if x >= 5.0 => "A mixed",
        _ => "A shaky",
    };
    let summary = format!(
        "{level} {kind} session: {n} answer{s}, {avg} words on average, overall {overall:.1}/10. \
         Strongest was {best} ({best_score:.1}): \"{bq}\" — {bn}. Weakest was {worst} ({worst_score:.1}): \
         \"{wq}\" — {wn}.",
        kind = input.preparation_type,
        n = answers.len(),
        s = if answers.len() == 1 { "" } else { "s" },
        avg = words / answers.len(),
        best = best.label().to_lowercase(),
        bq = ev(best).quote,
        bn = ev(best).note,
        worst = worst.label().to_lowercase(),
        wq = ev(worst).quote,
        wn = ev(worst).note,
    );

    let mut strengths: Vec<String> = ascending
        .iter()
        .rev()
        .filter(|(_, s)| *s >= 6.5)
        .take(3)
        .map(|&(d, s)| {
            format!(
                "{} ({s:.1}): {} — \"{}\"",
                d.label(),
                ev(d).note,
                ev(d).quote
            )
        })
        .collect();
    if strengths.is_empty() {
        strengths.push(format!(
            "{} is your relative strength ({best_score:.1}): {} — \"{}\"",
            best.label(),
            ev(best).note,
            ev(best).quote
        ));
    }

    let mut improvement_areas: Vec<ImprovementArea> = ascending
        .iter()
        .filter(|(_, s)| *s < 7.0)
        .take(3)
        .map(|&(d, s)| area(d, s, weakest_negative(d).as_deref(), input.tone))
        .collect();
    if improvement_areas.is_empty() {
        improvement_areas.push(area(
            worst,
            worst_score,
            weakest_negative(worst).as_deref(),
            input.tone,
        ));
    }

    let mut practice_suggestions: Vec<String> = improvement_areas
        .iter()
        .filter_map(|a| {
            CONFIG
                .drills
                .get(&a.dimension)
                .and_then(|d| d.first())
                .cloned()
        })
        .collect();
    if practice_suggestions.len() < 2
        && let Some(second) = CONFIG
            .drills
            .get(&improvement_areas[0].dimension)
            .and_then(|d| d.get(1))
    {
        practice_suggestions.push(second.clone());
    }

    Assessment {
        universal_scores: scores,
        overall_score: overall,
        summary,
        strengths,
        improvement_areas,
        practice_suggestions,
        evidence,
        notice: None,
        evaluator: EvaluatorInfo {
            engine: "heuristic".into(),
            model: None,
        },
    }
}

/// An improvement area. The suggestion quotes the user's weakest moment on that dimension; with
/// nothing to quote, the sentence that would quote it is left out.
fn area(d: Dimension, score: f64, quote: Option<&str>, tone: Option<&str>) -> ImprovementArea {
    let template = CONFIG.suggestions.get(&d).cloned().unwrap_or_default();
    let suggestion = match quote {
        Some(q) => template.replace("{quote}", q),
        None => {
            let cut = template
                .find("{quote}")
                .and_then(|at| template[..at].rfind(". ").map(|dot| dot + 1))
                .unwrap_or(template.len());
            template[..cut].to_string()
        }
    };
    ImprovementArea {
        dimension: d,
        current_level: score,
        suggestion: suggestion.replace("{tone}", tone.unwrap_or("neutral")),
        priority: match score {
            x if x < 5.0 => Priority::High,
            x if x < 6.5 => Priority::Medium,
            _ => Priority::Low,
        },
    }
}
