//! `prapp chat <id>`: one answer from --message or stdin, or an interactive loop on a terminal.

use std::io::{self, BufRead, IsTerminal, Read, Write};

use anyhow::Result;
use clap::Args;
use uuid::Uuid;

use super::Ctx;
use super::output::{self, DIM, WARN, paint};
use crate::domain::{Role, TurnReply};
use crate::error::Error;
use crate::practice::Practice;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  prapp chat 0193a5b2 --message \"In my last role I led the migration of ...\"\n  echo \"Another answer\" | prapp chat 0193a5b2\n  prapp chat 0193a5b2            # interactive, on a terminal\n\nSee also: prapp session complete, prapp session show"
)]
pub struct ChatArgs {
    /// Session id, or a unique prefix of one
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
    let practice = ctx.practice()?;
    let id = practice.resolve(&args.id)?;
    let message = match (args.retry, args.message) {
        (true, _) => None,
        (false, Some(m)) => Some(m),
        (false, None) if io::stdin().is_terminal() => return interactive(&practice, id),
        (false, None) => {
            let mut text = String::new();
            io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| Error::io("cannot read your answer from stdin", e))?;
            Some(text)
        }
    };
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

/// A simple line-by-line practice loop for terminals.
pub fn interactive(practice: &Practice<'_>, id: Uuid) -> Result<i32> {
    let session = practice.show(id)?;
    let mut out = output::stdout();
    let width = output::wrap_width();
    writeln!(
        out,
        "{}",
        paint(
            DIM,
            "Type your answer and press Enter. /done completes the session, /quit (or Ctrl-D) leaves."
        )
    )?;
    match session.messages().last() {
        Some(m) if m.role == Role::User => {
            writeln!(
                out,
                "{}",
                paint(DIM, "Your last answer is still waiting for the coach:")
            )?;
            output::message(&mut out, m, width)?;
            drop(out);
            stream_reply(practice, id, None)?;
            out = output::stdout();
        }
        Some(m) => output::message(&mut out, m, width)?,
        None => {}
    }
    drop(out);
    let stdin = io::stdin();
    let mut line = String::new();
    loop {
        {
            let mut out = output::stdout();
            write!(out, "{} ", output::speaker(Role::User) + " ›")?;
            out.flush()?;
        }
        line.clear();
        if stdin.lock().read_line(&mut line)? == 0 {
            println!();
            break;
        }
        match line.trim() {
            "" => continue,
            "/quit" | "/exit" | "/q" => break,
            "/done" | "/complete" => match practice.complete(id) {
                Ok(s) => {
                    println!(
                        "Session {} is completed after {} turns.",
                        output::short_id(&s),
                        s.turn_count
                    );
                    break;
                }
                Err(e) => anstream::eprintln!("{}", paint(WARN, format!("prapp: {e}"))),
            },
            answer => {
                if let Err(e) = stream_reply(practice, id, Some(answer)) {
                    anstream::eprintln!("{}", paint(WARN, format!("prapp: {e}")));
                }
            }
        }
    }
    Ok(0)
}

fn stream_reply(practice: &Practice<'_>, id: Uuid, answer: Option<&str>) -> crate::Result<()> {
    let mut out = output::stdout();
    let _ = writeln!(out, "{}", output::speaker(Role::Ai));
    let _ = write!(out, "  ");
    let mut sink = |piece: &str| {
        let _ = out.write_all(piece.as_bytes());
        let _ = out.flush();
        true
    };
    let result = match answer {
        Some(a) => practice.send(id, a, &mut sink).map(|_| ()),
        None => practice.retry(id, &mut sink).map(|_| ()),
    };
    let _ = writeln!(out, "\n");
    result
}
