//! The progress use cases: trends over a window, the current improvements, and drills (sessions
//! aimed at one dimension, usually the weakest). The store aggregates, `analytics` computes, and
//! drill sessions are created through [`Practice::create`] like any other session.

use chrono::Duration;

use super::Practice;
use crate::analytics::{self, DrillStart, Improvements, ProgressPoint, Trends};
use crate::coach::bank;
use crate::domain::{self, Dimension, PreparationType, Session, SessionSetup, round_score};
use crate::error::{Error, Result};
use crate::store::{AnalyticsFilter, ScorePoint};

fn progress_point(p: ScorePoint) -> ProgressPoint {
    ProgressPoint {
        session_id: p.session_id,
        evaluated_at: p.evaluated_at,
        overall_score: p.overall_score,
        scores: p.scores,
    }
}

/// Which evaluations trends look at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TrendsQuery {
    /// Sessions started in the last N days, and their evaluations; `None` for all time.
    pub days: Option<u32>,
    pub preparation_type: Option<PreparationType>,
}

/// How many of the latest evaluations decide which dimension is the weakest.
pub const WEAKEST_OVER: usize = 10;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DrillRequest {
    /// The dimension to drill; the weakest one when not given.
    pub dimension: Option<Dimension>,
    /// The kind of meeting to drill in; the latest evaluation's type when not given.
    pub preparation_type: Option<PreparationType>,
}

/// Why a drill drills what it does.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DrillReason {
    /// The user named the dimension.
    Named,
    /// The lowest average over the latest `evaluations` evaluations.
    Weakest { average: f64, evaluations: usize },
}

#[derive(Debug, Clone, PartialEq)]
pub struct DrillStarted {
    pub session: Session,
    pub dimension: Dimension,
    pub reason: DrillReason,
}

impl Practice<'_> {
    /// The contract's Trends for the user's evaluations in the query's window.
    pub fn trends(&self, q: &TrendsQuery) -> Result<Trends> {
        let user = self.user.user_id;
        let filter = AnalyticsFilter {
            since: q.days.map(|d| domain::now() - Duration::days(i64::from(d))),
            preparation_type: q.preparation_type,
        };
        let total = self.store.count_sessions(user, &filter)?;
        // Sized up front: the window usually holds about as many evaluations as sessions.
        let mut points = Vec::with_capacity(total);
        let mut practised_at = Vec::with_capacity(total);
        // Recurring weaknesses are counted in the same pass as the scores are read.
        let mut weak = [0usize; 6];
        self.store.each_score_point(user, &filter, &mut |p| {
            for (n, w) in weak.iter_mut().zip(p.weak) {
                *n += usize::from(w);
            }
            practised_at.push(p.practised_at);
            points.push(progress_point(p));
        })?;
        let counts: Vec<(Dimension, usize)> = Dimension::ALL.into_iter().zip(weak).collect();
        let drills = self.drill_starts()?;
        Ok(analytics::trends(
            total,
            points,
            &practised_at,
            &counts,
            &drills,
        ))
    }

    /// The first drill of each dimension and how many there were (any type, any status).
    fn drill_starts(&self) -> Result<Vec<DrillStart>> {
        let mut starts: Vec<DrillStart> = Vec::new();
        for row in self.store.drill_rows(self.user.user_id)? {
            // A subtype that only looks like a drill (an import, an older spelling) is skipped.
            let Ok(Some(dimension)) = bank::drilled_dimension(&row.meeting_subtype) else {
                continue;
            };
            match starts.iter_mut().find(|s| s.dimension == dimension) {
                Some(s) => {
                    s.sessions += row.sessions;
                    s.first_at = s.first_at.min(row.first_at);
                }
                None => starts.push(DrillStart {
                    dimension,
                    sessions: row.sessions,
                    first_at: row.first_at,
                }),
            }
        }
        Ok(starts)
    }

    /// The current recommendations: recurring weaknesses over all of the user's evaluations,
    /// merged with the latest evaluation's improvement areas.
    pub fn improvements(&self) -> Result<Improvements> {
        let user = self.user.user_id;
        let counts = self
            .store
            .weakness_counts(user, &AnalyticsFilter::default())?;
        let latest = self.store.latest_evaluation(user)?;
        Ok(analytics::improvements(&counts, latest.as_ref(), |d| {
            bank::drill(d).suggestion.clone()
        }))
    }

    /// The dimension with the lowest average over the latest [`WEAKEST_OVER`] evaluations (of
    /// `preparation_type` when there are some, otherwise of any type), with that average and how
    /// many evaluations it covers. `None` without evaluations.
    pub fn weakest_dimension(
        &self,
        preparation_type: Option<PreparationType>,
    ) -> Result<Option<(Dimension, f64, usize)>> {
        let user = self.user.user_id;
        let mut recent = self
            .store
            .latest_score_points(user, preparation_type, WEAKEST_OVER)?;
        if recent.is_empty() && preparation_type.is_some() {
            recent = self.store.latest_score_points(user, None, WEAKEST_OVER)?;
        }
        let recent: Vec<ProgressPoint> = recent.into_iter().map(progress_point).collect();
        Ok(analytics::mean_scores(&recent).map(|avg| {
            let d = analytics::weakest(&avg);
            (d, round_score(avg.get(d)), recent.len())
        }))
    }

    /// Starts a drill session: subtype `drill-<dimension>`, the drill's agenda, and the coach
    /// asking the drill's questions.
    pub fn drill(&self, req: &DrillRequest) -> Result<DrillStarted> {
        let (dimension, reason) = match req.dimension {
            Some(d) => (d, DrillReason::Named),
            None => {
                let (d, average, evaluations) = self
                    .weakest_dimension(req.preparation_type)?
                    .ok_or_else(|| {
                        Error::Input(
                            "no evaluated sessions yet, so there is no weakest dimension to drill — name one with `prapp drill --dimension engagement`, or evaluate a session first with `prapp session evaluate <id>`"
                                .into(),
                        )
                    })?;
                (
                    d,
                    DrillReason::Weakest {
                        average,
                        evaluations,
                    },
                )
            }
        };
        let preparation_type = match req.preparation_type {
            Some(t) => t,
            None => self
                .store
                .latest_evaluated_type(self.user.user_id)?
                .unwrap_or(PreparationType::Interview),
        };
        let drill = bank::drill(dimension);
        let session = self.create(&SessionSetup {
            preparation_type: Some(preparation_type),
            meeting_subtype: Some(drill.subtype.name.clone()),
            agenda: Some(drill.agenda.clone()),
            tone: None,
            role_context: None,
        })?;
        Ok(DrillStarted {
            session,
            dimension,
            reason,
        })
    }
}
