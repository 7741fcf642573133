//! `prapp session …`

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, Subcommand};

use super::output::{self, BOLD, DIM, OK, paint};
use super::{Ctx, chat, evaluate};
use crate::domain::{MAX_ROLE_CONTEXT_CHARS, Session, SessionSetup, SessionStatus};
use crate::error::Error;
use crate::store::ListFilter;
use crate::text::document;

#[derive(Debug, Subcommand)]
pub enum SessionCmd {
    /// Start a practice session and open the chat
    #[command(
        after_help = "Example:\n  prapp session new --type interview --subtype behavioral \\\n      --agenda \"Senior backend role at a fintech\" --tone challenging \\\n      --context-file cv.pdf --job-file job.md\n\nThe CV and the job description are stored together as the session's role context\n(20000 characters at most); a PDF must have a text layer (not a scanned image).\n\nSee also: prapp chat, prapp session list"
    )]
    New(NewArgs),
    /// List sessions, newest first (archived ones with --status archived)
    #[command(
        after_help = "Example:\n  prapp session list --status completed --type interview --json"
    )]
    List(ListArgs),
    /// Show a session's setup and full transcript
    #[command(after_help = "Example:\n  prapp session show 0193a5b2 --json")]
    Show(IdArgs),
    /// Change a session's status (setup → in_progress, any → archived, archived → back)
    #[command(
        after_help = "Example:\n  prapp session status 0193a5b2 in_progress\n\nSee also: prapp session complete, prapp session archive"
    )]
    Status(StatusArgs),
    /// Archive a session (nothing is erased; restore with `session status <id> <previous>`)
    #[command(after_help = "Example:\n  prapp session archive 0193a5b2")]
    Archive(IdArgs),
    /// Complete a session (needs at least 3 turns)
    #[command(
        after_help = "Example:\n  prapp session complete 0193a5b2\n\nSee also: prapp session evaluate"
    )]
    Complete(IdArgs),
    /// Evaluate a completed session on six dimensions (stored; once unless --force)
    #[command(
        after_help = "Example:\n  prapp session evaluate 0193a5b2\n\nSee also: prapp session evaluation, prapp evaluate"
    )]
    Evaluate(EvaluateArgs),
    /// Export a session (transcript + evaluation) as a Markdown or JSON report
    Export(super::export::ExportArgs),
    /// Show a session's stored evaluation
    #[command(after_help = "Example:\n  prapp session evaluation 0193a5b2 --json")]
    Evaluation(IdArgs),
    /// Each answer of a session on its own, weakest first, with its retakes
    #[command(
        after_help = "Examples:\n  prapp session answers 0193a5b2\n  prapp session answers 0193a5b2 --question 3 --diff\n\nSee also: prapp retake"
    )]
    Answers(super::retake::AnswersArgs),
}

