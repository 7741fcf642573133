//! Drawing: one function per screen part. Reads the app state, never changes anything but the
//! chat's wrap cache and scroll bookkeeping. Safe at any size, down to 20×6 and below.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Row, Table, TableState, Wrap};

use super::app::{App, ChatView, FORM_FIELDS, Screen};
use super::markdown;
use super::strings as s;
use crate::domain::{Dimension, Evaluation, Priority, Role, Session, SessionStatus};

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const COACH: Style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
const YOU: Style = Style::new().fg(Color::Green).add_modifier(Modifier::BOLD);
const DIM: Style = Style::new().add_modifier(Modifier::DIM);
const ERROR: Style = Style::new().fg(Color::Red);

pub fn draw(f: &mut Frame<'_>, app: &mut App) {
    let area = f.area();
    if area.width == 0 || area.height == 0 {
        return;
    }
    match app.screen {
        Screen::Sessions => sessions(f, app, area),
        Screen::Chat => chat(f, app, area),
        Screen::Evaluation => evaluation(f, app, area),
        Screen::NewSession => form(f, app, area),
    }
    if app.help {
        help(f, app, area);
    }
}

fn kind(s: &Session) -> String {
    match &s.meeting_subtype {
        Some(sub) => format!("{} · {sub}", s.preparation_type),
        None => s.preparation_type.to_string(),
    }
}

fn score_style(x: f64) -> Style {
    match x {
        v if v >= 7.0 => Style::new().fg(Color::Green),
        v if v >= 5.0 => Style::new().fg(Color::Yellow),
        _ => Style::new().fg(Color::Red),
    }
}

/// What the status bar says besides the screen's own facts.
struct Status {
    working: Option<&'static str>,
    error: Option<String>,
    info: Option<String>,
    tick: usize,
}

fn status_of(app: &App) -> Status {
    Status {
        working: app.working,
        error: app.error.clone(),
        info: app.info.clone(),
        tick: app.tick,
    }
}

