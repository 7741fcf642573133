//! `prapp retake <id>` and `prapp session answers <id>`: each answer of a completed session on
//! its own, a new attempt at one, and what changed.

use std::io::{self, IsTerminal, Read, Write};

use anyhow::Result;
use clap::Args;

use super::{Ctx, output};
use crate::error::Error;
use crate::practice::retake::{AnswerHistory, AttemptDiff};

#[derive(Debug, Args)]
pub struct RetakeArgs {
    /// Session id (or a unique prefix); it must be completed
    pub id: String,
    /// Which question to answer again, from 1 (`prapp session answers <id>` lists them)
    #[arg(long, conflicts_with = "weakest", required_unless_present = "weakest")]
    pub question: Option<u32>,
    /// The question whose answer scored lowest
    #[arg(long)]
    pub weakest: bool,
    /// Your new answer (otherwise read from stdin)
    #[arg(long, short = 'm')]
    pub message: Option<String>,
    /// Print the attempt as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct AnswersArgs {
    /// Session id (or a unique prefix)
    pub id: String,
    /// Only this question, with every attempt
    #[arg(long)]
    pub question: Option<u32>,
    /// What changed between the question's last two tries (needs --question)
    #[arg(long, requires = "question")]
    pub diff: bool,
    /// Print as JSON
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: RetakeArgs) -> Result<i32> {
    let judge = ctx.engines.judge()?;
    let base = ctx.practice()?;
    let practice = base.with_judge(judge.as_ref());
    let id = practice.resolve(&args.id)?;
    let number = match args.question {
        Some(n) => n,
        None => practice.weakest(id)?,
    };
    let history = practice
        .answers(id)?
        .into_iter()
        .find(|a| a.number == number);
    let answer = match args.message {
        Some(m) => m,
        None => {
            let stdin = io::stdin();
            if stdin.is_terminal() {
                let question = history.as_ref().map_or("", |h| h.question.as_str());
                eprintln!("Question {number}: {question}\nYour new answer (finish with Ctrl-D):");
            }
            let mut text = String::new();
            stdin
                .lock()
                .read_to_string(&mut text)
                .map_err(|e| Error::io("cannot read your answer from stdin", e))?;
            text
        }
    };
    let attempt = practice.retake(id, number, &answer)?;
    let mut out = output::stdout();
    if args.json {
        output::json(&mut out, &attempt)?;
        return Ok(0);
    }
    let before = history.as_ref().map(|h| h.latest().overall);
    let r = &attempt.result;
    match before {
        Some(b) => writeln!(
            out,
            "Question {number}, new attempt: overall {b:.1} → {:.1} ({:+.1})",
            r.overall,
            r.overall - b
        )?,
        None => writeln!(
            out,
            "Question {number}, new attempt: overall {:.1}",
            r.overall
        )?,
    }
    if let Some(h) = &history {
        let had: Vec<&String> = h.latest().rubric_found.iter().collect();
        let gained: Vec<&str> = r
            .rubric_found
            .iter()
            .filter(|i| !had.contains(i))
            .map(String::as_str)
            .collect();
        if !gained.is_empty() {
            writeln!(out, "  now has: {}", gained.join(", "))?;
        }
    }
    if !r.rubric_missing.is_empty() {
        writeln!(out, "  still missing: {}", r.rubric_missing.join(", "))?;
    }
    if !r.flags.is_empty() {
        writeln!(out, "  held down by: {}", r.flags.join(", "))?;
    }
    if let Some(s) = &r.suggestion {
        writeln!(out, "  next time: {s}")?;
    }
    let short = &attempt.session_id.to_string()[..8];
    writeln!(
        out,
        "Compare: prapp session answers {short} --question {number} --diff"
    )?;
    Ok(0)
}

pub fn answers(ctx: &Ctx, args: AnswersArgs) -> Result<i32> {
    let judge = ctx.engines.judge()?;
    let base = ctx.practice()?;
    let practice = base.with_judge(judge.as_ref());
    let id = practice.resolve(&args.id)?;
    let mut out = output::stdout();
    if args.diff {
        let number = args.question.unwrap_or(1);
        let d = practice.diff(id, number)?;
        if args.json {
            output::json(&mut out, &d)?;
        } else {
            print_diff(&mut out, &d)?;
        }
        return Ok(0);
    }
    let mut all = practice.answers(id)?;
    if let Some(n) = args.question {
        all.retain(|a| a.number == n);
        if all.is_empty() {
            let short = &id.to_string()[..8];
            return Err(Error::Input(format!(
                "session {short} has no question {n} — `prapp session answers {short}` lists them"
            ))
            .into());
        }
    }
    if args.json {
        output::json(&mut out, &all)?;
        return Ok(0);
    }
    let width = output::wrap_width().unwrap_or(100);
    for a in &all {
        print_history(&mut out, a, width, args.question.is_some())?;
    }
    Ok(0)
}

fn print_history(
    out: &mut impl Write,
    a: &AnswerHistory,
    width: usize,
    whole: bool,
) -> io::Result<()> {
    let tries = a.attempts.len();
    let best = if tries == 0 {
        String::new()
    } else {
        format!(
            " → best {:.1} ({tries} retake{})",
            a.best_overall(),
            if tries == 1 { "" } else { "s" }
        )
    };
    writeln!(
        out,
        "Q{}  {:.1}{best}  {}",
        a.number,
        a.original.overall,
        one_line(&a.question, width.saturating_sub(16))
    )?;
    let latest = a.latest();
    if !latest.rubric_missing.is_empty() {
        writeln!(out, "    missing: {}", latest.rubric_missing.join(", "))?;
    }
    if !latest.flags.is_empty() {
        writeln!(out, "    held down by: {}", latest.flags.join(", "))?;
    }
    if let Some(s) = &latest.suggestion {
        writeln!(
            out,
            "    next time: {}",
            one_line(s, width.saturating_sub(15))
        )?;
    }
    if whole {
        writeln!(
            out,
            "    original ({:.1}): {}",
            a.original.overall, a.original.answer
        )?;
        for (k, t) in a.attempts.iter().enumerate() {
            writeln!(
                out,
                "    attempt {} ({:.1}): {}",
                k + 1,
                t.result.overall,
                t.answer
            )?;
        }
    }
    Ok(())
}

fn print_diff(out: &mut impl Write, d: &AttemptDiff) -> io::Result<()> {
    let (a, b) = d.overall;
    writeln!(
        out,
        "Question {}: {} → {}: overall {a:.1} → {b:.1} ({:+.1})",
        d.number,
        d.from,
        d.to,
        b - a
    )?;
    for (name, x, y) in &d.scores {
        writeln!(out, "  {name:<20} {x:>4.1} → {y:>4.1} ({:+.1})", y - x)?;
    }
    if !d.rubric_gained.is_empty() {
        writeln!(out, "  gained: {}", d.rubric_gained.join(", "))?;
    }
    if !d.rubric_lost.is_empty() {
        writeln!(out, "  lost: {}", d.rubric_lost.join(", "))?;
    }
    for p in &d.new_points {
        writeln!(out, "  new: \"{p}\"")?;
    }
    Ok(())
}

/// `s` on one line of at most `width` characters.
fn one_line(s: &str, width: usize) -> String {
    let flat = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= width.max(20) {
        return flat;
    }
    let cut: String = flat.chars().take(width.max(20) - 1).collect();
    format!("{cut}…")
}
