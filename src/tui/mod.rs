//! The interactive practice screen. Owns the terminal (raw mode, alternate screen, mouse) and
//! always gives it back: on quit, on error, on panic (a hook) and on SIGTERM/SIGHUP. Keys, ticks
//! and the worker's events meet in one loop; [`app::App`] decides, the driver carries out.

pub mod app;
pub mod keys;
pub mod markdown;
mod strings;
pub mod ui;
mod worker;

use std::io::{self, Stdout, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crossterm::event::{
    self as ct, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste,
    EnableMouseCapture,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use uuid::Uuid;

use app::{App, Effect, Event};

/// Where the TUI opens.
#[derive(Debug, Clone, Copy)]
pub enum Start {
    Sessions,
    Chat(Uuid),
}

const TICK: Duration = Duration::from_millis(100);

fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

/// Restores the terminal when dropped, whatever path leaves the TUI.
struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

fn enter() -> io::Result<Terminal<CrosstermBackend<Stdout>>> {
    enable_raw_mode()?;
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    )?;
    Terminal::new(CrosstermBackend::new(io::stdout()))
}

/// Runs the TUI until the user quits.
pub fn run(
    data_dir: &Path,
    start: Start,
    keymap: keys::Keymap,
    engines: crate::engines::Engines,
) -> anyhow::Result<()> {
    let (event_tx, event_rx) = mpsc::channel::<Event>();
    let (effect_tx, effect_rx) = mpsc::channel::<Effect>();
    let cancel = crate::coach::Cancel::default();
    let coach_label = engines.label(None);
    let worker = {
        let (dir, tx, cancel) = (data_dir.to_path_buf(), event_tx.clone(), cancel.clone());
        std::thread::spawn(move || worker::run(dir, effect_rx, tx, cancel, engines))
    };

    // SIGTERM/SIGHUP: the loop quits like Ctrl+C (keeping the draft). If it cannot — a closed
    // terminal can leave the input reader spinning — a watchdog restores and exits shortly after.
    let stop = Arc::new(AtomicBool::new(false));
    #[cfg(unix)]
    {
        let mut signals = signal_hook::iterator::Signals::new([
            signal_hook::consts::SIGTERM,
            signal_hook::consts::SIGHUP,
        ])?;
        let stop = stop.clone();
        std::thread::spawn(move || {
            if let Some(sig) = signals.forever().next() {
                stop.store(true, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(1500));
                restore();
                std::process::exit(128 + sig);
            }
        });
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));

    let _guard = Guard;
    let mut terminal = enter()?;
    let mut app = App::new(coach_label);
    let mut pending: Vec<Effect> = vec![Effect::LoadSessions];
    if let Start::Chat(id) = start {
        pending.push(Effect::Open(id));
    }
    let mut last_tick = Instant::now();
    loop {
        for effect in pending.drain(..) {
            match effect {
                Effect::Cancel => cancel.cancel(),
                Effect::Quit => app.quit = true,
                Effect::Edit(text) => {
                    let edited = edit(&mut terminal, &text);
                    match edited {
                        Ok(t) => {
                            app.handle(Event::Edited(t));
                        }
                        Err(e) => {
                            app.handle(Event::Failed(e));
                        }
                    }
                }
                other => {
                    let _ = effect_tx.send(other);
                }
            }
        }
        if app.quit {
            break;
        }
        terminal.draw(|f| ui::draw(f, &mut app))?;
        if stop.load(Ordering::SeqCst) {
            // SIGTERM/SIGHUP: keep the draft, then leave like a normal quit.
            pending.extend(app.handle(Event::Key(ct::KeyEvent::new(
                ct::KeyCode::Char('c'),
                ct::KeyModifiers::CONTROL,
            ))));
            if !app.quit {
                pending.push(Effect::Quit);
            }
            continue;
        }
        let timeout = TICK
            .saturating_sub(last_tick.elapsed())
            .min(Duration::from_millis(30));
        if ct::poll(timeout)? {
            let ev = match ct::read()? {
                ct::Event::Key(k) => Some(Event::Key(keymap.translate(k, app.typing()))),
                ct::Event::Mouse(m) => Some(Event::Mouse(m)),
                ct::Event::Paste(p) => Some(Event::Paste(p)),
                _ => None,
            };
            if let Some(ev) = ev {
                pending.extend(app.handle(ev));
            }
        }
        while let Ok(ev) = event_rx.try_recv() {
            pending.extend(app.handle(ev));
        }
        if last_tick.elapsed() >= TICK {
            last_tick = Instant::now();
            pending.extend(app.handle(Event::Tick));
        }
    }
    // Let the worker finish what it was asked (the draft above all) before leaving.
    let _ = effect_tx.send(Effect::Quit);
    drop(effect_tx);
    let _ = worker.join();
    drop(terminal);
    restore();
    let _ = io::stdout().flush();
    Ok(())
}

/// Suspends the TUI, opens `$VISUAL`/`$EDITOR` on the answer, and comes back with the result.
fn edit(terminal: &mut Terminal<CrosstermBackend<Stdout>>, text: &str) -> Result<String, String> {
    let dir = tempfile::tempdir()
        .map_err(|e| format!("cannot create a temp file for the editor: {e}"))?;
    let path = dir.path().join("answer.md");
    std::fs::write(&path, text).map_err(|e| format!("cannot write the temp file: {e}"))?;
    restore();
    let status = crate::editor::open(&path);
    let _ = enable_raw_mode();
    let _ = execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    );
    let _ = terminal.clear();
    match status {
        Ok(()) => std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read the edited answer: {e}")),
        Err(e) => Err(format!("{e}; your answer is unchanged")),
    }
}
