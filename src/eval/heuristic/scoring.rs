//! Six scores per answer from its features, with the observations that back them.

use super::config::{CONFIG, L, scan};
use super::features::{Answer, Register, Sentence, counts, diversity, per100, repetition};
use crate::domain::Dimension;
use crate::text;

/// Something the evaluator noticed, with where to quote it from.
#[derive(Debug, Clone)]
pub(super) struct Observation {
    pub(super) dimension: Dimension,
    pub(super) good: bool,
    pub(super) strength: f64,
    pub(super) answer: usize,
    /// A phrase to quote around, or a whole sentence to quote from its start.
    pub(super) anchor: Anchor,
    pub(super) note: &'static str,
}

#[derive(Debug, Clone)]
pub(super) enum Anchor {
    Phrase(String),
    Sentence(String),
}

pub(super) struct Scored {
    pub(super) scores: [f64; 6],
    pub(super) weight: f64,
}

pub(super) fn score_answer(
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
