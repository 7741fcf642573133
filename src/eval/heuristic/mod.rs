//! The built-in judge: deterministic, offline, explainable. It reads each answer through the
//! answer analysis ([`crate::analysis`]: what is new beyond the question, how specific it is,
//! whether it addresses the question — by meaning when the sentence-embedding model is
//! installed), looks for the session type's rubric items, turns the features into six scores
//! with the fitted weights of `assets/eval/judge_weights.toml`, caps what no weight may lift
//! (another language, an echo, a copied answer), and backs every note with the user's own words.
//!
//! `config` holds the data, `features` measures an answer, `rubric` finds its items, `scoring`
//! weighs and caps, `report` writes the assessment and the per-answer results.

pub mod config;
pub mod features;
mod report;
pub mod rubric;
pub mod scoring;

use std::sync::Arc;

use super::{EvalError, EvalInput, Evaluator};
use crate::analysis::{self, AnswerAnalysis, Setting};
use crate::domain::{Assessment, PreparationType, Scores, round_score};
use crate::semantic::{Embedder, Embeddings, VectorCache};
use config::{WEIGHTS, WORDING, rubric_for};
use features::{Expect, Features, register};
use report::{Judged, Session};

/// The built-in judge. With an embedder it judges relevance by meaning; without one, by shared
/// words, and says so in the summary.
#[derive(Clone, Default)]
pub struct HeuristicEvaluator {
    embedder: Option<Arc<dyn Embedder>>,
    cache: Option<Arc<dyn VectorCache>>,
}

impl std::fmt::Debug for HeuristicEvaluator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HeuristicEvaluator")
            .field(
                "semantic",
                &self.embedder.as_ref().map(|e| e.id().to_string()),
            )
            .finish()
    }
}

impl HeuristicEvaluator {
    /// The judge on lexical features only, as a constant (for statics).
    pub const LEXICAL: HeuristicEvaluator = HeuristicEvaluator {
        embedder: None,
        cache: None,
    };

    /// The judge on lexical features only.
    pub fn lexical() -> Self {
        Self::default()
    }

    /// The judge with the sentence-embedding model, and where its vectors are kept.
    pub fn semantic(embedder: Arc<dyn Embedder>, cache: Option<Arc<dyn VectorCache>>) -> Self {
        HeuristicEvaluator {
            embedder: Some(embedder),
            cache,
        }
    }

    pub fn is_semantic(&self) -> bool {
        self.embedder.is_some()
    }
}

impl Evaluator for HeuristicEvaluator {
    fn evaluate(&self, input: &EvalInput<'_>) -> Result<Assessment, EvalError> {
        match &self.embedder {
            Some(e) => {
                let emb = Embeddings::new(e.as_ref(), self.cache.as_deref());
                evaluate_with(input, Some(&emb))
            }
            None => evaluate_with(input, None),
        }
    }
}

/// Scores a transcript on lexical features (no model).
pub fn evaluate(input: &EvalInput<'_>) -> Result<Assessment, EvalError> {
    evaluate_with(input, None)
}

/// One answer's features and scores, for the fitting script and the coach.
pub struct AnswerScores {
    pub analysis: AnswerAnalysis,
    pub features: Features,
    pub scores: [f64; 6],
    pub overall: f64,
}

/// The analysis, features and scores of every answer of a transcript.
pub fn score_answers(input: &EvalInput<'_>, emb: Option<&Embeddings<'_>>) -> Vec<AnswerScores> {
    let (analyses, judged) = judge(input, emb);
    analyses
        .into_iter()
        .zip(judged)
        .map(
            |(analysis, (features, scores, overall, _, _))| AnswerScores {
                analysis,
                features,
                scores,
                overall,
            },
        )
        .collect()
}

type OneJudged = (Features, [f64; 6], f64, Vec<scoring::Flag>, rubric::Found);

