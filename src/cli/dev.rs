//! Hidden developer commands: seeding a data dir with many sessions (and, for the analytics
//! benchmark and demos, their evaluations) for benchmarks.

use std::io::Write;

use anyhow::Result;
use chrono::Duration;
use clap::{Args, Subcommand};
use uuid::Uuid;

use super::{Ctx, output};
use crate::analytics::priority_for;
use crate::domain::{
    self, ChatMessage, Evaluation, EvaluatorInfo, ImprovementArea, PreparationType, Role, Scores,
    Session, SessionStatus, round_score,
};
use crate::store::prelude::*;

#[derive(Debug, Subcommand)]
pub enum DevCmd {
    /// Insert synthetic sessions (for benchmarks)
    Seed(SeedArgs),
}

#[derive(Debug, Args)]
pub struct SeedArgs {
    /// How many sessions
    #[arg(long, default_value_t = 10_000)]
    pub sessions: usize,
    /// Turns per session
    #[arg(long, default_value_t = 3)]
    pub turns: usize,
    /// Complete and evaluate every session, with synthetic scores that improve over time and
    /// engagement drills in the second half
    #[arg(long)]
    pub evaluated: bool,
    /// Spread the sessions evenly over the last N days (default: one a minute, from a year ago)
    #[arg(long, value_name = "N")]
    pub span_days: Option<u32>,
    /// Seed a store that already holds sessions (yours: seeded sessions mix with them for good)
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to put the demo store (default: a new folder in the system's temp dir)
    #[arg(long, value_name = "DIR")]
    pub dir: Option<std::path::PathBuf>,
}

pub fn run(ctx: &Ctx, cmd: DevCmd) -> Result<i32> {
    let DevCmd::Seed(args) = cmd;
    let held = ctx
        .practice()?
        .list(&crate::store::ListFilter {
            page_size: Some(1),
            ..Default::default()
        })?
        .total;
    if held > 0 && !args.force {
        return Err(crate::Error::Input(format!(
            "{} already holds {held} session{} — seeding would mix synthetic sessions into them for good; use `prapp demo` for a throwaway store, or --force",
            ctx.store.path().display(),
            if held == 1 { "" } else { "s" }
        ))
        .into());
    }
    seed(&ctx.store, &args)?;
    writeln!(
        output::stdout(),
        "seeded {} session{}{}",
        args.sessions,
        if args.sessions == 1 { "" } else { "s" },
        if args.evaluated {
            ", all evaluated"
        } else {
            ""
        }
    )?;
    Ok(0)
}

/// `prapp demo`: a throwaway store with a realistic history — three dozen evaluated sessions over
/// the last 60 days, improving, with drills — and the commands to explore it. The user's own
/// store is never touched.
pub fn demo(args: DemoArgs) -> Result<i32> {
    let dir = match args.dir {
        Some(d) => d,
        None => std::env::temp_dir().join(format!(
            "prapp-demo-{}",
            &Uuid::now_v7().simple().to_string()[..12]
        )),
    };
    let store = crate::store::Store::open(&dir)?;
    let held = store
        .list_sessions(
            store.local_user()?.user_id,
            &crate::store::ListFilter {
                page_size: Some(1),
                ..Default::default()
            },
        )?
        .total;
    if held > 0 {
        return Err(crate::Error::Input(format!(
            "{} already holds sessions — give `prapp demo --dir` an empty or new folder",
            dir.display()
        ))
        .into());
    }
    seed(
        &store,
        &SeedArgs {
            sessions: 36,
            turns: 4,
            evaluated: true,
            span_days: Some(60),
            force: false,
        },
    )?;
    let d = dir.display();
    let mut out = output::stdout();
    writeln!(
        out,
        "A demo store with 36 evaluated sessions over the last 60 days is in {d}"
    )?;
    writeln!(out, "Your own sessions are untouched. Try:")?;
    for cmd in [
        "analytics trends",
        "analytics improvements",
        "session list",
        "analytics chart --out progress.svg",
    ] {
        writeln!(out, "  prapp --data-dir {d} {cmd}")?;
    }
    writeln!(out, "Remove it when done: rm -r {d}")?;
    Ok(0)
}

/// Agendas a seeded session reads as, by type.
const AGENDAS: [&str; 6] = [
    "Senior backend role at a fintech",
    "Quarterly update on the billing migration",
    "Seed round for a construction marketplace",
    "Discovery call with a logistics prospect",
    "Conference talk on observability",
    "Asking for a bigger project",
];

fn seed(store: &crate::store::Store, args: &SeedArgs) -> Result<()> {
    let user = store.local_user()?;
    let now = domain::now();
    let (start, step) = match args.span_days {
        Some(days) => {
            let span = Duration::days(i64::from(days));
            (now - span, span / (args.sessions.max(1) as i32))
        }
        None => (now - Duration::days(365), Duration::seconds(60)),
    };
    let mut batch = Vec::with_capacity(1000);
    let mut evaluations = Vec::with_capacity(1000);
    for i in 0..args.sessions {
        let t = PreparationType::ALL[i % PreparationType::ALL.len()];
        let created = start + step * (i as i32);
        let mut transcript = vec![msg(Role::Ai, "Tell me about yourself.", created)];
        for k in 0..args.turns {
            let at = created + Duration::seconds(10 * (k as i64 + 1));
            transcript.push(msg(
                Role::User,
                "I led the migration of our billing system, cutting costs by 30%.",
                at,
            ));
            transcript.push(msg(Role::Ai, "What was your part in it, exactly?", at));
        }
        let drill = args.evaluated && i >= args.sessions / 2 && i % 9 == 0;
        let session = Session {
            session_id: Uuid::now_v7(),
            user_id: user.user_id,
            preparation_type: t,
            meeting_subtype: drill.then(|| "drill-engagement".to_string()),
            agenda: Some(AGENDAS[i % AGENDAS.len()].to_string()),
            tone: None,
            role_context: None,
            status: if args.evaluated || i % 3 == 0 {
                SessionStatus::Completed
            } else {
                SessionStatus::InProgress
            },
            transcript: Some(transcript),
            turn_count: args.turns,
            created_at: created,
            updated_at: created,
            completed_at: args.evaluated.then(|| created + Duration::minutes(5)),
            evaluation_summary: None,
        };
        if args.evaluated {
            evaluations.push(synthetic_evaluation(&session, i, args.sessions));
        }
        batch.push(session);
        // One transaction per thousand sessions, and one for their evaluations.
        if batch.len() == 1000 {
            store.insert_sessions(&batch)?;
            store.save_evaluations(&evaluations)?;
            batch.clear();
            evaluations.clear();
        }
    }
    store.insert_sessions(&batch)?;
    store.save_evaluations(&evaluations)?;
    Ok(())
}

/// A deterministic number in -1.0..=1.0 for session `i` and dimension `d` (splitmix64).
fn noise(i: usize, d: usize) -> f64 {
    let mut z = (i as u64)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add((d as u64 + 1).wrapping_mul(0xBF58_476D_1CE4_E5B9));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z % 2001) as f64 / 1000.0 - 1.0
}

