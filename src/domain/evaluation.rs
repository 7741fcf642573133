//! Evaluation types of the contract: six dimensions, scores 0.0..=10.0 with one decimal.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{PreparationType, UnknownValue};

named_enum! {
    /// The six dimensions every evaluation scores.
    pub enum Dimension {
        ClarityStructure => "clarity_structure",
        RelevanceFocus => "relevance_focus",
        ConfidenceDelivery => "confidence_delivery",
        LanguageQuality => "language_quality",
        ToneAlignment => "tone_alignment",
        Engagement => "engagement",
    }
}

impl Dimension {
    /// How people say it: "Clarity & structure".
    pub fn label(self) -> &'static str {
        match self {
            Self::ClarityStructure => "Clarity & structure",
            Self::RelevanceFocus => "Relevance & focus",
            Self::ConfidenceDelivery => "Confidence & delivery",
            Self::LanguageQuality => "Language quality",
            Self::ToneAlignment => "Tone alignment",
            Self::Engagement => "Engagement",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// The short name `--dimension` also accepts: "clarity", "relevance", "engagement".
    pub fn short(self) -> &'static str {
        self.as_str().split('_').next().unwrap_or(self.as_str())
    }
}

/// A session's subtype as people read it in lists: a drill's internal name
/// (`drill-clarity_structure`) reads "drill · clarity"; any other subtype as the user gave it.
pub fn subtype_label(subtype: Option<&str>) -> String {
    match subtype {
        Some(s) => match s
            .strip_prefix("drill-")
            .and_then(|d| d.parse::<Dimension>().ok())
        {
            Some(d) => format!("drill · {}", d.short()),
            None => s.to_string(),
        },
        None => String::new(),
    }
}

impl FromStr for Dimension {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace('-', "_");
        Self::ALL
            .into_iter()
            .find(|d| d.as_str() == wanted || d.as_str().split('_').next() == Some(&wanted))
            .ok_or_else(|| UnknownValue {
                what: "dimension",
                given: s.to_string(),
                valid: Self::ALL.map(|d| d.as_str()).join(", "),
            })
    }
}