/// The bottom line: the last error (or info) first, so a narrow terminal still shows it, then
/// the screen's facts.
fn status_line(st: &Status, facts: Vec<Span<'static>>) -> Line<'static> {
    let mut spans = Vec::new();
    if let Some(e) = &st.error {
        spans.push(Span::styled(format!(" ✗ {e} "), ERROR));
    } else if let Some(i) = &st.info {
        spans.push(Span::styled(
            format!(" {i} "),
            Style::new().fg(Color::Yellow),
        ));
    }
    if let Some(w) = st.working {
        spans.push(Span::raw(format!(
            " {} {w} ",
            SPINNER[st.tick % SPINNER.len()]
        )));
    }
    spans.extend(facts);
    Line::from(spans)
}

fn sessions(f: &mut Frame<'_>, app: &mut App, area: Rect) {
    let [main, bottom] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
    let v = &app.sessions;
    let visible = v.visible();
    let mut title = s::SESSIONS_TITLE.to_string();
    if let Some(st) = v.status {
        title.push_str(&format!("[{st}] "));
    }
    if let Some(k) = v.kind {
        title.push_str(&format!("[{k}] "));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .title_bottom(
            Line::from(" n new · Enter open · / search · s status · t type · a archive · ? help ")
                .alignment(Alignment::Right),
        );
    if visible.is_empty() {
        let msg = if !v.loaded {
            "loading…"
        } else if v.all.is_empty() {
            s::NO_SESSIONS
        } else {
            s::NO_MATCH
        };
        f.render_widget(
            Paragraph::new(msg).block(block).wrap(Wrap { trim: true }),
            main,
        );
    } else {
        // Build rows only for the window that shows: a list of 10,000 draws like a list of 30.
        let rows_h = (main.height as usize).saturating_sub(3).max(1);
        let start = (v.selected + 1).saturating_sub(rows_h);
        let rows: Vec<Row<'_>> = visible[start..(start + rows_h).min(visible.len())]
            .iter()
            .map(|x| {
                let score = x
                    .evaluation_summary
                    .map(|e| {
                        Span::styled(
                            format!("{:.1}", e.overall_score),
                            score_style(e.overall_score),
                        )
                    })
                    .unwrap_or_else(|| Span::styled("–", DIM));
                let status = match x.status {
                    SessionStatus::Completed => {
                        Span::styled(x.status.as_str(), Style::new().fg(Color::Green))
                    }
                    SessionStatus::Archived => Span::styled(x.status.as_str(), DIM),
                    _ => Span::raw(x.status.as_str()),
                };
                Row::new(vec![
                    Line::from(x.preparation_type.as_str()),
                    Line::from(crate::domain::subtype_label(x.meeting_subtype.as_deref())),
                    Line::from(status),
                    Line::from(x.turn_count.to_string()),
                    Line::from(score),
                    Line::from(crate::cli::output::local_time(&x.created_at)),
                    Line::from(x.agenda.clone().unwrap_or_default()),
                ])
            })
            .collect();
        let table = Table::new(
            rows,
            [
                Constraint::Length(12),
                Constraint::Length(18),
                Constraint::Length(11),
                Constraint::Length(5),
                Constraint::Length(5),
                Constraint::Length(16),
                Constraint::Min(10),
            ],
        )
        .header(
            Row::new([
                "TYPE", "SUBTYPE", "STATUS", "TURNS", "SCORE", "CREATED", "AGENDA",
            ])
            .style(Style::new().bold()),
        )
        .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED))
        .block(block);
        let mut state = TableState::default().with_selected(Some(v.selected - start));
        f.render_stateful_widget(table, main, &mut state);
    }
    let facts = if v.searching || !v.search.is_empty() {
        vec![Span::raw(format!(
            "{}{}{}",
            s::SEARCH_PROMPT,
            v.search,
            if v.searching { "▏" } else { "" }
        ))]
    } else {
        vec![Span::styled(
            format!(
                " {} · {} session{} · coach: {}",
                s::APP,
                visible.len(),
                if visible.len() == 1 { "" } else { "s" },
                app.coach_name
            ),
            DIM,
        )]
    };
    f.render_widget(Paragraph::new(status_line(&status_of(app), facts)), bottom);
    if let Some(super::app::Confirm::Archive(_)) = app.confirm {
        popup(f, area, s::CONFIRM_ARCHIVE);
    }
}

/// A `w`×`h` rectangle in the middle of `area` (both already no larger than it).
fn centered(area: Rect, w: u16, h: u16) -> Rect {
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

fn popup(f: &mut Frame<'_>, area: Rect, text: &str) {
    let w = (text.chars().count() as u16 + 4).min(area.width);
    let h = 3.min(area.height);
    let r = centered(area, w, h);
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(text)
            .block(Block::default().borders(Borders::ALL))
            .wrap(Wrap { trim: true }),
        r,
    );
}

/// Makes sure a message's wrapped lines for this width are cached; returns how many there are.
/// A message shown before it was stored has the nil id and is wrapped afresh each time.
fn ensure_wrapped(c: &mut ChatView, idx: usize, width: u16) -> usize {
    let m = &c.session.messages()[idx];
    if m.message_id.is_nil() {
        return render_message(m.role, &m.content, width).len();
    }
    let key = (m.message_id, width);
    if let Some(lines) = c.cache.get(&key) {
        return lines.len();
    }
    let lines = render_message(m.role, &m.content, width);
    let n = lines.len();
    c.cache.insert(key, lines);
    n
}

fn wrapped(c: &ChatView, idx: usize, width: u16) -> Vec<Line<'static>> {
    let m = &c.session.messages()[idx];
    match c.cache.get(&(m.message_id, width)) {
        Some(lines) if !m.message_id.is_nil() => lines.clone(),
        _ => render_message(m.role, &m.content, width),
    }
}

