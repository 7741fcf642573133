//! Hidden developer commands: seeding a data dir with many sessions for benchmarks.

use std::io::Write;

use anyhow::Result;
use chrono::Duration;
use clap::{Args, Subcommand};
use uuid::Uuid;

use super::{Ctx, output};
use crate::domain::{self, ChatMessage, PreparationType, Role, Session, SessionStatus};

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
}

pub fn run(ctx: &Ctx, cmd: DevCmd) -> Result<i32> {
    let DevCmd::Seed(args) = cmd;
    let user = ctx.store.local_user()?;
    let start = domain::now() - Duration::days(365);
    let mut batch = Vec::with_capacity(1000);
    for i in 0..args.sessions {
        let t = PreparationType::ALL[i % PreparationType::ALL.len()];
        let created = start + Duration::seconds(i as i64 * 60);
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
        batch.push(Session {
            session_id: Uuid::now_v7(),
            user_id: user.user_id,
            preparation_type: t,
            meeting_subtype: None,
            agenda: Some(format!("Seeded session {i}")),
            tone: None,
            role_context: None,
            status: if i % 3 == 0 {
                SessionStatus::Completed
            } else {
                SessionStatus::InProgress
            },
            transcript: Some(transcript),
            turn_count: args.turns,
            created_at: created,
            updated_at: created,
            completed_at: None,
            evaluation_summary: None,
        });
        if batch.len() == 1000 {
            ctx.store.insert_sessions(&batch)?;
            batch.clear();
        }
    }
    ctx.store.insert_sessions(&batch)?;
    writeln!(output::stdout(), "seeded {} sessions", args.sessions)?;
    Ok(0)
}

fn msg(role: Role, content: &str, timestamp: chrono::DateTime<chrono::Utc>) -> ChatMessage {
    ChatMessage {
        message_id: Uuid::now_v7(),
        role,
        content: content.into(),
        timestamp,
    }
}
