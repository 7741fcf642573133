//! How the CLI shows things to people: styles (which anstream strips when piped or under
//! NO_COLOR), tables, transcripts, and JSON for scripts.

use std::io::{self, IsTerminal, Write};

use anstyle::{AnsiColor, Style};
use chrono::{DateTime, Local, Utc};
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use crate::domain::{ChatMessage, Role, Session};

pub const BOLD: Style = Style::new().bold();
pub const DIM: Style = Style::new().dimmed();
pub const COACH: Style = AnsiColor::Cyan.on_default().bold();
pub const YOU: Style = AnsiColor::Green.on_default().bold();
pub const OK: Style = AnsiColor::Green.on_default();
pub const WARN: Style = AnsiColor::Yellow.on_default();

pub type Out = anstream::AutoStream<io::StdoutLock<'static>>;

pub fn stdout() -> Out {
    anstream::AutoStream::auto(io::stdout().lock())
}

/// Diagnostics: stderr, with colour only when stderr itself is a terminal.
pub fn stderr() -> anstream::AutoStream<io::StderrLock<'static>> {
    anstream::AutoStream::auto(io::stderr().lock())
}

static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// `-q`: hints, notes and progress bars are dropped; results and errors stay.
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, std::sync::atomic::Ordering::Relaxed);
}

pub fn quiet() -> bool {
    QUIET.load(std::sync::atomic::Ordering::Relaxed)
}

static NO_PAGER: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// `--no-pager`.
pub fn set_no_pager(no_pager: bool) {
    NO_PAGER.store(no_pager, std::sync::atomic::Ordering::Relaxed);
}

/// Long human output (a transcript) goes through `$PAGER` (`less -FRX` by default) when stdout is
/// a terminal and the text is taller than it; otherwise straight to stdout. A pager that cannot
/// start is not an error: the text is printed instead.
pub fn paged(render: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>) -> anyhow::Result<()> {
    let stdout_is_tty = io::stdout().is_terminal();
    if !stdout_is_tty || NO_PAGER.load(std::sync::atomic::Ordering::Relaxed) {
        return render(&mut stdout());
    }
    let choice = anstream::AutoStream::choice(&io::stdout());
    let mut buf = anstream::AutoStream::new(Vec::new(), choice);
    render(&mut buf)?;
    let text = buf.into_inner();
    let height = crossterm::terminal::size()
        .map(|(_, h)| h as usize)
        .unwrap_or(24);
    let lines = text.iter().filter(|&&b| b == b'\n').count();
    let pager = crate::config::env_var("PRAPP_PAGER")
        .or_else(|| crate::config::env_var("PAGER"))
        .unwrap_or_else(|| "less".into());
    if lines < height || pager == "cat" {
        return Ok(io::stdout().lock().write_all(&text)?);
    }
    let mut parts = pager.split_whitespace();
    let program = parts.next().unwrap_or("less");
    let mut cmd = std::process::Command::new(program);
    cmd.args(parts).stdin(std::process::Stdio::piped());
    if std::env::var_os("LESS").is_none() {
        // Quit if it fits, keep colours, leave the text on screen.
        cmd.env("LESS", "FRX");
    }
    let Ok(mut child) = cmd.spawn() else {
        return Ok(io::stdout().lock().write_all(&text)?);
    };
    if let Some(mut stdin) = child.stdin.take() {
        // The reader may quit before reading it all: that is not an error.
        match stdin.write_all(&text) {
            Err(e) if e.kind() != io::ErrorKind::BrokenPipe => return Err(e.into()),
            _ => {}
        }
    }
    child.wait()?;
    Ok(())
}

/// Hints and notes ("no sessions yet — …", "wrote …"): stderr, or nowhere under `-q`.
pub fn hints() -> Box<dyn Write> {
    if quiet() {
        Box::new(io::sink())
    } else {
        Box::new(stderr())
    }
}

/// `text` in `style`; the stream decides whether escapes reach the terminal.
pub fn paint(style: Style, text: impl std::fmt::Display) -> String {
    format!("{style}{text}{style:#}")
}

pub fn json<T: Serialize>(out: &mut impl Write, value: &T) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

/// The width to wrap human output at: the terminal's, or none when piped.
pub fn wrap_width() -> Option<usize> {
    if !io::stdout().is_terminal() {
        return None;
    }
    crossterm::terminal::size()
        .ok()
        .map(|(w, _)| (w as usize).clamp(20, 120))
}

pub fn short_id(s: &Session) -> String {
    s.session_id.to_string()[..13].to_string()
}

pub fn local_time(t: &DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()
}