fn judge(
    input: &EvalInput<'_>,
    emb: Option<&Embeddings<'_>>,
) -> (Vec<AnswerAnalysis>, Vec<OneJudged>) {
    let setting = Setting {
        kind: input.preparation_type,
        subtype: input.meeting_subtype,
        agenda: input.agenda,
        role_context: input.role_context,
    };
    let analyses = analysis::analyze(&setting, input.transcript, emb);
    let rubric = rubric_for(input.preparation_type, input.meeting_subtype);
    let examples = match (emb, rubric) {
        (Some(e), Some(r)) if analyses.iter().any(|a| a.semantic) => example_vectors(e, r),
        _ => None,
    };
    let expect = Expect {
        register: register(input.tone),
        asking: rubric.is_some_and(|r| r.asking),
    };
    let dense = WEIGHTS.dense();
    let judged = analyses
        .iter()
        .map(|a| {
            let found = rubric
                .map(|r| rubric::find(r, a, examples.as_ref()))
                .unwrap_or_default();
            let f = features::features(a, &found, &expect);
            let mut scores = scoring::linear(&f, &dense);
            let flags = scoring::limits(a, &f, &mut scores);
            let overall = overall_raw(input.preparation_type, scores);
            (f, scores, overall, flags, found)
        })
        .collect();
    (analyses, judged)
}

fn example_vectors(e: &Embeddings<'_>, r: &config::Rubric) -> Option<rubric::Examples> {
    let texts: Vec<&str> = r
        .items
        .iter()
        .flat_map(|i| i.examples.iter().map(String::as_str))
        .collect();
    if texts.is_empty() {
        return None;
    }
    let vs = e.get(&texts).ok()?;
    let mut it = vs.into_iter();
    Some(
        r.items
            .iter()
            .map(|i| it.by_ref().take(i.examples.len()).collect())
            .collect(),
    )
}

/// Scores a transcript, by meaning when `emb` is given.
pub fn evaluate_with(
    input: &EvalInput<'_>,
    emb: Option<&Embeddings<'_>>,
) -> Result<Assessment, EvalError> {
    let (analyses, judged) = judge(input, emb);
    if analyses.is_empty() {
        return Err(EvalError::NoUserTurns);
    }
    let j: Vec<Judged<'_>> = analyses
        .iter()
        .zip(judged)
        .map(|(a, (f, scores, overall, flags, found))| Judged {
            a,
            f,
            scores,
            overall,
            flags,
            found,
        })
        .collect();
    // Every answer counts the same: a one-line answer to a question is as much a part of the
    // session as a long one.
    let mut avg = [0.0; 6];
    for x in &j {
        for (k, v) in x.scores.iter().enumerate() {
            avg[k] += v / j.len() as f64;
        }
    }
    let scores = Scores::from_array(avg).rounded();
    let overall = overall_of(input.preparation_type, avg);
    let semantic = analyses.iter().any(|a| a.semantic);
    let session = Session {
        kind: input.preparation_type,
        tone: input.tone,
        register: register(input.tone),
        rubric: rubric_for(input.preparation_type, input.meeting_subtype),
        semantic,
        model: semantic
            .then(|| emb.map(|e| e.model_id().to_string()))
            .flatten(),
    };
    Ok(report::report(&j, scores, overall, &session))
}

/// The type's weights, with language and tone counting less when there is little content: a
/// polished, polite answer that says nothing is not half good.
pub fn overall_weights(kind: PreparationType, scores: [f64; 6]) -> [f64; 6] {
    let mut weights = WORDING.overall.get(&kind).copied().unwrap_or([1.0; 6]);
    let content = (scores[0] + scores[1] + scores[5]) / 3.0;
    let k = (content / 6.0).clamp(0.3, 1.0);
    weights[3] *= k;
    weights[4] *= k;
    weights
}

fn overall_raw(kind: PreparationType, scores: [f64; 6]) -> f64 {
    let weights = overall_weights(kind, scores);
    scores.iter().zip(weights).map(|(s, w)| s * w).sum::<f64>() / weights.iter().sum::<f64>()
}

/// The overall score: the dimensions weighted for the preparation type (judge.toml), so every
/// judge weighs them the same way.
pub fn overall_of(kind: PreparationType, scores: [f64; 6]) -> f64 {
    round_score(overall_raw(kind, scores))
}
