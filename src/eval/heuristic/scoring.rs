//! Six scores per answer: the fitted weights over the features, then the limits no weight can
//! lift — an answer in another language, placeholder text, a copy of an earlier answer, an echo
//! of the question, or nothing said cannot score well however it is dressed up.

use super::features::{F, Features};
use crate::analysis::{AnswerAnalysis, Language};
use crate::domain::Dimension;

/// Why an answer's scores were capped: shown in its per-answer result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    Foreign,
    Placeholder,
    WordList,
    Repeats(usize),
    Echo,
    NoSubstance,
    OffTopic,
    Rude,
    Curt,
}

impl Flag {
    pub fn describe(self, language: Language) -> String {
        match self {
            Flag::Foreign => format!("written in {}", language.name()),
            Flag::Placeholder => "placeholder text".into(),
            Flag::WordList => "a list of words, not sentences".into(),
            Flag::Repeats(j) => format!("repeats answer {}", j + 1),
            Flag::Echo => "gives the question back".into(),
            Flag::NoSubstance => "says almost nothing beyond the question".into(),
            Flag::OffTopic => "off topic".into(),
            Flag::Rude => "rude or dismissive".into(),
            Flag::Curt => "too short".into(),
        }
    }
}

/// How far scores are spread around the middle of the scale: the weighted sums bunch between 3
/// and 8, and a session that is very poor or excellent should say so (≤ 4, ≥ 8).
pub const SPREAD: f64 = 1.3;
const MIDDLE: f64 = 5.5;

/// The weighted sum per dimension, spread around the middle, clamped to 0..=10.
pub fn linear(f: &Features, w: &[(f64, [f64; F::COUNT]); 6]) -> [f64; 6] {
    let mut out = [0.0; 6];
    for (d, (base, ws)) in w.iter().enumerate() {
        let s: f64 = base + ws.iter().zip(f.iter()).map(|(w, x)| w * x).sum::<f64>();
        out[d] = (MIDDLE + SPREAD * (s - MIDDLE)).clamp(0.0, 10.0);
    }
    out
}

/// The caps, and the flags that explain them.
pub fn limits(a: &AnswerAnalysis, f: &Features, scores: &mut [f64; 6]) -> Vec<Flag> {
    use Dimension::*;
    let mut flags = Vec::new();
    let cap = |scores: &mut [f64; 6], d: Dimension, max: f64| {
        let i = d.index();
        scores[i] = scores[i].min(max);
    };
    match a.language {
        Language::Other(_) => {
            flags.push(Flag::Foreign);
            cap(scores, LanguageQuality, 1.5);
            for d in [ClarityStructure, RelevanceFocus, Engagement] {
                cap(scores, d, 2.5);
            }
            cap(scores, ConfidenceDelivery, 3.0);
            cap(scores, ToneAlignment, 4.0);
        }
        Language::Lorem | Language::WordList => {
            flags.push(if a.language == Language::Lorem {
                Flag::Placeholder
            } else {
                Flag::WordList
            });
            for d in Dimension::ALL {
                cap(scores, d, 1.5);
            }
        }
        Language::English | Language::Unknown => {}
    }
    if let Some((j, _)) = a.repeats {
        flags.push(Flag::Repeats(j));
        cap(scores, RelevanceFocus, 2.5);
        cap(scores, Engagement, 3.0);
        cap(scores, ClarityStructure, 4.0);
        cap(scores, ConfidenceDelivery, 5.0);
    }
    if a.words >= 6 && a.echo_share >= 0.6 {
        flags.push(Flag::Echo);
        cap(scores, RelevanceFocus, 2.0);
        cap(scores, Engagement, 3.5);
        cap(scores, ClarityStructure, 4.0);
        cap(scores, ConfidenceDelivery, 5.0);
    } else if a.words >= 6 && a.informative < 4 && !a.is_question_only() {
        flags.push(Flag::NoSubstance);
        cap(scores, RelevanceFocus, 3.0);
        cap(scores, Engagement, 4.0);
        cap(scores, ClarityStructure, 4.5);
    }
    if f[F::OffTopic as usize] >= 0.6 && a.language.is_english() {
        flags.push(Flag::OffTopic);
        cap(scores, RelevanceFocus, 3.0);
        cap(scores, Engagement, 4.5);
    }
    if f[F::Rude as usize] > 0.0 {
        flags.push(Flag::Rude);
        cap(scores, ToneAlignment, 3.5);
        cap(scores, Engagement, 5.0);
    }
    if a.words < 8 {
        flags.push(Flag::Curt);
        for d in Dimension::ALL {
            cap(scores, d, 3.5);
        }
    }
    flags
}
