//! `prapp session export <id>`: a session's transcript and evaluation as a shareable report, Markdown or
//! JSON, on stdout or to a file. The role/CV context stays out of the report: it is the user's
//! private material, not part of the conversation.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, ValueEnum};
use serde_json::json;

use super::Ctx;
use super::output;
use crate::domain::{Dimension, Evaluation, Role, Session};
use crate::error::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// A Markdown report: setup, evaluation, transcript
    Md,
    /// `{session, evaluation}` in the contract's shapes (evaluation null when there is none)
    Json,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  prapp session export 0193a5b2 > interview.md\n  prapp session export 0193a5b2 --format json --out interview.json\n\nThe role/CV context is left out of the report.\nSee also: prapp session show, prapp session evaluation"
)]
pub struct ExportArgs {
    /// Session id, or a unique prefix of one
    #[arg(add = super::shell::session_ids())]
    pub id: String,
    /// What to write
    #[arg(short, long, value_enum, default_value_t = ExportFormat::Md)]
    pub format: ExportFormat,
    /// Write to this file instead of stdout (replaced if it exists)
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(ctx: &Ctx, args: ExportArgs) -> Result<i32> {
    let practice = ctx.practice()?;
    let id = practice.resolve(&args.id)?;
    let mut session = practice.show(id)?;
    let evaluation = match practice.evaluation(id) {
        Ok(e) => Some(e),
        Err(Error::NotFound(_)) => None,
        Err(e) => return Err(e.into()),
    };
    let attempts = practice.attempts(id)?;
    let mut report = Vec::new();
    match args.format {
        ExportFormat::Json => {
            session.role_context = None;
            let mut doc = json!({ "session": session, "evaluation": evaluation });
            // Additive: only a session with retakes has them.
            if !attempts.is_empty() {
                doc["attempts"] = json!(attempts);
            }
            output::json(&mut report, &doc)?;
        }
        ExportFormat::Md => {
            markdown(&mut report, &session, evaluation.as_ref())?;
            retakes(&mut report, evaluation.as_ref(), &attempts)?;
        }
    }
    match &args.out {
        Some(path) => {
            std::fs::write(path, &report)
                .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))?;
            writeln!(
                output::hints(),
                "wrote {} ({})",
                path.display(),
                match args.format {
                    ExportFormat::Md => "Markdown",
                    ExportFormat::Json => "JSON",
                }
            )?;
        }
        None => output::stdout().write_all(&report)?,
    }
    Ok(0)
}

