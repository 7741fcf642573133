//! Frame time of the practice screen as sessions grow: a chat of 1,000 messages and a list of
//! 10,000 sessions drawn into a 120×40 buffer (target: under 2 ms per frame).
//!
//! Run with `cargo bench --bench tui`. Prints medians; asserts nothing.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use prapp::domain::{self, ChatMessage, PreparationType, Role, Session, SessionStatus};
use prapp::tui::app::{App, Event};
use prapp::tui::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use uuid::Uuid;

fn session(n: usize, messages: usize) -> Session {
    let transcript = (0..messages)
        .map(|i| ChatMessage {
            message_id: Uuid::now_v7(),
            role: if i % 2 == 0 { Role::Ai } else { Role::User },
            content: if i % 2 == 0 {
                "Thanks. **Next question**: tell me about a time you *disagreed* with your manager, and what you did about it.\n\n- What was at stake?\n- How did it end?".into()
            } else {
                "At my last company our payments API was timing out during the holiday peak. My goal was to get p99 latency under 300 ms. I led the investigation, profiled the hot path and moved the fraud check to a queue; p99 dropped from 900 ms to 240 ms.".into()
            },
            timestamp: domain::now(),
        })
        .collect();
    Session {
        session_id: Uuid::now_v7(),
        user_id: Uuid::nil(),
        preparation_type: PreparationType::ALL[n % 6],
        meeting_subtype: Some("behavioral".into()),
        agenda: Some(format!("Practice session number {n}")),
        tone: Some("formal".into()),
        role_context: None,
        status: SessionStatus::InProgress,
        transcript: Some(transcript),
        turn_count: messages / 2,
        created_at: domain::now(),
        updated_at: domain::now(),
        completed_at: None,
        evaluation_summary: None,
    }
}

fn frames(app: &mut App, n: usize, between: impl Fn(&mut App)) -> (Duration, Duration) {
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let start = Instant::now();
    term.draw(|f| ui::draw(f, app)).expect("draw");
    let first = start.elapsed();
    let mut times: Vec<Duration> = (0..n)
        .map(|_| {
            between(app);
            let start = Instant::now();
            term.draw(|f| ui::draw(f, app)).expect("draw");
            start.elapsed()
        })
        .collect();
    times.sort();
    (first, times[n / 2])
}

fn main() {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;

    let mut chat = App::new("built-in");
    chat.handle(Event::Opened {
        session: session(0, 1000),
        draft: None,
    });
    let (first, median) = frames(&mut chat, 200, |_| {});
    println!(
        "chat, 1,000 messages, 120x40: first frame {:.2} ms (wraps everything), then median {:.3} ms/frame",
        ms(first),
        ms(median)
    );

    let mut streaming = App::new("built-in");
    streaming.handle(Event::Opened {
        session: session(0, 1000),
        draft: None,
    });
    for c in "An answer".chars() {
        streaming.handle(Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        )));
    }
    streaming.handle(Event::Key(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    )));
    let (_, median) = frames(&mut streaming, 200, |app| {
        app.handle(Event::Chunk("word ".into()));
    });
    println!(
        "chat, 1,000 messages, streaming a reply: median {:.3} ms/frame",
        ms(median)
    );

    let mut scrolled = App::new("built-in");
    scrolled.handle(Event::Opened {
        session: session(0, 1000),
        draft: None,
    });
    let (_, median) = frames(&mut scrolled, 200, |app| {
        app.handle(Event::Key(KeyEvent::new(
            KeyCode::PageUp,
            KeyModifiers::NONE,
        )));
    });
    println!(
        "chat, 1,000 messages, scrolling up by pages: median {:.3} ms/frame",
        ms(median)
    );

    let mut list = App::new("built-in");
    list.handle(Event::Sessions(
        (0..10_000).map(|n| session(n, 0)).collect(),
    ));
    let (_, median) = frames(&mut list, 100, |app| {
        app.handle(Event::Key(KeyEvent::new(
            KeyCode::Char('j'),
            KeyModifiers::NONE,
        )));
    });
    println!(
        "sessions, 10,000 in the list, moving down: median {:.3} ms/frame",
        ms(median)
    );
}
