//! The statistics: plain functions of numbers, tested against values worked out by hand.

use super::*;
use crate::domain::{Evaluation, round_score};

/// How many of the latest evaluations the recent trend looks at, and how many before them.
pub const RECENT_WINDOW: usize = 3;
/// Fewer evaluations than this and the recent trend is `insufficient_data`: with 4 there are the
/// last 3 and at least one before them to compare against.
pub const MIN_FOR_TREND: usize = RECENT_WINDOW + 1;
/// How far (in overall-score points, on 0–10) the mean of the last 3 evaluations must move from
/// the mean of the 3 before for the trend to count as improving or declining. A change of exactly
/// this much counts. 0.3 is above the wobble of one re-phrased answer (the evaluator's scores move
/// in tenths) and below a change a person would notice across three sessions.
pub const TREND_THRESHOLD: f64 = 0.3;

/// Rounding to `decimals`, for numbers the contract shows (no float noise like 6.300000001).
/// `x` to `digits` significant digits: a slope of 0.00012 points per session stays 0.00012
/// (three decimals would make it 0, though a chart of 10,000 sessions rises by a point).
pub fn round_significant(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let magnitude = x.abs().log10().floor() as i32;
    round_to(x, (digits - 1 - magnitude).max(0))
}

pub fn round_to(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}

pub fn mean(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values
        .into_iter()
        .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

/// The mean of each dimension, unrounded.
pub fn mean_scores(points: &[ProgressPoint]) -> Option<Scores> {
    if points.is_empty() {
        return None;
    }
    let mut sums = [0.0; 6];
    for p in points {
        for (s, v) in sums.iter_mut().zip(p.scores.to_array()) {
            *s += v;
        }
    }
    Some(Scores::from_array(sums.map(|s| s / points.len() as f64)))
}

/// The least-squares slope of `values` against their position (0, 1, 2, …): how much each step
/// adds on average. `None` below two values.
pub fn slope(values: &[f64]) -> Option<f64> {
    let n = values.len();
    if n < 2 {
        return None;
    }
    let x_mean = (n - 1) as f64 / 2.0;
    let y_mean = mean(values.iter().copied())?;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (i, y) in values.iter().enumerate() {
        let dx = i as f64 - x_mean;
        sxy += dx * (y - y_mean);
        sxx += dx * dx;
    }
    Some(sxy / sxx)
}

/// The mean of the last [`RECENT_WINDOW`] values minus the mean of the (up to) 3 before them;
/// `None` below [`MIN_FOR_TREND`] values.
pub fn recent_change(values: &[f64]) -> Option<f64> {
    if values.len() < MIN_FOR_TREND {
        return None;
    }
    let split = values.len() - RECENT_WINDOW;
    let last = mean(values[split..].iter().copied())?;
    let before = mean(
        values[split.saturating_sub(RECENT_WINDOW)..split]
            .iter()
            .copied(),
    )?;
    Some(last - before)
}

pub fn recent_trend(values: &[f64]) -> RecentTrend {
    // The tolerance keeps a change of exactly 0.3 (e.g. 6.4 - 6.1 = 0.29999…) on the line.
    const EPS: f64 = 1e-9;
    match recent_change(values) {
        None => RecentTrend::InsufficientData,
        Some(c) if c >= TREND_THRESHOLD - EPS => RecentTrend::Improving,
        Some(c) if c <= -TREND_THRESHOLD + EPS => RecentTrend::Declining,
        Some(_) => RecentTrend::Stable,
    }
}

/// Dimensions named as improvement areas, most often first. Ties go to the dimension with the
/// lower average score (the weaker one), then to the contract's order of dimensions.
/// `counts` may hold zeros and any order; `evaluated` is the number of evaluations counted.
pub fn recurring_weaknesses(
    counts: &[(Dimension, usize)],
    evaluated: usize,
    averages: Option<&Scores>,
) -> Vec<Weakness> {
    let avg = |d: Dimension| averages.map_or(0.0, |a| a.get(d));
    let mut v: Vec<(Dimension, usize)> = counts.iter().copied().filter(|c| c.1 > 0).collect();
    v.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(avg(a.0).total_cmp(&avg(b.0)))
            .then(a.0.cmp(&b.0))
    });
    v.into_iter()
        .map(|(dimension, occurrences)| Weakness {
            dimension,
            occurrences,
            share: if evaluated == 0 {
                0.0
            } else {
                round_to((occurrences as f64 / evaluated as f64).min(1.0), 2)
            },
        })
        .collect()
}

