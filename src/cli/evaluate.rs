//! Evaluations: `prapp session evaluate|evaluation` for one session, `prapp evaluate` for a batch
//! (every completed session, or transcript files).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use super::Ctx;
use super::output::{self, BOLD, DIM, paint};
use crate::domain::{
    Assessment, Dimension, Evaluation, PreparationType, Priority, Scores, Session,
};
use crate::error::{Error, exit};
use crate::eval::EvalInput;
use crate::practice::{Practice, import};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  prapp evaluate --all-completed --jobs 4\n  prapp evaluate transcripts/*.json notes/pitch.md --type pitch --csv > scores.csv\n  prapp evaluate mock-interview.md --type interview --save\n\nTranscript files: JSON in the contract's Session shape (at least preparation_type and\ntranscript), or Markdown/text with turns marked 'Interviewer:', 'Coach:' or 'AI:' and\n'You:', 'Me:' or 'User:'; 'Type:', 'Agenda:' and 'Tone:' lines before the first turn.\n\nExit code 1 when any file failed (the others still run).\nSee also: prapp session evaluate, prapp session evaluation"
)]
pub struct EvaluateArgs {
    /// Transcript files to evaluate (`-` reads one from standard input)
    #[arg(value_name = "FILE", required_unless_present = "all_completed")]
    pub files: Vec<PathBuf>,
    /// Evaluate every completed session that has no evaluation yet
    #[arg(long, conflicts_with_all = ["files", "save", "preparation_type"])]
    pub all_completed: bool,
    /// How many evaluations run at once
    #[arg(short, long, default_value_t = default_jobs(), value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: u16,
    /// Preparation type of the files (overrides what a file says)
    #[arg(short = 't', long = "type", value_name = "TYPE")]
    pub preparation_type: Option<String>,
    /// Print one JSON object per line: the path (or session id) and the evaluation or the error
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print one CSV row per file with the six scores
    #[arg(long)]
    pub csv: bool,
    /// Import the files as completed sessions, with their evaluations
    #[arg(long)]
    pub save: bool,
}

fn default_jobs() -> u16 {
    std::thread::available_parallelism().map_or(2, |n| n.get().min(8) as u16)
}

/// Maps `f` over `items` on up to `jobs` threads, keeping the order.
fn par_map<T: Sync, R: Send>(items: &[T], jobs: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let jobs = jobs.clamp(1, items.len().max(1));
    let chunk = items.len().div_ceil(jobs).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(|| part.iter().map(&f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

fn progress(len: usize) -> ProgressBar {
    if !std::io::stderr().is_terminal() || output::quiet() || len < 2 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} evaluating {pos}/{len} {wide_bar} {eta}")
    {
        bar.set_style(style);
    }
    bar
}

/// Says once, before any evaluation, that the judge works without its model.
pub fn judge_hint(ctx: &Ctx) -> Result<()> {
    if let Some(h) = ctx.engines.judge_hint() {
        writeln!(output::hints(), "{} {h}", paint(output::WARN, "note:"))?;
    }
    Ok(())
}

/// `prapp session evaluate <id>` and `prapp session evaluation <id>`.
pub fn one(
    practice: &Practice<'_>,
    id: &str,
    evaluate: bool,
    force: bool,
    json: bool,
) -> Result<i32> {
    let id = practice.resolve(id)?;
    let session = practice.show(id)?;
    let evaluation = if evaluate {
        let done = practice.evaluate(id, force)?;
        if let Some(notice) = &done.notice {
            // Said even under -q: the user asked for one judge and got another.
            writeln!(
                output::stderr(),
                "{} {notice}",
                paint(output::WARN, "note:")
            )?;
        }
        done.evaluation
    } else {
        practice.evaluation(id)?
    };
    let mut out = output::stdout();
    if json {
        output::json(&mut out, &evaluation)?;
    } else {
        let id = practice.short_id(session.session_id);
        render(&mut out, &session, &id, &evaluation)?;
    }
    Ok(exit::OK)
}

/// The full human report of an evaluation. `id` is how the session is named (its short id).
pub fn render(out: &mut impl Write, s: &Session, id: &str, e: &Evaluation) -> std::io::Result<()> {
    let width = output::wrap_width();
    let kind = match &s.meeting_subtype {
        Some(sub) => format!("{} · {sub}", s.preparation_type),
        None => s.preparation_type.to_string(),
    };
    writeln!(
        out,
        "{} {}  {}  {}",
        paint(BOLD, "Evaluation"),
        paint(DIM, format!("{kind} session {id}")),
        paint(BOLD, "overall"),
        paint(
            output::score_style(e.overall_score).bold(),
            format!("{:.1}/10", e.overall_score)
        ),
    )?;
    writeln!(out)?;
    for d in Dimension::ALL {
        let score = e.universal_scores.get(d);
        writeln!(
            out,
            "  {:<22} {} {score:>4.1}",
            d.label(),
            output::score_bar(score)
        )?;
    }
    writeln!(out)?;
    writeln!(out, "{}", paint(BOLD, "Summary"))?;
    output::paragraph(out, &e.summary, "  ", width)?;
    writeln!(out)?;
    writeln!(out, "{}", paint(BOLD, "Strengths"))?;
    for s in &e.strengths {
        output::bullet(out, "+", s, width)?;
    }
    writeln!(out)?;
    writeln!(out, "{}", paint(BOLD, "Improvement areas"))?;
    for a in &e.improvement_areas {
        let tag = match a.priority {
            Priority::High => paint(output::score_style(0.0), "high"),
            Priority::Medium => paint(output::score_style(5.0), "medium"),
            Priority::Low => paint(DIM, "low"),
        };
        output::bullet(
            out,
            "-",
            &format!(
                "{} {:.1} [{tag}]: {}",
                a.dimension.label(),
                a.current_level,
                a.suggestion
            ),
            width,
        )?;
    }
    writeln!(out)?;
    writeln!(out, "{}", paint(BOLD, "Practice next"))?;
    for (i, p) in e.practice_suggestions.iter().enumerate() {
        output::bullet(out, &format!("{}.", i + 1), p, width)?;
    }
    if !e.answers.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", paint(BOLD, "Your answers, weakest first"))?;
        for a in weakest_first(&e.answers) {
            let mut line = format!(
                "Q{} {} {}",
                a.number,
                paint(
                    output::score_style(a.overall).bold(),
                    format!("{:.1}", a.overall)
                ),
                output::truncate(&a.question.replace('\n', " "), 70)
            );
            if !a.flags.is_empty() {
                line.push_str(&format!(" [{}]", a.flags.join(", ")));
            }
            output::bullet(out, "•", &line, width)?;
            if !a.rubric_found.is_empty() {
                output::paragraph(
                    out,
                    &format!("has: {}", a.rubric_found.join(", ")),
                    "      ",
                    width,
                )?;
            }
            if !a.rubric_missing.is_empty() {
                output::paragraph(
                    out,
                    &format!("missing: {}", a.rubric_missing.join(", ")),
                    "      ",
                    width,
                )?;
            }
            if let Some(sg) = &a.suggestion {
                output::paragraph(out, &format!("→ {sg}"), "      ", width)?;
            }
        }
    }
    writeln!(out)?;
    writeln!(out, "{}", paint(BOLD, "Evidence from your answers"))?;
    for ev in &e.evidence {
        output::bullet(
            out,
            "›",
            &format!("{}: \"{}\" — {}", ev.dimension.label(), ev.quote, ev.note),
            width,
        )?;
    }
    let engine = match &e.evaluator.model {
        Some(m) => format!("{} ({m})", e.evaluator.engine),
        None => e.evaluator.engine.clone(),
    };
    writeln!(out)?;
    writeln!(
        out,
        "{}",
        paint(
            DIM,
            format!(
                "judged by the {engine} evaluator, {}",
                output::local_time(&e.created_at)
            )
        )
    )?;
    Ok(())
}

/// The per-answer results from the lowest overall score up (ties in the order asked).
pub fn weakest_first(answers: &[crate::domain::AnswerResult]) -> Vec<&crate::domain::AnswerResult> {
    let mut v: Vec<&crate::domain::AnswerResult> = answers.iter().collect();
    v.sort_by(|a, b| {
        a.overall
            .total_cmp(&b.overall)
            .then(a.number.cmp(&b.number))
    });
    v
}

const CSV_HEADER: &str = "path,overall_score,clarity_structure,relevance_focus,confidence_delivery,language_quality,tone_alignment,engagement,error";

fn csv_row(name: &str, result: &Result<(Scores, f64), String>) -> String {
    match result {
        Ok((s, overall)) => {
            let scores: Vec<String> = s.to_array().iter().map(|v| format!("{v:.1}")).collect();
            format!(
                "{},{overall:.1},{},",
                output::csv_field(name),
                scores.join(",")
            )
        }
        Err(e) => format!(
            "{},,,,,,,,{}",
            output::csv_field(name),
            output::csv_field(e)
        ),
    }
}

/// `prapp evaluate …`
pub fn batch(ctx: &Ctx, args: EvaluateArgs) -> Result<i32> {
    let judge = ctx.engines.judge()?;
    let practice = ctx.practice()?.with_judge(judge.as_ref());
    let code = if args.all_completed {
        all_completed(&practice, &args)?
    } else {
        files(&practice, &args)?
    };
    judge_hint(ctx)?;
    Ok(code)
}

/// `prapp evaluate FILES…`
fn files(practice: &Practice<'_>, args: &EvaluateArgs) -> Result<i32> {
    let forced: Option<PreparationType> = super::parse_opt(args.preparation_type.as_deref())?;
    // `-` is a transcript on standard input (`pbpaste | prapp evaluate - --type pitch`).
    let is_stdin = |p: &PathBuf| p.as_os_str() == "-";
    let stdin = match args.files.iter().filter(|p| is_stdin(p)).count() {
        0 => None,
        1 => {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
                .map_err(|e| Error::io("cannot read the transcript from stdin", e))?;
            Some(bytes)
        }
        _ => {
            return Err(Error::Input(
                "`-` (standard input) can be given only once — pass the other transcripts as files"
                    .into(),
            )
            .into());
        }
    };
    let bar = progress(args.files.len());
    let judge = practice.judge();
    let results: Vec<Result<(Session, Assessment), String>> =
        par_map(&args.files, args.jobs as usize, |path| {
            let bytes = match (&stdin, is_stdin(path)) {
                (Some(b), true) => Ok(b.clone()),
                _ => std::fs::read(path).map_err(|e| format!("cannot read: {e}")),
            };
            let r = bytes
                .and_then(|bytes| import::parse(&bytes, forced))
                .and_then(|s| {
                    judge
                        .evaluate(&EvalInput::of(&s))
                        .map(|a| (s, a))
                        .map_err(|e| e.to_string())
                });
            bar.inc(1);
            r
        });
    bar.finish_and_clear();

    let mut out = output::stdout();
    let mut failed = 0;
    let mut rows = Vec::new();
    if args.csv {
        writeln!(out, "{CSV_HEADER}")?;
    }
    let single = args.files.len() == 1;
    for (path, result) in args.files.iter().zip(results) {
        let name = if is_stdin(path) {
            "stdin".to_string()
        } else {
            path.display().to_string()
        };
        if let Ok((_, a)) = &result
            && let Some(n) = &a.notice
        {
            writeln!(output::stderr(), "prapp: {name}: note: {n}")?;
        }
        let result = match result {
            Ok((session, assessment)) if args.save => practice
                .import(session.clone(), assessment)
                .map(|e| (session, e))
                .map_err(|e| e.to_string()),
            Ok((session, assessment)) => Ok((
                session.clone(),
                Evaluation::new(
                    session.session_id,
                    session.user_id,
                    session.preparation_type,
                    assessment,
                ),
            )),
            Err(e) => Err(e),
        };
        if result.is_err() {
            failed += 1;
        }
        if args.json {
            let line = match &result {
                Ok((_, e)) => json!({ "path": name, "evaluation": e }),
                Err(err) => json!({ "path": name, "error": err }),
            };
            writeln!(out, "{line}")?;
        } else if args.csv {
            let r = result
                .as_ref()
                .map(|(_, e)| (e.universal_scores, e.overall_score))
                .map_err(Clone::clone);
            writeln!(out, "{}", csv_row(&name, &r))?;
        } else {
            match result {
                Ok((session, e)) if single => {
                    render(&mut out, &session, &output::short_id(&session), &e)?
                }
                Ok((session, e)) => rows.push(table_row(&name, &session, &e)),
                Err(err) => writeln!(output::stderr(), "prapp: {name}: {err}")?,
            }
        }
    }
    if !rows.is_empty() {
        output::table(
            &mut out,
            &[
                "FILE", "TYPE", "OVERALL", "CLAR", "REL", "CONF", "LANG", "TONE", "ENG",
            ],
            &rows,
        )?;
    }
    if args.save && !args.json && !args.csv {
        let saved = args.files.len() - failed;
        writeln!(
            output::hints(),
            "{}",
            paint(
                DIM,
                format!(
                    "saved {saved} session{} — `prapp session list --status completed`",
                    if saved == 1 { "" } else { "s" }
                )
            )
        )?;
    }
    Ok(if failed > 0 { exit::FAILURE } else { exit::OK })
}

fn table_row(name: &str, s: &Session, e: &Evaluation) -> Vec<String> {
    let mut row = vec![
        output::truncate(name, 40),
        s.preparation_type.to_string(),
        paint(
            output::score_style(e.overall_score),
            format!("{:.1}", e.overall_score),
        ),
    ];
    row.extend(
        e.universal_scores
            .to_array()
            .iter()
            .map(|v| format!("{v:.1}")),
    );
    row
}

fn all_completed(practice: &Practice<'_>, args: &EvaluateArgs) -> Result<i32> {
    let ids = practice.unevaluated()?;
    let mut out = output::stdout();
    if ids.is_empty() {
        writeln!(
            output::hints(),
            "nothing to evaluate: every completed session already has an evaluation"
        )?;
        return Ok(exit::OK);
    }
    let sessions: Vec<Session> = ids
        .iter()
        .map(|&id| practice.show(id))
        .collect::<crate::Result<_>>()?;
    let bar = progress(sessions.len());
    let judge = practice.judge();
    let assessed = par_map(&sessions, args.jobs as usize, |s| {
        let r = judge.evaluate(&EvalInput::of(s));
        bar.inc(1);
        r
    });
    bar.finish_and_clear();
    if args.csv {
        writeln!(out, "{}", CSV_HEADER.replacen("path", "session_id", 1))?;
    }
    let mut failed = 0;
    let mut rows = Vec::new();
    for (s, a) in sessions.iter().zip(assessed) {
        let id = s.session_id.to_string();
        if let Ok(Some(n)) = a.as_ref().map(|a| &a.notice) {
            writeln!(output::stderr(), "prapp: {id}: note: {n}")?;
        }
        let result = a
            .map_err(|e| e.to_string())
            .and_then(|a| practice.record(s, a).map_err(|e| e.to_string()));
        if result.is_err() {
            failed += 1;
        }
        if args.json {
            let line = match &result {
                Ok(e) => json!({ "session_id": id, "evaluation": e }),
                Err(err) => json!({ "session_id": id, "error": err }),
            };
            writeln!(out, "{line}")?;
        } else if args.csv {
            let r = result
                .as_ref()
                .map(|e| (e.universal_scores, e.overall_score))
                .map_err(Clone::clone);
            writeln!(out, "{}", csv_row(&id, &r))?;
        } else {
            match result {
                Ok(e) => rows.push(table_row(&practice.short_id(s.session_id), s, &e)),
                Err(err) => writeln!(output::stderr(), "prapp: {id}: {err}")?,
            }
        }
    }
    if !rows.is_empty() {
        output::table(
            &mut out,
            &[
                "SESSION", "TYPE", "OVERALL", "CLAR", "REL", "CONF", "LANG", "TONE", "ENG",
            ],
            &rows,
        )?;
    }
    Ok(if failed > 0 { exit::FAILURE } else { exit::OK })
}
