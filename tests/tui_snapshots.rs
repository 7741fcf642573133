//! Whole screens drawn into ratatui's TestBackend and compared with reviewed snapshots, at 80×24
//! and 120×40; and every size down to 1×1 drawn without a panic.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns

use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use prapp::domain::{
    ChatMessage, EvaluationSummary, PreparationType, Role, Session, SessionStatus,
};
use prapp::eval::EvalInput;
use prapp::tui::app::{App, Event};
use prapp::tui::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use uuid::Uuid;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn at(min: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, min, 0).unwrap()
}

fn msg(n: u128, role: Role, content: &str) -> ChatMessage {
    ChatMessage {
        message_id: Uuid::from_u128(1000 + n),
        role,
        content: content.into(),
        timestamp: at(n as u32),
    }
}

fn session(n: u128, t: PreparationType, sub: &str, status: SessionStatus, agenda: &str) -> Session {
    Session {
        session_id: Uuid::from_u128(n),
        user_id: Uuid::nil(),
        preparation_type: t,
        meeting_subtype: Some(sub.into()),
        agenda: Some(agenda.into()),
        tone: Some("challenging".into()),
        role_context: None,
        status,
        transcript: None,
        turn_count: 0,
        created_at: at(n as u32),
        updated_at: at(n as u32),
        completed_at: None,
        evaluation_summary: None,
    }
}

fn interview() -> Session {
    let mut s = session(
        7,
        PreparationType::Interview,
        "behavioral",
        SessionStatus::InProgress,
        "Senior backend role at a fintech",
    );
    s.transcript = Some(vec![
        msg(
            1,
            Role::Ai,
            "Thanks for coming in. Tell me about a time you had to **fix a production incident** under pressure. What happened?",
        ),
        msg(
            2,
            Role::User,
            "At my last company the payments API timed out during the holiday peak. I led the fix: I profiled the hot path and moved the fraud check to a queue. p99 fell from 900 ms to 240 ms.",
        ),
        msg(
            3,
            Role::Ai,
            "Good. Two follow-ups:\n\n- What did you *personally* decide?\n- How did you know it worked, with `p99` or something else?",
        ),
        msg(
            4,
            Role::User,
            "日本語のチームとも協力しました 🎉 and a verylongwordthatdoesnotfitanywhereonasinglelineatallbecauseitisjustfartoolongforthescreen",
        ),
        msg(
            5,
            Role::Ai,
            "Noted. Next: tell me about a conflict with a colleague.",
        ),
    ]);
    s.turn_count = 2;
    s
}

fn list() -> Vec<Session> {
    let mut done = session(
        3,
        PreparationType::Pitch,
        "seed",
        SessionStatus::Completed,
        "Seed round for a logistics startup",
    );
    done.turn_count = 4;
    done.evaluation_summary = Some(EvaluationSummary { overall_score: 6.8 });
    let mut i = interview();
    i.transcript = None;
    vec![
        i,
        done,
        session(
            2,
            PreparationType::Sales,
            "discovery",
            SessionStatus::InProgress,
            "Discovery call with a hospital network",
        ),
        session(
            1,
            PreparationType::Corporate,
            "one-on-one",
            SessionStatus::Archived,
            "Archived 1:1",
        ),
    ]
}

fn draw(app: &mut App, (w, h): (u16, u16)) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| ui::draw(f, app)).unwrap();
    t
}

fn snapshot(name: &str, app: &mut App) {
    for size in SIZES {
        let t = draw(app, size);
        let mut settings = insta::Settings::clone_current();
        // Dates show in local time: keep snapshots independent of the machine's zone.
        settings.add_filter(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", "YYYY-MM-DD hh:mm");
        settings
            .bind(|| insta::assert_snapshot!(format!("{name}_{}x{}", size.0, size.1), t.backend()));
    }
}

fn key(app: &mut App, code: KeyCode) {
    app.handle(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn chat_app() -> App {
    let mut app = App::new("built-in");
    app.handle(Event::Sessions(list()));
    app.handle(Event::Opened {
        session: interview(),
        draft: None,
    });
    app
}

#[test]
fn sessions_screen() {
    let mut app = App::new("built-in");
    app.handle(Event::Sessions(list()));
    key(&mut app, KeyCode::Char('j'));
    snapshot("sessions", &mut app);
}

#[test]
fn empty_sessions_screen() {
    let mut app = App::new("built-in");
    app.handle(Event::Sessions(vec![]));
    snapshot("sessions_empty", &mut app);
}

#[test]
fn chat_screen_with_markdown_wide_characters_and_long_words() {
    let mut app = chat_app();
    snapshot("chat", &mut app);
}

#[test]
fn chat_with_a_reply_streaming_half_way() {
    let mut app = chat_app();
    for c in "I argued for a queue because it kept the checkout fast.".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    app.handle(Event::Chunk("Fair enough. What did your ".into()));
    app.handle(Event::Chunk("colleague ".into()));
    snapshot("chat_streaming", &mut app);
}

#[test]
fn chat_with_an_error_in_the_status_bar() {
    let mut app = chat_app();
    app.handle(Event::Failed(
        "the session needs at least 3 turns to be completed, has 2 — answer 1 more question".into(),
    ));
    snapshot("chat_error", &mut app);
}

#[test]
fn help_overlay() {
    let mut app = chat_app();
    key(&mut app, KeyCode::Char('?'));
    snapshot("chat_help", &mut app);
}

#[test]
fn new_session_form() {
    let mut app = App::new("built-in");
    app.handle(Event::Sessions(vec![]));
    key(&mut app, KeyCode::Char('n'));
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Tab);
    for c in "Staff engineer at a bank".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    snapshot("new_session", &mut app);
}

#[test]
fn evaluation_screen() {
    let mut s = interview();
    s.status = SessionStatus::Completed;
    let a = prapp::eval::heuristic::evaluate(&EvalInput::of(&s)).unwrap();
    let mut e = prapp::domain::Evaluation::new(s.session_id, s.user_id, s.preparation_type, a);
    e.created_at = at(30);
    let mut app = App::new("built-in");
    app.handle(Event::Evaluated {
        session: s,
        evaluation: e,
    });
    snapshot("evaluation", &mut app);
}

#[test]
fn any_size_down_to_one_cell_never_panics() {
    let mut apps = vec![chat_app(), App::new("built-in")];
    apps[1].handle(Event::Sessions(list()));
    let mut help = chat_app();
    key(&mut help, KeyCode::Char('?'));
    apps.push(help);
    let mut form = App::new("x");
    key(&mut form, KeyCode::Char('n'));
    apps.push(form);
    for app in &mut apps {
        for w in 1..=40 {
            for h in 1..=12 {
                draw(app, (w, h));
            }
        }
    }
    // The smallest supported size still shows the status bar.
    let t = draw(&mut chat_app(), (20, 6));
    let text = format!("{}", t.backend());
    assert!(text.contains("interview"), "{text}");
}