/// For each drilled dimension (contract order): its mean score in the evaluations of sessions
/// practised before the first drill session, against those practised from then on.
/// `practised_at[i]` is when the session of `points[i]` started.
pub fn drill_effects(
    points: &[ProgressPoint],
    practised_at: &[DateTime<Utc>],
    drills: &[DrillStart],
) -> Vec<DrillEffect> {
    let mut drills: Vec<&DrillStart> = drills.iter().collect();
    drills.sort_by_key(|d| d.dimension);
    drills
        .into_iter()
        .map(|d| {
            let (mut before, mut after) = ((0.0, 0usize), (0.0, 0usize));
            for (p, at) in points.iter().zip(practised_at) {
                let side = if *at < d.first_at {
                    &mut before
                } else {
                    &mut after
                };
                side.0 += p.scores.get(d.dimension);
                side.1 += 1;
            }
            let m = |(sum, n): (f64, usize)| (n > 0).then(|| sum / n as f64);
            let (mb, ma) = (m(before), m(after));
            DrillEffect {
                dimension: d.dimension,
                drill_sessions: d.sessions,
                first_drill_at: d.first_at,
                evaluations_before: before.1,
                mean_before: mb.map(|x| round_to(x, 2)),
                evaluations_after: after.1,
                mean_after: ma.map(|x| round_to(x, 2)),
                change: mb.zip(ma).map(|(b, a)| round_to(a - b, 2)),
            }
        })
        .collect()
}

/// Everything `Trends` holds, from what the store read: the window's session count, its
/// evaluations in practice order with when each session started, how often each dimension was an
/// improvement area, and the drills.
pub fn trends(
    total_sessions: usize,
    points: Vec<ProgressPoint>,
    practised_at: &[DateTime<Utc>],
    weakness_counts: &[(Dimension, usize)],
    drills: &[DrillStart],
) -> Trends {
    let drill_effects = drill_effects(&points, practised_at, drills);
    let overall: Vec<f64> = points.iter().map(|p| p.overall_score).collect();
    let averages = mean_scores(&points);
    Trends {
        total_sessions,
        evaluated_sessions: points.len(),
        average_scores: averages.map(|a| a.rounded()),
        overall_average: mean(overall.iter().copied()).map(|x| round_to(x, 2)),
        improvement_velocity: slope(&overall).map(|x| round_significant(x, 3)),
        recurring_weaknesses: recurring_weaknesses(
            weakness_counts,
            points.len(),
            averages.as_ref(),
        ),
        recent_trend: recent_trend(&overall),
        drill_effects,
        score_progression: points,
    }
}

/// One dimension's scores along the progression.
pub fn series(points: &[ProgressPoint], d: Dimension) -> Vec<f64> {
    points.iter().map(|p| p.scores.get(d)).collect()
}

/// `values` squeezed into at most `buckets` means of consecutive runs, for sparklines and charts
/// of thousands of evaluations. Fewer values than buckets come back as they are.
pub fn downsample(values: &[f64], buckets: usize) -> Vec<f64> {
    if buckets == 0 || values.len() <= buckets {
        return values.to_vec();
    }
    (0..buckets)
        .filter_map(|b| {
            let from = b * values.len() / buckets;
            let to = (b + 1) * values.len() / buckets;
            mean(values[from..to].iter().copied())
        })
        .collect()
}