#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// Session id, or a unique prefix of one
    #[arg(add = super::shell::session_ids())]
    pub id: String,
    /// Evaluate again even if an evaluation is stored (replaces it)
    #[arg(long)]
    pub force: bool,
    /// Print the evaluation as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// What to rehearse: interview, corporate, pitch, sales, presentation, other
    #[arg(short = 't', long = "type", value_name = "TYPE", add = super::shell::preparation_types())]
    pub preparation_type: String,
    /// The kind of meeting, e.g. behavioral, technical, system-design, seed, discovery
    #[arg(short = 's', long)]
    pub subtype: Option<String>,
    /// What the session is about, woven into the coach's questions
    #[arg(short = 'a', long)]
    pub agenda: Option<String>,
    /// The register you rehearse: formal, friendly, assertive or challenging, persuasive,
    /// supportive (these change the coach and the judge; any other is kept but changes nothing)
    #[arg(long)]
    pub tone: Option<String>,
    /// Role or CV context, as text
    #[arg(long, conflicts_with = "context_file")]
    pub context: Option<String>,
    /// Your CV or notes on the role, from a file: PDF, Markdown or text
    #[arg(long, value_name = "FILE")]
    pub context_file: Option<PathBuf>,
    /// The job description, as text
    #[arg(long, value_name = "TEXT", conflicts_with = "job_file")]
    pub job: Option<String>,
    /// The job description, from a file: PDF, Markdown or text
    #[arg(long, value_name = "FILE")]
    pub job_file: Option<PathBuf>,
    /// Don't open the chat; just print the new session (with -q: only its id)
    #[arg(long)]
    pub no_chat: bool,
    /// Print the new session as JSON (implies --no-chat)
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only sessions with this status: setup, in_progress, completed, archived
    #[arg(long)]
    pub status: Option<String>,
    /// Only sessions of this preparation type
    #[arg(short = 't', long = "type", value_name = "TYPE", add = super::shell::preparation_types())]
    pub preparation_type: Option<String>,
    /// How many sessions a page holds
    #[arg(short = 'n', long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub limit: u32,
    /// Which page to show (1 is the newest)
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub page: u32,
    /// Show every session on one page
    #[arg(long, conflicts_with_all = ["limit", "page"])]
    pub all: bool,
    /// Print the page as JSON, in the contract's shape
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct IdArgs {
    /// Session id, or a unique prefix of one
    #[arg(add = super::shell::session_ids())]
    pub id: String,
    /// Print the session as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Session id, or a unique prefix of one
    #[arg(add = super::shell::session_ids())]
    pub id: String,
    /// The new status: in_progress or archived (or, for an archived session, its previous one)
    pub status: String,
    /// Print the session as JSON
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, cmd: SessionCmd) -> Result<i32> {
    let practice = ctx.practice()?;
    let mut out = output::stdout();
    match cmd {
        SessionCmd::New(args) => {
            let role_context = role_context(&args)?;
            if let Some(t) = args.tone.as_deref().filter(|t| !t.trim().is_empty())
                && !crate::eval::heuristic::features::known_tone(t)
            {
                writeln!(
                    output::hints(),
                    "note: tone \"{t}\" is kept, but only formal, friendly, assertive (challenging), persuasive and supportive change how the coach and the judge behave"
                )?;
            }
            let setup = SessionSetup {
                preparation_type: Some(args.preparation_type.parse().map_err(Error::from)?),
                meeting_subtype: args.subtype,
                agenda: args.agenda,
                tone: args.tone,
                role_context,
            };
            let creator = ctx.practice_new()?;
            let session = creator.create(&setup)?;
            if let Some(pin) = ctx.engines.pin_for_new_session() {
                creator.pin_coach(session.session_id, pin)?;
            }
            if args.json {
                output::json(&mut out, &session)?;
                return Ok(0);
            }
            // For scripts, as `gh` and `docker` do: `id=$(prapp session new --type pitch -q)`.
            if output::quiet() {
                writeln!(out, "{}", session.session_id)?;
                return Ok(0);
            }
            print_header(&mut out, &session)?;
            drop(out);
            return chat::open_or_hint(ctx, output::stdout(), &session, args.no_chat);
        }
        SessionCmd::List(args) => {
            let filter = ListFilter {
                status: super::parse_opt(args.status.as_deref())?,
                preparation_type: super::parse_opt(args.preparation_type.as_deref())?,
                page: args.page as usize,
                page_size: (!args.all).then_some(args.limit as usize),
            };
            let page = practice.list(&filter)?;
            if args.json {
                output::json(&mut out, &page)?;
                return Ok(0);
            }
            if page.sessions.is_empty() {
                let hint = if page.total == 0 {
                    "no sessions yet — start one with `prapp session new --type interview`"
                } else {
                    "no sessions on this page — try a lower --page"
                };
                writeln!(output::hints(), "{hint}")?;
                return Ok(0);
            }
            let rows: Vec<Vec<String>> = page
                .sessions
                .iter()
                .map(|s| {
                    vec![
                        practice.short_id(s.session_id),
                        s.preparation_type.to_string(),
                        crate::domain::subtype_label(s.meeting_subtype.as_deref()),
                        status_cell(s.status),
                        s.turn_count.to_string(),
                        s.evaluation_summary
                            .map(|e| format!("{:.1}", e.overall_score))
                            .unwrap_or_else(|| "–".into()),
                        output::local_time(&s.created_at),
                        output::truncate(s.agenda.as_deref().unwrap_or(""), 40),
                    ]
                })
                .collect();
            output::table(
                &mut out,
                &[
                    "ID", "TYPE", "SUBTYPE", "STATUS", "TURNS", "SCORE", "CREATED", "AGENDA",
                ],
                &rows,
            )?;
            let shown_to = (page.page - 1) * page.page_size + page.sessions.len();
            if shown_to < page.total || page.page > 1 {
                writeln!(
                    output::hints(),
                    "{}",
                    paint(
                        DIM,
                        format!(
                            "showing {}–{} of {} — --page N, --limit N or --all for more",
                            shown_to - page.sessions.len() + 1,
                            shown_to,
                            page.total
                        )
                    )
                )?;
            }
        }
        SessionCmd::Show(args) => {
            let session = practice.show(practice.resolve(&args.id)?)?;
            if args.json {
                output::json(&mut out, &session)?;
                return Ok(0);
            }
            drop(out);
            let usage = practice.usage(session.session_id)?;
            output::paged(|mut out| {
                print_header(&mut out, &session)?;
                let width = output::wrap_width();
                for m in session.messages() {
                    let footer = usage.get(&m.message_id).map(output::usage_line);
                    output::message_with(&mut out, m, width, footer)?;
                }
                Ok(())
            })?;
            return Ok(0);
        }
        SessionCmd::Status(args) => {
            let to: SessionStatus = args.status.parse().map_err(Error::from)?;
            let session = practice.set_status(practice.resolve(&args.id)?, to)?;
            done(
                &practice,
                &mut out,
                &session,
                args.json,
                &format!("is now {}", session.status),
            )?;
        }
        SessionCmd::Archive(args) => {
            let session = practice.archive(practice.resolve(&args.id)?)?;
            done(
                &practice,
                &mut out,
                &session,
                args.json,
                "is archived — nothing was erased; `prapp session list --status archived` shows it",
            )?;
        }
        SessionCmd::Answers(args) => {
            drop(out);
            return super::retake::answers(ctx, args);
        }
        SessionCmd::Evaluate(args) => {
            drop(out);
            let judge = ctx.engines.judge()?;
            let practice = practice.with_judge(judge.as_ref());
            let code = evaluate::one(&practice, &args.id, true, args.force, args.json)?;
            evaluate::judge_hint(ctx)?;
            return Ok(code);
        }
        SessionCmd::Export(args) => {
            drop(out);
            return super::export::run(ctx, args);
        }
        SessionCmd::Evaluation(args) => {
            drop(out);
            return evaluate::one(&practice, &args.id, false, false, args.json);
        }
        SessionCmd::Complete(args) => {
            let session = practice.complete(practice.resolve(&args.id)?)?;
            done(
                &practice,
                &mut out,
                &session,
                args.json,
                &format!("is completed after {} turns", session.turn_count),
            )?;
        }
    }
    Ok(0)
}

