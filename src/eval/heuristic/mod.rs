//! The built-in evaluator: deterministic, offline, explainable. It measures features of the
//! user's answers (signposts, hedges, overlap with the question, vocabulary, register…), turns them
//! into six scores with the weights in `assets/eval/heuristic.toml`, and backs every score with a
//! quote from the user's own words.
//!
//! `config` holds the lists and weights, `features` measures an answer, `scoring` turns the
//! measures into six scores with the observations behind them, `report` writes the assessment.

mod config;
mod features;
mod report;
mod scoring;

use super::{EvalError, EvalInput, Evaluator};
use crate::domain::{Assessment, PreparationType, Role, Scores, round_score};
use crate::text;
use config::CONFIG;
use features::{Answer, register};
use report::report;
use scoring::{Scored, score_answer};

#[derive(Debug, Default, Clone, Copy)]
pub struct HeuristicEvaluator;

impl Evaluator for HeuristicEvaluator {
    fn evaluate(&self, input: &EvalInput<'_>) -> Result<Assessment, EvalError> {
        evaluate(input)
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