/// The coach's words as they read in the practice screen: where a message tells the user to
/// run `prapp session complete`, here that is Ctrl+D.
pub fn in_the_screen(content: &str) -> std::borrow::Cow<'_, str> {
    const COMMAND: &str = "`prapp session complete`";
    if !content.contains(COMMAND) {
        return std::borrow::Cow::Borrowed(content);
    }
    std::borrow::Cow::Owned(
        content
            .replace(&format!("run {COMMAND}"), "press Ctrl+D")
            .replace(&format!("Run {COMMAND}"), "Press Ctrl+D")
            .replace(COMMAND, "Ctrl+D"),
    )
}

pub fn render_message(role: Role, content: &str, width: u16) -> Vec<Line<'static>> {
    let (label, style) = match role {
        Role::Ai => (s::COACH, COACH),
        Role::User => (s::YOU, YOU),
    };
    let body = match role {
        Role::Ai => markdown::render(&in_the_screen(content), Style::new()),
        Role::User => markdown::plain(content, Style::new()),
    };
    let mut out = vec![Line::from(Span::styled(label, style))];
    out.extend(markdown::wrap(&body, width as usize));
    out.push(Line::default());
    out
}

fn chat(f: &mut Frame<'_>, app: &mut App, area: Rect) {
    let status = status_of(app);
    let tick = app.tick;
    let coach_name = app.coach_name.clone();
    let Some(c) = app.chat.as_mut() else { return };
    let input_lines = c.input.lines().len().clamp(1, 6) as u16;
    let input_h = (input_lines + 2).min(area.height.saturating_sub(2)).max(1);
    // A long error gets a second line rather than being cut off.
    let message_w = status
        .error
        .as_deref()
        .or(status.info.as_deref())
        .map_or(0, |m| m.chars().count() + 4);
    let bar_h = if message_w > area.width as usize && area.height >= 8 {
        2
    } else {
        1
    };
    let [transcript, bar, input] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(bar_h),
        Constraint::Length(input_h),
    ])
    .areas(area);

    // Transcript: wrapped lines are cached per message, so a frame only wraps what is new and
    // only clones the lines it shows.
    let width = transcript.width.saturating_sub(1).max(1);
    let height = transcript.height as usize;
    let streaming: Vec<Line<'static>> = match &c.streaming {
        Some(partial) => {
            let mut l = render_message(Role::Ai, partial, width);
            if let Some(last) = l.last_mut() {
                *last = Line::from(Span::styled(SPINNER[tick % SPINNER.len()], COACH));
            }
            l
        }
        None => Vec::new(),
    };
    let n = c.session.messages().len();
    let counts: Vec<usize> = (0..n).map(|i| ensure_wrapped(c, i, width)).collect();
    let total = counts.iter().sum::<usize>() + streaming.len();
    if c.scroll > 0 && total > c.last_total && c.last_total > 0 {
        // New output while scrolled up: keep the view where the user left it.
        c.scroll += total - c.last_total;
    }
    c.last_total = total;
    c.scroll = c.scroll.min(total.saturating_sub(height));
    // Collect from the newest back until the view (plus the scroll) is covered.
    let need = height + c.scroll;
    let mut lines: Vec<Line<'static>> = streaming;
    let mut idx = n;
    while idx > 0 && lines.len() < need {
        idx -= 1;
        let mut m = wrapped(c, idx, width);
        m.append(&mut lines);
        lines = m;
    }
    let end = lines.len().saturating_sub(c.scroll);
    let start = end.saturating_sub(height);
    let view: Vec<Line<'static>> = lines[start..end].to_vec();
    f.render_widget(Paragraph::new(Text::from(view)), transcript);
    if c.scroll > 0 && transcript.height > 0 {
        let hint = Rect {
            y: transcript.y + transcript.height - 1,
            height: 1,
            ..transcript
        };
        f.render_widget(
            Paragraph::new(Span::styled(s::SCROLLED, DIM)).alignment(Alignment::Right),
            hint,
        );
    }

    // Status bar.
    let session = &c.session;
    let mut facts = vec![
        Span::styled(
            format!(" {} ", kind(session)),
            Style::new().add_modifier(Modifier::REVERSED),
        ),
        Span::raw(format!(
            " tone: {} ",
            session.tone.as_deref().unwrap_or("neutral")
        )),
        Span::styled(
            format!("│ {} ", App::turns_label(session)),
            if session.turn_count >= crate::domain::MIN_TURNS_TO_COMPLETE {
                Style::new().fg(Color::Green)
            } else {
                Style::new()
            },
        ),
        Span::styled(format!("│ {} ", coach_name), DIM),
    ];
    if session.status != SessionStatus::InProgress {
        facts.push(Span::styled(
            format!("│ {} ", session.status),
            Style::new().fg(Color::Yellow),
        ));
    }
    if c.streaming.is_some() {
        facts.push(Span::styled(
            format!("│ {} {}", SPINNER[tick % SPINNER.len()], s::ANSWERING),
            COACH,
        ));
    }
    let line = status_line(&status, facts);
    f.render_widget(Paragraph::new(line).wrap(Wrap { trim: false }), bar);

    // Input.
    let open = c.session.status == SessionStatus::InProgress;
    let title = if open {
        s::INPUT_TITLE
    } else {
        s::INPUT_CLOSED
    };
    c.input
        .set_block(Block::default().borders(Borders::ALL).title(title));
    f.render_widget(&c.input, input);
    if c.offer_evaluate {
        popup(f, area, s::OFFER_EVALUATE);
    }
}

