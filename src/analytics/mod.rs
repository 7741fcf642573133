//! Progress from stored evaluations: the contract's `Trends` and the improvements answer, and the
//! statistics behind them (means, the least-squares improvement velocity, the recent trend,
//! recurring weaknesses, whether drills help).
//!
//! Pure functions over numbers the store has already aggregated or projected: no I/O, no SQL, no
//! terminal. `practice` feeds them from `store`; the faces render what they return. Knows
//! `domain` only.

mod stats;

pub use stats::*;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::{Dimension, Priority, Scores};

/// The contract's `Trends`, plus `drill_effects` (an extension; the contract's fields are exact).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Trends {
    /// Sessions started in the window (any status).
    pub total_sessions: usize,
    /// Evaluations made in the window.
    pub evaluated_sessions: usize,
    /// Mean of each dimension over the window's evaluations, one decimal.
    #[schema(required = true)]
    pub average_scores: Option<Scores>,
    /// Mean overall score, two decimals.
    #[schema(required = true)]
    pub overall_average: Option<f64>,
    /// Overall-score points gained per evaluated session: the least-squares slope of the overall
    /// score against the evaluation's position in time, three decimals. Needs two evaluations.
    #[schema(required = true)]
    pub improvement_velocity: Option<f64>,
    pub recurring_weaknesses: Vec<Weakness>,
    /// One point per evaluated session, in the order the sessions were practised.
    pub score_progression: Vec<ProgressPoint>,
    pub recent_trend: RecentTrend,
    /// For each drilled dimension: its mean score before the first drill and after.
    pub drill_effects: Vec<DrillEffect>,
}

/// A dimension that evaluations keep naming as an improvement area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Weakness {
    pub dimension: Dimension,
    /// Evaluations that named it.
    pub occurrences: usize,
    /// `occurrences` over the evaluated sessions: 0.0..=1.0, two decimals.
    pub share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProgressPoint {
    pub session_id: Uuid,
    pub evaluated_at: DateTime<Utc>,
    pub overall_score: f64,
    pub scores: Scores,
}

/// The last [`RECENT_WINDOW`] evaluations against the ones before them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecentTrend {
    Improving,
    Declining,
    Stable,
    InsufficientData,
}

impl RecentTrend {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Improving => "improving",
            Self::Declining => "declining",
            Self::Stable => "stable",
            Self::InsufficientData => "insufficient_data",
        }
    }
}

impl std::fmt::Display for RecentTrend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// When the user first drilled a dimension, and how often they did: what [`drill_effects`] needs.
#[derive(Debug, Clone, PartialEq)]
pub struct DrillStart {
    pub dimension: Dimension,
    pub sessions: usize,
    pub first_at: DateTime<Utc>,
}

/// Whether drilling a dimension helped: its mean score in the evaluations of sessions practised
/// before the first drill session against those of the sessions from then on (the drills too).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DrillEffect {
    pub dimension: Dimension,
    pub drill_sessions: usize,
    pub first_drill_at: DateTime<Utc>,
    pub evaluations_before: usize,
    /// Two decimals; null without evaluations before the first drill.
    #[schema(required = true)]
    pub mean_before: Option<f64>,
    pub evaluations_after: usize,
    #[schema(required = true)]
    pub mean_after: Option<f64>,
    /// `mean_after - mean_before`, two decimals, when both exist.
    #[schema(required = true)]
    pub change: Option<f64>,
}

/// The contract's answer to `/analytics/improvements`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Improvements {
    pub improvements: Vec<Improvement>,
    pub practice_suggestions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Improvement {
    pub dimension: Dimension,
    pub priority: Priority,
    pub suggestion: String,
    /// Evaluations (all of the user's) that named this dimension as an improvement area.
    pub occurrences: usize,
    /// The dimension's score in the latest evaluation.
    pub latest_score: f64,
}