/// Where a piece of the role context came from, for messages: "--context-file cv.pdf".
fn source(flag: &str, path: Option<&Path>) -> String {
    match path {
        Some(p) => format!("{flag}-file {}", p.display()),
        None => flag.to_string(),
    }
}

/// The CV and the job description as one `role_context` (see [`document::join_context`]),
/// read from the files given, within the limit for the two together.
fn role_context(args: &NewArgs) -> Result<Option<String>> {
    let cv = match (&args.context, &args.context_file) {
        (Some(text), _) => Some(text.clone()),
        (None, Some(path)) => Some(read_document("--context-file", path)?),
        (None, None) => None,
    };
    let job = match (&args.job, &args.job_file) {
        (Some(text), _) => Some(text.clone()),
        (None, Some(path)) => Some(read_document("--job-file", path)?),
        (None, None) => None,
    };
    let joined = document::join_context(cv.as_deref(), job.as_deref());
    let len = joined.as_deref().map_or(0, |c| c.chars().count());
    if len > MAX_ROLE_CONTEXT_CHARS {
        let cv_source = cv
            .is_some()
            .then(|| source("--context", args.context_file.as_deref()));
        let job_source = job
            .is_some()
            .then(|| source("--job", args.job_file.as_deref()));
        let what = match (cv_source, job_source) {
            (Some(c), Some(j)) => format!("{c} and {j} together are"),
            (Some(one), None) | (None, Some(one)) => format!("{one} is"),
            (None, None) => "the role context is".into(),
        };
        return Err(Error::Input(format!(
            "{what} too long: {len} characters, the limit is {MAX_ROLE_CONTEXT_CHARS} — keep the relevant part"
        ))
        .into());
    }
    Ok(joined)
}

/// A CV or a job description from a file (see [`document::read`]), with the flag that named it
/// in any error.
fn read_document(flag: &str, path: &Path) -> Result<String> {
    document::read(path).map_err(|e| match e {
        document::ReadError::Io(e) => {
            Error::io(format!("cannot read {flag} {}", path.display()), e).into()
        }
        document::ReadError::Unreadable(what) => {
            Error::Input(format!("{flag} {} {what}", path.display())).into()
        }
    })
}

fn status_cell(s: SessionStatus) -> String {
    match s {
        SessionStatus::Completed => paint(OK, s),
        SessionStatus::Archived => paint(DIM, s),
        _ => s.to_string(),
    }
}

fn print_header(out: &mut impl Write, s: &Session) -> Result<()> {
    let kind = match &s.meeting_subtype {
        Some(sub) => format!("{} · {}", s.preparation_type, sub),
        None => s.preparation_type.to_string(),
    };
    writeln!(out, "{} {}", paint(BOLD, "Session"), s.session_id)?;
    let mut field =
        |name: &str, value: &str| writeln!(out, "  {} {value}", paint(DIM, format!("{name:<8}")));
    field("type", &kind)?;
    field("status", &status_cell(s.status))?;
    if let Some(t) = &s.tone {
        field("tone", t)?;
    }
    if let Some(a) = &s.agenda {
        field("agenda", &output::truncate(a, 100))?;
    }
    if let Some(c) = &s.role_context {
        field(
            "context",
            &format!(
                "{} characters: {}",
                c.chars().count(),
                output::truncate(c, 60)
            ),
        )?;
    }
    field("turns", &crate::domain::turns_label(s.turn_count, s.status))?;
    if let Some(e) = s.evaluation_summary {
        field("score", &format!("{:.1} / 10", e.overall_score))?;
    }
    field("created", &output::local_time(&s.created_at))?;
    writeln!(out)?;
    Ok(())
}

fn done(
    practice: &crate::practice::Practice<'_>,
    out: &mut impl Write,
    s: &Session,
    json: bool,
    what: &str,
) -> Result<()> {
    if json {
        output::json(out, s)?;
    } else {
        let id = practice.short_id(s.session_id);
        writeln!(out, "Session {id} {what}").context("writing output")?;
    }
    Ok(())
}
