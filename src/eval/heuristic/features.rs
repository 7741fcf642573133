//! What is measured in an answer: sentences, counts per list, diversity, repetition, and the
//! register a tone asks for.

use std::collections::HashMap;

use super::config::{L, Scan, scan};
use crate::text;

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
pub(super) struct Sentence<'a> {
    pub(super) text: &'a str,
    pub(super) words: usize,
    pub(super) question: bool,
}

pub(super) fn split_sentences(text: &str) -> Vec<Sentence<'_>> {
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

pub(super) fn push_sentence<'a>(out: &mut Vec<Sentence<'a>>, s: &'a str, question: bool) {
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

pub(super) const QUESTION_STARTS: &[&str] = &[
    "what", "how", "why", "when", "where", "who", "which", "would", "could", "can", "do", "does",
    "did", "is", "are", "should", "shall", "will", "have", "has", "may", "might",
];

pub(super) struct Answer<'a> {
    pub(super) text: &'a str,
    pub(super) all_words: Vec<String>,
    pub(super) scan: Scan,
    pub(super) sentences: Vec<Sentence<'a>>,
    pub(super) words: usize,
    pub(super) question: &'a str,
}

impl<'a> Answer<'a> {
    pub(super) fn new(text: &'a str, question: &'a str) -> Self {
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
pub(super) struct Counts {
    pub(super) structure_distinct: usize,
    pub(super) structure_first: Option<String>,
    pub(super) rambling: usize,
    pub(super) hedges: usize,
    pub(super) fillers: usize,
    pub(super) apologies: usize,
    pub(super) owned: usize,
    pub(super) slang: usize,
    pub(super) polite: usize,
    pub(super) formal: usize,
    pub(super) warm: usize,
    pub(super) stiff: usize,
    pub(super) assertive: usize,
    pub(super) timid: usize,
    pub(super) persuasive: usize,
    pub(super) flat: usize,
    pub(super) supportive: usize,
    pub(super) harsh: usize,
    pub(super) counterpart: usize,
    pub(super) situation: bool,
    pub(super) result: bool,
    pub(super) numbers: usize,
    pub(super) contractions: usize,
    pub(super) shouting: usize,
    pub(super) exclamations: usize,
    pub(super) questions_back: usize,
    pub(super) uptalk: usize,
    pub(super) ands: usize,
}

pub(super) fn counts(a: &Answer<'_>) -> Counts {
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
pub(super) fn like_fillers(raw: &str) -> usize {
    let lower = raw.to_lowercase();
    lower.matches(", like,").count()
        + lower.matches(", like ").count()
        + lower.matches("like, ").count()
}

/// Moving-average type/token ratio over a 30-word window: vocabulary variety that does not fall
/// just because an answer is long.
pub(super) fn diversity(words: &[String]) -> f64 {
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
pub(super) fn repetition(words: &[String]) -> (f64, Option<String>) {
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

pub(super) fn per100(count: usize, words: usize) -> f64 {
    if words == 0 {
        0.0
    } else {
        count as f64 * 100.0 / words as f64
    }
}