fn evaluation(f: &mut Frame<'_>, app: &mut App, area: Rect) {
    let [main, bottom] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
    let Some((session, e)) = &app.evaluation else {
        return;
    };
    let lines = evaluation_lines(session, e, main.width.saturating_sub(2));
    let block = Block::default().borders(Borders::ALL).title(s::EVAL_TITLE);
    let max = (lines.len() as u16).saturating_sub(main.height.saturating_sub(2));
    app.eval_scroll = app.eval_scroll.min(max);
    f.render_widget(
        Paragraph::new(Text::from(lines))
            .block(block)
            .scroll((app.eval_scroll, 0)),
        main,
    );
    let facts = vec![Span::styled(
        format!(
            " {} · d drill the weakest · q back · j/k scroll · ? help",
            kind(session)
        ),
        DIM,
    )];
    f.render_widget(Paragraph::new(status_line(&status_of(app), facts)), bottom);
}

fn bar(score: f64, cells: usize) -> String {
    let filled = ((score.clamp(0.0, 10.0) / 10.0) * cells as f64).round() as usize;
    format!("{}{}", "█".repeat(filled), "·".repeat(cells - filled))
}

pub fn evaluation_lines(session: &Session, e: &Evaluation, width: u16) -> Vec<Line<'static>> {
    let w = width.max(10) as usize;
    let mut out = vec![
        Line::from(vec![
            Span::styled("Overall ", Style::new().bold()),
            Span::styled(
                format!("{:.1}/10", e.overall_score),
                score_style(e.overall_score).bold(),
            ),
            Span::styled(format!("  {}", kind(session)), DIM),
        ]),
        Line::default(),
    ];
    let cells = w.saturating_sub(30).clamp(5, 20);
    for d in Dimension::ALL {
        let score = e.universal_scores.get(d);
        out.push(Line::from(vec![
            Span::raw(format!("{:<22} ", d.label())),
            Span::styled(bar(score, cells), score_style(score)),
            Span::raw(format!(" {score:>4.1}")),
        ]));
    }
    let mut section = |title: &str, items: Vec<String>| {
        out.push(Line::default());
        out.push(Line::from(Span::styled(
            title.to_string(),
            Style::new().bold(),
        )));
        for item in items {
            out.extend(markdown::wrap(&[Line::from(item)], w));
        }
    };
    section("Summary", vec![e.summary.clone()]);
    section(
        "Strengths",
        e.strengths.iter().map(|x| format!("+ {x}")).collect(),
    );
    section(
        "Improvement areas",
        e.improvement_areas
            .iter()
            .map(|a| {
                let p = match a.priority {
                    Priority::High => "high",
                    Priority::Medium => "medium",
                    Priority::Low => "low",
                };
                format!(
                    "- {} {:.1} [{p}]: {}",
                    a.dimension.label(),
                    a.current_level,
                    a.suggestion
                )
            })
            .collect(),
    );
    section(
        "Practice next",
        e.practice_suggestions
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{}. {p}", i + 1))
            .collect(),
    );
    section(
        "Evidence from your answers",
        e.evidence
            .iter()
            .map(|x| format!("› {}: \"{}\" — {}", x.dimension.label(), x.quote, x.note))
            .collect(),
    );
    out
}

