//! `prapp drill`: a new session aimed at one dimension, the weakest unless named. Like
//! `session new`, it opens the chat on a terminal and otherwise prints the new session.

use std::io::Write;

use anyhow::Result;
use clap::Args;

use super::output::{self, BOLD, DIM, paint};
use super::{Ctx, chat};
use crate::practice::analytics::{DrillReason, DrillRequest};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  prapp drill                                  # your weakest dimension, on a terminal: the chat opens\n  prapp drill --dimension engagement --type sales --no-chat\n\nThe weakest dimension is the lowest average over your last 10 evaluations (of --type, if\nthere are some). A drill session is an ordinary session with subtype drill-<dimension>;\n`prapp analytics trends` shows your scores on that dimension before and after your first drill.\nSee also: prapp analytics improvements, prapp chat"
)]
pub struct DrillArgs {
    /// What to drill: clarity_structure, relevance_focus, confidence_delivery, language_quality,
    /// tone_alignment, engagement [default: your weakest]
    #[arg(short, long)]
    pub dimension: Option<String>,
    /// The kind of meeting to drill in [default: your latest evaluation's, or interview]
    #[arg(short = 't', long = "type", value_name = "TYPE")]
    pub preparation_type: Option<String>,
    /// Don't open the chat; just print the new session
    #[arg(long)]
    pub no_chat: bool,
    /// Print the new session as JSON (implies --no-chat)
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: DrillArgs) -> Result<i32> {
    let practice = ctx.practice_new()?;
    let req = DrillRequest {
        dimension: super::parse_opt(args.dimension.as_deref())?,
        preparation_type: super::parse_opt(args.preparation_type.as_deref())?,
    };
    let started = practice.drill(&req)?;
    let session = &started.session;
    let mut out = output::stdout();
    if args.json {
        output::json(&mut out, session)?;
        return Ok(0);
    }
    let why = match started.reason {
        DrillReason::Named => String::new(),
        DrillReason::Weakest {
            average,
            evaluations,
        } => {
            let over = if evaluations == 1 {
                "your one evaluation".to_string()
            } else {
                format!("your last {evaluations} evaluations")
            };
            format!(" — your weakest: {average:.1} on average over {over}")
        }
    };
    writeln!(
        out,
        "{} {}{}",
        paint(BOLD, "Drill:"),
        paint(BOLD, started.dimension.label()),
        paint(DIM, why)
    )?;
    writeln!(
        out,
        "  {} {}",
        paint(DIM, format!("{:<8}", "session")),
        session.session_id
    )?;
    writeln!(
        out,
        "  {} {} · {}",
        paint(DIM, format!("{:<8}", "type")),
        session.preparation_type,
        session.meeting_subtype.as_deref().unwrap_or_default()
    )?;
    if let Some(a) = &session.agenda {
        writeln!(out, "  {} {a}", paint(DIM, format!("{:<8}", "agenda")))?;
    }
    writeln!(out)?;
    chat::open_or_hint(ctx, out, session, args.no_chat)
}