/// The priority an evaluator gives a dimension at this score (the built-in evaluator's bands):
/// below 5 high, below 6.5 medium, otherwise low.
pub fn priority_for(score: f64) -> Priority {
    match score {
        s if s < 5.0 => Priority::High,
        s if s < 6.5 => Priority::Medium,
        _ => Priority::Low,
    }
}

/// The dimension with the lowest average (the contract's order breaks ties).
pub fn weakest(averages: &Scores) -> Dimension {
    averages.ascending()[0].0
}

/// The current recommendations: dimensions that recurred (named by two evaluations or more)
/// and the latest evaluation's improvement areas, most urgent first (priority, then the lowest
/// latest score, then the most recurring). Each
/// carries the latest evaluation's priority and suggestion for it when it has one, otherwise the
/// priority its latest score earns and `fallback`'s suggestion. Practice suggestions: the latest
/// evaluation's, then a drill of the top dimension.
pub fn improvements(
    counts: &[(Dimension, usize)],
    latest: Option<&Evaluation>,
    fallback: impl Fn(Dimension) -> String,
) -> Improvements {
    let Some(latest) = latest else {
        return Improvements {
            improvements: Vec::new(),
            practice_suggestions: Vec::new(),
        };
    };
    let count = |d: Dimension| {
        counts
            .iter()
            .filter(|c| c.0 == d)
            .map(|c| c.1)
            .sum::<usize>()
    };
    let scores = &latest.universal_scores;
    let mut order: Vec<Dimension> = counts.iter().filter(|c| c.1 >= 2).map(|c| c.0).collect();
    order.sort_by(|a, b| {
        count(*b)
            .cmp(&count(*a))
            .then(scores.get(*a).total_cmp(&scores.get(*b)))
            .then(a.cmp(b))
    });
    order.dedup();
    for a in &latest.improvement_areas {
        if !order.contains(&a.dimension) {
            order.push(a.dimension);
        }
    }
    let mut improvements: Vec<Improvement> = order
        .into_iter()
        .map(|d| {
            let area = latest.improvement_areas.iter().find(|a| a.dimension == d);
            let latest_score = round_score(scores.get(d));
            Improvement {
                dimension: d,
                priority: area.map_or_else(|| priority_for(latest_score), |a| a.priority),
                suggestion: area.map_or_else(|| fallback(d), |a| a.suggestion.clone()),
                // The latest evaluation named it even if its row was never counted.
                occurrences: count(d).max(usize::from(area.is_some())),
                latest_score,
            }
        })
        .collect();
    // Most urgent first; within a priority, the lowest score (the widest gap), then the most
    // recurring.
    let urgency = |p: Priority| match p {
        Priority::High => 0,
        Priority::Medium => 1,
        Priority::Low => 2,
    };
    improvements.sort_by(|a, b| {
        urgency(a.priority)
            .cmp(&urgency(b.priority))
            .then(a.latest_score.total_cmp(&b.latest_score))
            .then(b.occurrences.cmp(&a.occurrences))
    });
    let mut practice_suggestions = latest.practice_suggestions.clone();
    if let Some(top) = improvements.first() {
        practice_suggestions.push(format!(
            "Run a drill on {}: `prapp drill --dimension {}`.",
            top.dimension.label().to_lowercase(),
            top.dimension.short()
        ));
    }
    Improvements {
        improvements,
        practice_suggestions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Dimension::*, EvaluatorInfo, ImprovementArea, PreparationType, Priority};
    use chrono::TimeZone;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, 9, 0, 0).unwrap()
    }

    /// A session practised on `day` and evaluated the day after.
    fn point(day: u32, overall: f64, scores: [f64; 6]) -> ProgressPoint {
        ProgressPoint {
            session_id: Uuid::from_u128(day as u128),
            evaluated_at: at(day + 1),
            overall_score: overall,
            scores: Scores::from_array(scores),
        }
    }

    /// When the sessions of `points` were practised: the day before their evaluation.
    fn practised(points: &[ProgressPoint]) -> Vec<DateTime<Utc>> {
        points
            .iter()
            .map(|p| p.evaluated_at - chrono::Duration::days(1))
            .collect()
    }

    #[test]
    fn a_slow_rise_over_many_sessions_is_not_rounded_away() {
        // 10,000 sessions rising from 5.8 to 7.0.
        let overall: Vec<f64> = (0..10_000)
            .map(|i| 5.8 + 1.2 * i as f64 / 9_999.0)
            .collect();
        let v = slope(&overall).map(|x| round_significant(x, 3));
        assert_eq!(v, Some(0.00012));
        assert_eq!(round_significant(0.9, 3), 0.9);
        assert_eq!(round_significant(-1.23456, 3), -1.23);
        assert_eq!(round_significant(0.0, 3), 0.0);
    }

    #[test]
    fn velocity_is_the_least_squares_slope() {
        // x = 0,1,2,3 (mean 1.5), y = 5,6,6,8 (mean 6.25):
        // Σdx·dy = (-1.5)(-1.25) + (-0.5)(-0.25) + (0.5)(-0.25) + (1.5)(1.75) = 4.5; Σdx² = 5.
        assert!(close(slope(&[5.0, 6.0, 6.0, 8.0]).unwrap(), 0.9));
        assert!(close(slope(&[7.0, 7.0, 7.0]).unwrap(), 0.0));
        assert!(close(slope(&[8.0, 6.0]).unwrap(), -2.0));
        assert_eq!(slope(&[5.0]), None);
        assert_eq!(slope(&[]), None);
    }

    #[test]
    fn recent_trend_needs_four_evaluations() {
        assert_eq!(recent_trend(&[]), RecentTrend::InsufficientData);
        assert_eq!(
            recent_trend(&[2.0, 5.0, 9.0]),
            RecentTrend::InsufficientData
        );
        // Exactly 4: the last 3 (mean 7) against the one before (5).
        assert_eq!(recent_change(&[5.0, 6.0, 7.0, 8.0]), Some(2.0));
        assert_eq!(recent_trend(&[5.0, 6.0, 7.0, 8.0]), RecentTrend::Improving);
        assert_eq!(recent_trend(&[8.0, 6.0, 7.0, 5.0]), RecentTrend::Declining);
    }

    #[test]
    fn recent_trend_compares_the_last_three_with_the_three_before_only() {
        // The 1.0 at the start is outside both windows: 6.4 - 6.1 = 0.3 exactly → improving.
        let v = [1.0, 6.0, 6.1, 6.2, 6.3, 6.4, 6.5];
        assert!(close(recent_change(&v).unwrap(), 0.3));
        assert_eq!(recent_trend(&v), RecentTrend::Improving);
        // 6.2 - 6.0 = 0.2: below the threshold.
        assert_eq!(
            recent_trend(&[6.0, 6.0, 6.0, 6.2, 6.3, 6.1]),
            RecentTrend::Stable
        );
        // 5.8 - 6.1 = -0.3 exactly → declining; -0.29 is stable.
        assert_eq!(
            recent_trend(&[6.0, 6.1, 6.2, 5.7, 5.8, 5.9]),
            RecentTrend::Declining
        );
        assert_eq!(
            recent_trend(&[6.0, 6.0, 6.0, 5.71, 5.71, 5.71]),
            RecentTrend::Stable
        );
        // Five values: the last 3 against the 2 before them.
        assert!(close(
            recent_change(&[4.0, 6.0, 7.0, 7.0, 7.0]).unwrap(),
            2.0
        ));
    }

    #[test]
    fn recurring_weaknesses_break_ties_by_score_then_contract_order() {
        let counts = [
            (Engagement, 3),
            (ClarityStructure, 3),
            (ToneAlignment, 5),
            (LanguageQuality, 3),
            (RelevanceFocus, 0),
        ];
        // Engagement is weaker than language quality; clarity and language tie on score too.
        let avg = Scores::from_array([6.0, 7.0, 7.0, 6.0, 5.0, 4.5]);
        let w = recurring_weaknesses(&counts, 10, Some(&avg));
        let order: Vec<Dimension> = w.iter().map(|w| w.dimension).collect();
        assert_eq!(
            order,
            [ToneAlignment, Engagement, ClarityStructure, LanguageQuality]
        );
        assert_eq!(w[0].occurrences, 5);
        assert!(close(w[0].share, 0.5));
        assert!(close(w[1].share, 0.3));
        // Without averages, ties fall back to the contract's order.
        let order: Vec<Dimension> = recurring_weaknesses(&counts, 10, None)
            .iter()
            .map(|w| w.dimension)
            .collect();
        assert_eq!(
            order,
            [ToneAlignment, ClarityStructure, LanguageQuality, Engagement]
        );
        // Share is a fraction of the evaluations, two decimals.
        let w = recurring_weaknesses(&[(Engagement, 1)], 3, None);
        assert!(close(w[0].share, 0.33));
        assert!(recurring_weaknesses(&[], 0, None).is_empty());
    }

    #[test]
    fn trends_from_hand_computed_points() {
        let points = vec![
            point(1, 5.0, [5.0, 6.0, 4.0, 5.0, 5.0, 5.0]),
            point(2, 6.0, [6.0, 6.0, 5.0, 6.0, 6.0, 7.0]),
            point(3, 6.0, [6.0, 7.0, 5.0, 6.0, 6.0, 6.0]),
            point(4, 8.0, [8.0, 8.0, 7.0, 8.0, 8.0, 9.0]),
        ];
        let days = practised(&points);
        let t = trends(
            7,
            points,
            &days,
            &[(ConfidenceDelivery, 4), (Engagement, 1)],
            &[],
        );
        assert_eq!(t.total_sessions, 7);
        assert_eq!(t.evaluated_sessions, 4);
        assert_eq!(
            t.average_scores,
            Some(Scores::from_array([6.3, 6.8, 5.3, 6.3, 6.3, 6.8]))
        );
        assert_eq!(t.overall_average, Some(6.25));
        assert_eq!(t.improvement_velocity, Some(0.9));
        assert_eq!(t.recent_trend, RecentTrend::Improving);
        assert_eq!(t.recurring_weaknesses[0].dimension, ConfidenceDelivery);
        assert!(close(t.recurring_weaknesses[0].share, 1.0));
        assert_eq!(t.score_progression.len(), 4);

        let empty = trends(2, Vec::new(), &[], &[], &[]);
        assert_eq!(empty.evaluated_sessions, 0);
        assert_eq!(empty.average_scores, None);
        assert_eq!(empty.overall_average, None);
        assert_eq!(empty.improvement_velocity, None);
        assert_eq!(empty.recent_trend, RecentTrend::InsufficientData);
    }

    #[test]
    fn drill_effects_split_at_the_first_drill() {
        let e = |v: f64| [6.0, 6.0, 6.0, 6.0, 6.0, v];
        let points = [
            point(1, 6.0, e(4.0)),
            point(2, 6.0, e(5.0)),
            point(5, 6.0, e(6.0)),
            point(6, 6.0, e(7.5)),
        ];
        // Practised on the 4th, evaluated on the 5th, when the drills began: still "before".
        let points = [&points[..2], &[point(4, 6.0, e(4.5))], &points[2..]].concat();
        let drills = [
            DrillStart {
                dimension: Engagement,
                sessions: 2,
                first_at: at(5),
            },
            DrillStart {
                dimension: ClarityStructure,
                sessions: 1,
                first_at: at(1),
            },
        ];
        let fx = drill_effects(&points, &practised(&points), &drills);
        assert_eq!(fx[0].dimension, ClarityStructure, "contract order");
        assert_eq!(fx[0].evaluations_before, 0);
        assert_eq!(fx[0].mean_before, None);
        assert_eq!(fx[0].change, None);
        let eng = &fx[1];
        assert_eq!((eng.evaluations_before, eng.evaluations_after), (3, 2));
        assert_eq!(eng.mean_before, Some(4.5));
        assert_eq!(eng.mean_after, Some(6.75));
        assert_eq!(eng.change, Some(2.25));
        assert_eq!(
            fx[0].evaluations_after, 5,
            "practised on the day of the first drill counts"
        );
        assert_eq!(eng.drill_sessions, 2);
    }

    #[test]
    fn downsample_keeps_the_shape() {
        let v: Vec<f64> = (0..10).map(f64::from).collect();
        assert_eq!(downsample(&v, 5), [0.5, 2.5, 4.5, 6.5, 8.5]);
        assert_eq!(downsample(&v, 20), v);
        assert_eq!(downsample(&v, 3).len(), 3);
        assert_eq!(downsample(&[], 3), Vec::<f64>::new());
    }

    fn evaluation(scores: [f64; 6], areas: &[(Dimension, Priority, &str)]) -> Evaluation {
        Evaluation {
            evaluation_id: Uuid::nil(),
            session_id: Uuid::nil(),
            user_id: Uuid::nil(),
            preparation_type: PreparationType::Interview,
            universal_scores: Scores::from_array(scores),
            overall_score: 6.0,
            summary: String::new(),
            strengths: vec![],
            improvement_areas: areas
                .iter()
                .map(|&(dimension, priority, s)| ImprovementArea {
                    dimension,
                    current_level: scores[dimension.index()],
                    suggestion: s.into(),
                    priority,
                })
                .collect(),
            practice_suggestions: vec!["End every answer with a question back.".into()],
            evidence: vec![],
            evaluator: EvaluatorInfo {
                engine: "heuristic".into(),
                model: None,
            },
            created_at: at(1),
            answers: vec![],
        }
    }

    #[test]
    fn improvements_put_the_most_urgent_first_then_the_widest_gap() {
        let latest = evaluation(
            [6.0, 7.5, 4.0, 8.0, 7.0, 5.5],
            &[
                (ConfidenceDelivery, Priority::High, "Drop the hedges."),
                (Engagement, Priority::Medium, "Ask a question back."),
            ],
        );
        // Clarity recurred most but is not in the latest evaluation; language quality once only.
        let counts = [
            (ClarityStructure, 9),
            (Engagement, 4),
            (LanguageQuality, 1),
            (ConfidenceDelivery, 1),
        ];
        let imp = improvements(&counts, Some(&latest), |d| format!("generic {d}"));
        let dims: Vec<Dimension> = imp.improvements.iter().map(|i| i.dimension).collect();
        // High before medium; among the mediums, engagement (5.5) before clarity (6.0).
        assert_eq!(dims, [ConfidenceDelivery, Engagement, ClarityStructure]);
        let clarity = &imp.improvements[2];
        assert_eq!(clarity.suggestion, "generic clarity_structure");
        assert_eq!(clarity.priority, Priority::Medium, "6.0 earns medium");
        assert_eq!((clarity.occurrences, clarity.latest_score), (9, 6.0));
        assert_eq!(imp.improvements[1].suggestion, "Ask a question back.");
        assert_eq!(imp.improvements[0].priority, Priority::High);
        assert_eq!(imp.improvements[0].occurrences, 1);
        let ranks: Vec<u8> = imp
            .improvements
            .iter()
            .map(|i| match i.priority {
                Priority::High => 0,
                Priority::Medium => 1,
                Priority::Low => 2,
            })
            .collect();
        assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
        assert_eq!(
            imp.practice_suggestions,
            [
                "End every answer with a question back.",
                "Run a drill on confidence & delivery: `prapp drill --dimension confidence`."
            ]
        );
        let none = improvements(&counts, None, |_| String::new());
        assert!(none.improvements.is_empty() && none.practice_suggestions.is_empty());
    }

    #[test]
    fn bands_and_weakest() {
        assert_eq!(priority_for(4.9), Priority::High);
        assert_eq!(priority_for(5.0), Priority::Medium);
        assert_eq!(priority_for(6.5), Priority::Low);
        let s = Scores::from_array([6.0, 5.0, 7.0, 5.0, 8.0, 9.0]);
        assert_eq!(weakest(&s), RelevanceFocus);
    }
}