fn form(f: &mut Frame<'_>, app: &mut App, area: Rect) {
    let [main, bottom] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
    let fm = &app.form;
    let subtypes = fm.subtypes();
    let values = [
        format!("◀ {} ▶", fm.preparation_type()),
        format!(
            "◀ {} ▶  ({} of {})",
            fm.subtype(),
            fm.subtype % subtypes.len() + 1,
            subtypes.len()
        ),
        fm.agenda.clone(),
        fm.tone.clone(),
        fm.context.clone(),
    ];
    let mut lines = Vec::new();
    for (i, (name, value)) in FORM_FIELDS.iter().zip(values).enumerate() {
        let active = i == fm.field;
        let marker = if active { "› " } else { "  " };
        let label = Span::styled(
            format!("{marker}{name}"),
            if active {
                Style::new().bold().fg(Color::Cyan)
            } else {
                Style::new().bold()
            },
        );
        lines.push(Line::from(label));
        let cursor = if active && i >= 2 { "▏" } else { "" };
        lines.extend(markdown::wrap(
            &[Line::from(format!("    {value}{cursor}"))],
            main.width.saturating_sub(2) as usize,
        ));
        lines.push(Line::default());
    }
    let block = Block::default().borders(Borders::ALL).title(s::NEW_TITLE);
    f.render_widget(Paragraph::new(Text::from(lines)).block(block), main);
    f.render_widget(
        Paragraph::new(status_line(
            &status_of(app),
            vec![Span::styled(" new session", DIM)],
        )),
        bottom,
    );
}

fn help(f: &mut Frame<'_>, app: &App, area: Rect) {
    let keys = match app.screen {
        Screen::Sessions => s::HELP_SESSIONS,
        Screen::Chat => s::HELP_CHAT,
        Screen::Evaluation => s::HELP_EVALUATION,
        Screen::NewSession => s::HELP_FORM,
    };
    let mut rows: Vec<(String, String)> = keys
        .iter()
        .map(|(k, w)| (k.to_string(), w.to_string()))
        .collect();
    rows.extend(
        app.custom_keys
            .iter()
            .map(|(k, action)| (k.clone(), format!("{action} (from your config)"))),
    );
    let key_w = rows
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    let lines: Vec<Line<'_>> = rows
        .into_iter()
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(format!("{k:<key_w$}  "), Style::new().bold()),
                Span::raw(what),
            ])
        })
        .collect();
    let w = (key_w + 50).min(area.width as usize) as u16;
    let h = (lines.len() as u16 + 2).min(area.height);
    let r = centered(area, w, h);
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(Text::from(lines))
            .block(Block::default().borders(Borders::ALL).title(s::HELP_TITLE))
            .wrap(Wrap { trim: false }),
        r,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closing_lines_say_ctrl_d_in_the_screen() {
        let f = crate::coach::bank::followups();
        for t in f
            .after_close
            .normal
            .iter()
            .chain(&f.after_close.challenging)
        {
            let shown = in_the_screen(t);
            assert!(shown.contains("Ctrl+D"), "{shown}");
            assert!(!shown.contains("prapp session complete"), "{shown}");
        }
        assert_eq!(
            in_the_screen("That was my last question. Run `prapp session complete`."),
            "That was my last question. Press Ctrl+D."
        );
        assert!(matches!(
            in_the_screen("Hello"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