/// Scores that start low and improve with `i / n`, engagement more once drills begin halfway;
/// improvement areas as the built-in evaluator picks them (the three lowest under 7).
fn synthetic_evaluation(s: &Session, i: usize, n: usize) -> Evaluation {
    const BASE: [f64; 6] = [5.4, 6.0, 4.8, 6.2, 6.4, 4.4];
    const GAIN: [f64; 6] = [1.6, 1.0, 2.0, 0.8, 0.6, 1.0];
    let progress = i as f64 / n.max(1) as f64;
    let drilled = if i >= n / 2 { 1.2 } else { 0.0 };
    let scores = Scores::from_array(std::array::from_fn(|d| {
        let bonus = if d == 5 { drilled } else { 0.0 };
        round_score(BASE[d] + GAIN[d] * progress + bonus + 0.9 * noise(i, d))
    }));
    let overall = round_score(scores.to_array().iter().sum::<f64>() / 6.0);
    let mut improvement_areas: Vec<ImprovementArea> = scores
        .ascending()
        .into_iter()
        .filter(|&(_, v)| v < 7.0)
        .take(3)
        .map(|(d, v)| ImprovementArea {
            dimension: d,
            current_level: v,
            suggestion: crate::coach::bank::drill(d).suggestion.clone(),
            priority: priority_for(v),
        })
        .collect();
    if improvement_areas.is_empty() {
        let (d, v) = scores.ascending()[0];
        improvement_areas.push(ImprovementArea {
            dimension: d,
            current_level: v,
            suggestion: crate::coach::bank::drill(d).suggestion.clone(),
            priority: priority_for(v),
        });
    }
    let created_at = (s.created_at + Duration::minutes(10)).min(domain::now());
    Evaluation {
        evaluation_id: Uuid::now_v7(),
        session_id: s.session_id,
        user_id: s.user_id,
        preparation_type: s.preparation_type,
        universal_scores: scores,
        overall_score: overall,
        summary: format!("Synthetic evaluation of seeded session {i}."),
        strengths: vec!["Seeded strength.".into()],
        improvement_areas,
        practice_suggestions: vec![
            "End every answer in your next session with one pertinent question back.".into(),
        ],
        evidence: Vec::new(),
        evaluator: EvaluatorInfo {
            engine: "seed".into(),
            model: None,
        },
        created_at,
        answers: Vec::new(),
    }
}

fn msg(role: Role, content: &str, timestamp: chrono::DateTime<chrono::Utc>) -> ChatMessage {
    ChatMessage {
        message_id: Uuid::now_v7(),
        role,
        content: content.into(),
        timestamp,
    }
}
