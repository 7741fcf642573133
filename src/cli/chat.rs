//! `prapp chat <id>`: one answer from --message or stdin, or an interactive loop on a terminal.

use std::io::{self, IsTerminal, Read, Write};

use anyhow::Result;
use clap::Args;
use uuid::Uuid;

use super::Ctx;
use super::output;
use crate::domain::TurnReply;
use crate::error::Error;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  prapp chat 0193a5b2 --message \"In my last role I led the migration of ...\"\n  echo \"Another answer\" | prapp chat 0193a5b2\n  prapp chat 0193a5b2            # interactive, on a terminal\n\nSee also: prapp session complete, prapp session show"
)]
pub struct ChatArgs {
    /// Session id, or a unique prefix of one
    #[arg(add = super::shell::session_ids())]
    pub id: String,
    /// Your answer (otherwise read from stdin, or asked for interactively on a terminal)
    #[arg(short, long)]
    pub message: Option<String>,
    /// Ask the coach again to answer your last message (after a failed or cancelled reply)
    #[arg(long, conflicts_with = "message")]
    pub retry: bool,
    /// Print both sides of the turn as JSON instead of streaming the reply
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: ChatArgs) -> Result<i32> {
    let id = ctx.practice()?.resolve(&args.id)?;
    let message = match (args.retry, args.message) {
        (true, _) => None,
        (false, Some(m)) => Some(m),
        (false, None) if io::stdin().is_terminal() && io::stdout().is_terminal() => {
            return interactive(ctx, id);
        }
        (false, None) => {
            let mut text = String::new();
            io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| Error::io("cannot read your answer from stdin", e))?;
            Some(text)
        }
    };
    let practice = ctx.practice_for(id)?;
    let mut out = output::stdout();
    let mut write_failed = None;
    let mut sink = |piece: &str| {
        if args.json {
            return true;
        }
        match out.write_all(piece.as_bytes()).and_then(|_| out.flush()) {
            Ok(()) => true,
            Err(e) => {
                write_failed = Some(e);
                false
            }
        }
    };
    let reply: TurnReply = match message {
        Some(m) => practice.send(id, &m, &mut sink)?,
        None => practice.retry(id, &mut sink)?,
    };
    if let Some(e) = write_failed {
        return Err(e.into());
    }
    if args.json {
        output::json(&mut out, &reply)?;
    } else {
        writeln!(out)?;
    }
    Ok(0)
}

/// After starting a session: shows the coach's opening, then opens the practice screen on a
/// terminal (unless `no_chat`), or says how to answer from a script.
pub fn open_or_hint(
    ctx: &Ctx,
    mut out: output::Out,
    session: &crate::domain::Session,
    no_chat: bool,
) -> Result<i32> {
    if let Some(m) = session.messages().first() {
        output::message(&mut out, m, output::wrap_width())?;
    }
    if io::stdin().is_terminal() && io::stdout().is_terminal() && !no_chat {
        drop(out);
        return interactive(ctx, session.session_id);
    }
    let hint = format!(
        "Answer with: prapp chat {} --message \"…\"  (or pipe your answer into it)",
        ctx.practice()?.short_id(session.session_id)
    );
    writeln!(out, "{}", output::paint(output::DIM, hint))?;
    Ok(0)
}

/// The practice screen on this session.
pub fn interactive(ctx: &Ctx, id: Uuid) -> Result<i32> {
    crate::tui::run(
        &ctx.paths.data_dir,
        crate::tui::Start::Chat(id),
        ctx.keymap()?,
        ctx.engines_for_screen(),
    )?;
    Ok(0)
}
