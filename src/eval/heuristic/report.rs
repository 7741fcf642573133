//! The assessment from the scores and observations: summary, strengths, improvement areas,
//! drills and quoted evidence.

use super::config::{CONFIG, note};
use super::features::Answer;
use super::scoring::{Anchor, Observation};
use crate::domain::{
    Assessment, Dimension, EvaluatorInfo, Evidence, ImprovementArea, Priority, Scores,
};
use crate::eval::EvalInput;
use crate::text;

/// The words to quote for an observation, kept within one sentence of the answer.
pub(super) fn quote(answers: &[Answer<'_>], o: &Observation) -> String {
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
pub(super) fn best_observation(
    obs: &[Observation],
    d: Dimension,
    score: f64,
) -> Option<&Observation> {
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

pub(super) fn report(
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
pub(super) fn area(
    d: Dimension,
    score: f64,
    quote: Option<&str>,
    tone: Option<&str>,
) -> ImprovementArea {
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