/// Rounds a score to the contract's one decimal, within 0..=10.
pub fn round_score(x: f64) -> f64 {
    if x.is_nan() {
        return 0.0;
    }
    (x.clamp(0.0, 10.0) * 10.0).round() / 10.0
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Scores {
    pub clarity_structure: f64,
    pub relevance_focus: f64,
    pub confidence_delivery: f64,
    pub language_quality: f64,
    pub tone_alignment: f64,
    pub engagement: f64,
}

impl Scores {
    pub fn from_array(a: [f64; 6]) -> Scores {
        Scores {
            clarity_structure: a[0],
            relevance_focus: a[1],
            confidence_delivery: a[2],
            language_quality: a[3],
            tone_alignment: a[4],
            engagement: a[5],
        }
    }

    pub fn to_array(&self) -> [f64; 6] {
        [
            self.clarity_structure,
            self.relevance_focus,
            self.confidence_delivery,
            self.language_quality,
            self.tone_alignment,
            self.engagement,
        ]
    }

    pub fn get(&self, d: Dimension) -> f64 {
        self.to_array()[d.index()]
    }

    /// Every score rounded to one decimal within 0..=10.
    pub fn rounded(&self) -> Scores {
        Scores::from_array(self.to_array().map(round_score))
    }

    /// Dimensions from the lowest score to the highest; ties in the contract's order.
    pub fn ascending(&self) -> Vec<(Dimension, f64)> {
        let mut v: Vec<(Dimension, f64)> =
            Dimension::ALL.iter().map(|&d| (d, self.get(d))).collect();
        v.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        v
    }
}

named_enum! {
    /// How urgent an improvement area is.
    pub enum Priority {
        High => "high",
        Medium => "medium",
        Low => "low",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImprovementArea {
    pub dimension: Dimension,
    pub current_level: f64,
    pub suggestion: String,
    pub priority: Priority,
}

/// A quote from the user's own words and what it shows about a dimension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub dimension: Dimension,
    pub quote: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluatorInfo {
    /// "heuristic" or "llm".
    pub engine: String,
    #[schema(required = true)]
    pub model: Option<String>,
}

/// How one answer did: the question, the answer's own scores, the rubric items it holds and
/// misses, and one suggestion quoting it. An addition to the contract's evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerResult {
    /// Which question of the session, from 1.
    pub number: u32,
    pub question: String,
    pub answer: String,
    pub scores: Scores,
    pub overall: f64,
    /// How squarely it addresses the question, 0.0..=1.0 (its relevance score over 10).
    pub relevance: f64,
    pub rubric_found: Vec<String>,
    pub rubric_missing: Vec<String>,
    /// What held the scores down: "off topic", "repeats answer 2", "written in Spanish"…
    pub flags: Vec<String>,
    #[schema(required = true)]
    pub suggestion: Option<String>,
}

/// A retake: a new answer to one question of a completed session, judged in the session's
/// context as if it had been given there. The session's transcript and evaluation stay as they
/// were.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    pub attempt_id: Uuid,
    pub session_id: Uuid,
    pub user_id: Uuid,
    /// Which question of the session, from 1.
    pub number: u32,
    pub answer: String,
    pub result: AnswerResult,
    pub created_at: DateTime<Utc>,
}

/// What an evaluator concludes about a transcript, before it is tied to a stored session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub universal_scores: Scores,
    pub overall_score: f64,
    pub summary: String,
    pub strengths: Vec<String>,
    pub improvement_areas: Vec<ImprovementArea>,
    pub practice_suggestions: Vec<String>,
    pub evidence: Vec<Evidence>,
    pub evaluator: EvaluatorInfo,
    /// Each answer on its own, in the order asked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answers: Vec<AnswerResult>,
    /// Something the user should be told about how this came about (e.g. the LLM judge fell
    /// back to the heuristic one). Shown, never stored.
    #[serde(skip)]
    pub notice: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Evaluation {
    pub evaluation_id: Uuid,
    pub session_id: Uuid,
    pub user_id: Uuid,
    pub preparation_type: PreparationType,
    pub universal_scores: Scores,
    pub overall_score: f64,
    pub summary: String,
    pub strengths: Vec<String>,
    pub improvement_areas: Vec<ImprovementArea>,
    pub practice_suggestions: Vec<String>,
    pub evidence: Vec<Evidence>,
    pub evaluator: EvaluatorInfo,
    pub created_at: DateTime<Utc>,
    /// Each answer on its own (an addition to the contract; absent from older evaluations).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answers: Vec<AnswerResult>,
}

impl Evaluation {
    pub fn new(
        session_id: Uuid,
        user_id: Uuid,
        preparation_type: PreparationType,
        a: Assessment,
    ) -> Evaluation {
        Evaluation {
            evaluation_id: Uuid::now_v7(),
            session_id,
            user_id,
            preparation_type,
            universal_scores: a.universal_scores,
            overall_score: a.overall_score,
            summary: a.summary,
            strengths: a.strengths,
            improvement_areas: a.improvement_areas,
            practice_suggestions: a.practice_suggestions,
            evidence: a.evidence,
            evaluator: a.evaluator,
            created_at: super::now(),
            answers: a.answers,
        }
    }
}

#[cfg(test)]
mod subtype_label_tests {
    use super::*;

    #[test]
    fn drills_read_as_drills() {
        assert_eq!(
            subtype_label(Some("drill-clarity_structure")),
            "drill · clarity"
        );
        assert_eq!(
            subtype_label(Some("drill-engagement")),
            "drill · engagement"
        );
        assert_eq!(subtype_label(Some("behavioral")), "behavioral");
        assert_eq!(subtype_label(Some("drill-nonsense")), "drill-nonsense");
        assert_eq!(subtype_label(None), "");
    }
}