/// Cuts `s` to `max` display columns, with an ellipsis when cut.
pub fn truncate(s: &str, max: usize) -> String {
    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.width() <= max {
        return one_line;
    }
    let mut out = String::new();
    let mut w = 0;
    for c in one_line.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw + 1 > max {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

/// Display width of a cell, not counting colour escapes.
fn cell_width(s: &str) -> usize {
    anstream::adapter::strip_str(s).to_string().width()
}

/// A plain table: a bold header row, columns padded by display width, two spaces apart.
pub fn table(out: &mut impl Write, header: &[&str], rows: &[Vec<String>]) -> io::Result<()> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(cell_width(c));
        }
    }
    let line = |cells: Vec<String>| {
        let last = cells.len() - 1;
        cells
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                if i == last {
                    c
                } else {
                    let pad = widths[i] - cell_width(&c);
                    format!("{c}{}", " ".repeat(pad))
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
    };
    let head = line(header.iter().map(|h| h.to_string()).collect());
    writeln!(out, "{}", paint(BOLD, head))?;
    for r in rows {
        writeln!(out, "{}", line(r.clone()))?;
    }
    Ok(())
}

pub fn speaker(role: Role) -> String {
    match role {
        Role::Ai => paint(COACH, "Coach"),
        Role::User => paint(YOU, "You"),
    }
}

/// One message as a labelled, wrapped block.
pub fn message(out: &mut impl Write, m: &ChatMessage, width: Option<usize>) -> io::Result<()> {
    message_with(out, m, width, None)
}

/// A message with a dim footer line (the model and tokens of an AI reply).
pub fn message_with(
    out: &mut impl Write,
    m: &ChatMessage,
    width: Option<usize>,
    footer: Option<String>,
) -> io::Result<()> {
    writeln!(out, "{}", speaker(m.role))?;
    let indent = "  ";
    for para in m.content.lines() {
        match width {
            Some(w) => {
                let opts = textwrap::Options::new(w.saturating_sub(2).max(10))
                    .initial_indent(indent)
                    .subsequent_indent(indent);
                for l in textwrap::wrap(para, opts) {
                    writeln!(out, "{l}")?;
                }
            }
            None => writeln!(out, "{indent}{para}")?,
        }
    }
    if let Some(f) = footer {
        writeln!(out, "{indent}{}", paint(DIM, f))?;
    }
    writeln!(out)
}

/// A 0–10 score as a bar of 20 cells with eighth-block precision, coloured by level.
pub fn score_bar(score: f64) -> String {
    const CELLS: usize = 20;
    const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let eighths = ((score.clamp(0.0, 10.0) / 10.0) * (CELLS * 8) as f64).round() as usize;
    let mut bar = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        bar.push(PARTS[eighths % 8]);
    }
    let width = bar.chars().count();
    let style = score_style(score);
    format!(
        "{}{}",
        paint(style, bar),
        paint(DIM, "·".repeat(CELLS - width))
    )
}

pub fn score_style(score: f64) -> Style {
    match score {
        s if s >= 7.0 => AnsiColor::Green.on_default(),
        s if s >= 5.0 => AnsiColor::Yellow.on_default(),
        _ => AnsiColor::Red.on_default(),
    }
}

/// Wraps a paragraph to the terminal with an indent (no wrapping when piped).
pub fn paragraph(
    out: &mut impl Write,
    text: &str,
    indent: &str,
    width: Option<usize>,
) -> io::Result<()> {
    match width {
        Some(w) => {
            let opts = textwrap::Options::new(w.saturating_sub(1).max(20))
                .initial_indent(indent)
                .subsequent_indent(indent);
            for l in textwrap::wrap(text, opts) {
                writeln!(out, "{l}")?;
            }
        }
        None => writeln!(out, "{indent}{text}")?,
    }
    Ok(())
}

/// A list item with a hanging indent.
pub fn bullet(
    out: &mut impl Write,
    mark: &str,
    text: &str,
    width: Option<usize>,
) -> io::Result<()> {
    match width {
        Some(w) => {
            let hang = " ".repeat(mark.width() + 3);
            let first = format!("  {mark} ");
            let opts = textwrap::Options::new(w.saturating_sub(1).max(20))
                .initial_indent(&first)
                .subsequent_indent(&hang);
            for l in textwrap::wrap(text, opts) {
                writeln!(out, "{l}")?;
            }
        }
        None => writeln!(out, "  {mark} {text}")?,
    }
    Ok(())
}

/// Quotes a CSV field when it needs it.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// "gpt-4o-mini · 812 → 64 tokens · 1.4 s" under an AI message.
pub fn usage_line(u: &crate::domain::MessageUsage) -> String {
    let tokens = match (u.prompt_tokens, u.completion_tokens) {
        (Some(p), Some(c)) => format!(" · {p} → {c} tokens"),
        _ => String::new(),
    };
    format!(
        "{}{tokens} · {:.1} s",
        u.model,
        u.latency_ms as f64 / 1000.0
    )
}