fn title_case(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The report as Markdown: readable as plain text, rendered nicely where Markdown is.
pub fn markdown(out: &mut impl Write, s: &Session, e: Option<&Evaluation>) -> std::io::Result<()> {
    let kind = match &s.meeting_subtype {
        Some(sub) => format!("{} · {sub}", title_case(s.preparation_type.as_str())),
        None => title_case(s.preparation_type.as_str()),
    };
    writeln!(out, "# {kind} practice session")?;
    writeln!(out)?;
    let mut facts = vec![
        format!("Session `{}`", s.session_id),
        format!("started {}", output::local_time(&s.created_at)),
    ];
    if let Some(c) = &s.completed_at {
        facts.push(format!("completed {}", output::local_time(c)));
    }
    facts.push(format!(
        "{} turn{}",
        s.turn_count,
        if s.turn_count == 1 { "" } else { "s" }
    ));
    facts.push(s.status.to_string());
    writeln!(out, "{}", facts.join(" · "))?;
    writeln!(out)?;
    // The setup as `prapp evaluate` reads it back: what prapp writes, prapp reads.
    writeln!(out, "**Type:** {}", s.preparation_type)?;
    writeln!(out)?;
    if let Some(sub) = &s.meeting_subtype {
        writeln!(out, "**Subtype:** {sub}")?;
        writeln!(out)?;
    }
    if let Some(a) = &s.agenda {
        writeln!(out, "**Agenda:** {}", a.trim())?;
        writeln!(out)?;
    }
    if let Some(t) = &s.tone {
        writeln!(out, "**Tone:** {t}")?;
        writeln!(out)?;
    }

    match e {
        Some(e) => evaluation(out, e)?,
        None => {
            writeln!(out, "## Evaluation")?;
            writeln!(out)?;
            writeln!(
                out,
                "_Not evaluated yet — run `prapp session evaluate {}`._",
                &s.session_id.to_string()[..13]
            )?;
            writeln!(out)?;
        }
    }

    writeln!(out, "## Transcript")?;
    for m in s.messages() {
        writeln!(out)?;
        let who = match m.role {
            Role::Ai => "Coach",
            Role::User => "You",
        };
        // One paragraph per line of the message keeps the speaker's line breaks in Markdown.
        let mut paras = m
            .content
            .lines()
            .map(str::trim_end)
            .filter(|l| !l.trim().is_empty());
        writeln!(out, "**{who}:** {}", paras.next().unwrap_or_default())?;
        for p in paras {
            writeln!(out)?;
            writeln!(out, "{p}")?;
        }
    }
    Ok(())
}

/// The retakes, after the transcript: each new answer with its score and the score before.
fn retakes(
    out: &mut impl Write,
    e: Option<&Evaluation>,
    attempts: &[crate::domain::Attempt],
) -> std::io::Result<()> {
    if attempts.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "## Retakes")?;
    let mut tries: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    for a in attempts {
        let k = tries.entry(a.number).or_default();
        *k += 1;
        let was = e
            .and_then(|e| e.answers.iter().find(|r| r.number == a.number))
            .map(|r| format!(", was {:.1}", r.overall))
            .unwrap_or_default();
        writeln!(out)?;
        writeln!(
            out,
            "**Question {}, attempt {k}** ({:.1} / 10{was}): {}",
            a.number, a.result.overall, a.result.question
        )?;
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            a.answer.split_whitespace().collect::<Vec<_>>().join(" ")
        )?;
    }
    Ok(())
}

fn evaluation(out: &mut impl Write, e: &Evaluation) -> std::io::Result<()> {
    writeln!(out, "## Evaluation: {:.1} / 10", e.overall_score)?;
    writeln!(out)?;
    writeln!(out, "| Dimension | Score |")?;
    writeln!(out, "|---|---:|")?;
    for d in Dimension::ALL {
        writeln!(out, "| {} | {:.1} |", d.label(), e.universal_scores.get(d))?;
    }
    writeln!(out)?;
    writeln!(out, "### Summary")?;
    writeln!(out)?;
    writeln!(out, "{}", e.summary)?;
    writeln!(out)?;
    writeln!(out, "### Strengths")?;
    writeln!(out)?;
    for s in &e.strengths {
        writeln!(out, "- {s}")?;
    }
    writeln!(out)?;
    writeln!(out, "### Improvement areas")?;
    writeln!(out)?;
    for a in &e.improvement_areas {
        writeln!(
            out,
            "- **{}** ({:.1}, {} priority): {}",
            a.dimension.label(),
            a.current_level,
            a.priority,
            a.suggestion
        )?;
    }
    writeln!(out)?;
    writeln!(out, "### Practice next")?;
    writeln!(out)?;
    for (i, p) in e.practice_suggestions.iter().enumerate() {
        writeln!(out, "{}. {p}", i + 1)?;
    }
    writeln!(out)?;
    if !e.evidence.is_empty() {
        writeln!(out, "### Evidence from your answers")?;
        writeln!(out)?;
        for ev in &e.evidence {
            writeln!(
                out,
                "- **{}:** \"{}\" — {}",
                ev.dimension.label(),
                ev.quote,
                ev.note
            )?;
        }
        writeln!(out)?;
    }
    let engine = match &e.evaluator.model {
        Some(m) => format!("{} ({m})", e.evaluator.engine),
        None => e.evaluator.engine.clone(),
    };
    writeln!(
        out,
        "_Judged by the {engine} evaluator, {}._",
        output::local_time(&e.created_at)
    )?;
    writeln!(out)?;
    Ok(())
}
