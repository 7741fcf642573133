//! The practice screen end to end, in a real terminal: tmux runs the real binary, the test types
//! three answers, completes, evaluates and quits, then checks the screen, the stored session and
//! that the terminal is back in cooked mode.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns

mod fake_openai;
mod util;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use util::Env;

/// A tmux server of our own (its own socket), killed when the test ends.
struct Tmux {
    socket: String,
}

impl Tmux {
    /// `name` keeps tests of one run apart: each has its own server.
    fn new(name: &str) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            assert!(
                std::env::var_os("PRAPP_SKIP_TMUX").is_some(),
                "tmux is needed for this test (apt-get install tmux), or set PRAPP_SKIP_TMUX=1"
            );
            return None;
        }
        Some(Tmux {
            socket: format!("prapp-test-{}-{name}", std::process::id()),
        })
    }

    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "e2e"])
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    /// Types text literally (no key-name interpretation).
    fn type_text(&self, text: &str) {
        self.run(&["send-keys", "-t", "e2e", "-l", text]);
    }

    /// Waits (up to a generous deadline, so a broken build fails instead of hanging) until the
    /// screen shows `needle`.
    fn wait_for(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if screen.contains(needle) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {needle:?}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

fn wait_for_file(path: &Path) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !path.exists() {
        assert!(
            Instant::now() < deadline,
            "{} never appeared",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(200));
    std::fs::read_to_string(path).unwrap()
}

/// Runs `prapp chat <id>` in the tmux session "e2e" with `env_vars` set; when it exits, its exit
/// code and `stty -a` are written next to the returned path.
fn start_chat(tmux: &Tmux, env: &Env, id: &str, env_vars: &str) -> std::path::PathBuf {
    let stty = env.path("stty.txt");
    let script = format!(
        "{env_vars} PRAPP_HOME='{}' '{}' chat {}; echo \"exit=$?\" > '{}.code'; stty -a > '{}'; sleep 60",
        env.data_dir().display(),
        assert_cmd::cargo::cargo_bin("prapp").display(),
        &id[..13],
        stty.display(),
        stty.display()
    );
    tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "e2e",
        "-x",
        "100",
        "-y",
        "32",
        &script,
    ]);
    stty
}

/// prapp exited 0 and left the terminal in cooked mode: canonical input and echo are on.
fn assert_exited_cleanly(stty: &Path) {
    let stty_out = wait_for_file(stty);
    let code = std::fs::read_to_string(format!("{}.code", stty.display())).unwrap();
    assert_eq!(code.trim(), "exit=0");
    assert!(
        stty_out.contains(" icanon") && !stty_out.contains("-icanon"),
        "{stty_out}"
    );
    assert!(
        stty_out.contains(" echo") && !stty_out.contains("-echo "),
        "{stty_out}"
    );
}

#[test]
fn practise_complete_evaluate_and_quit_in_a_real_terminal() {
    let Some(tmux) = Tmux::new("practise") else {
        return;
    };
    let env = Env::new();
    let id = env.new_session(&[
        "--type",
        "interview",
        "--subtype",
        "behavioral",
        "--agenda",
        "Backend role at a fintech",
    ]);
    // Remapped in the config file: F5 completes (Ctrl+D still would).
    let config = env.path("config.toml");
    std::fs::write(&config, "[keys]\ncomplete = \"f5\"\n").unwrap();
    let vars = format!("PRAPP_CONFIG='{}' PRAPP_TUI_PACE_MS=0", config.display());
    let stty = start_chat(&tmux, &env, &id, &vars);
    tmux.wait_for("Your answer");

    let answers = [
        "At my last company the payments API timed out at peak. My goal was p99 under 300 ms. I led the fix and p99 fell to 240 ms.",
        "I disagreed with a colleague on the schema, so I wrote a proposal, ran a review, and we shipped it in two weeks.",
        "I would profile the checkout path first, then move the fraud check to a queue; it cut p99 by 60% last time.",
    ];
    for (i, a) in answers.iter().enumerate() {
        tmux.type_text(a);
        tmux.keys(&["Enter"]);
        tmux.wait_for(&match i + 1 {
            1 => "1 turn (3 needed)".to_string(),
            n if n < 3 => format!("{n} turns (3 needed)"),
            n => format!("{n} turns ✓"),
        });
    }
    // The answers are on screen (wrapped), and the coach replied to each.
    let screen = tmux.screen();
    assert!(
        screen.contains("I would profile the checkout path"),
        "{screen}"
    );

    tmux.keys(&["F5"]);
    tmux.wait_for("Evaluate it now?");
    tmux.keys(&["y"]);
    let screen = tmux.wait_for("Summary");
    assert!(
        screen.contains("Overall") && screen.contains("Clarity & structure"),
        "{screen}"
    );
    tmux.keys(&["G"]);
    tmux.wait_for("Evidence from your answers");
    tmux.keys(&["q"]);
    tmux.wait_for("Sessions");
    tmux.keys(&["q"]);

    assert_exited_cleanly(&stty);

    let s = env.json(&["session", "show", &id, "--json"]);
    assert_eq!(s["status"], "completed");
    assert_eq!(s["turn_count"], 3);
    let transcript = s["transcript"].as_array().unwrap();
    assert_eq!(transcript.len(), 7);
    for (i, a) in answers.iter().enumerate() {
        assert_eq!(transcript[1 + 2 * i]["content"], *a);
    }
    assert!(s["evaluation_summary"]["overall_score"].is_number());
}

#[test]
fn sigterm_restores_the_terminal_and_keeps_the_draft() {
    let Some(tmux) = Tmux::new("sigterm") else {
        return;
    };
    let env = Env::new();
    let id = env.new_session(&["--type", "pitch", "--agenda", "Seed round"]);
    let stty = start_chat(&tmux, &env, &id, "");
    tmux.wait_for("Your answer");
    tmux.type_text("Our traction is twelve paying pilots");
    tmux.wait_for("twelve paying pilots");

    let shell = tmux.run(&["list-panes", "-t", "e2e", "-F", "#{pane_pid}"]);
    let pgrep = Command::new("pgrep")
        .args(["-P", shell.trim()])
        .output()
        .unwrap();
    let pid = String::from_utf8_lossy(&pgrep.stdout)
        .lines()
        .next()
        .unwrap_or_default()
        .trim()
        .to_string();
    assert!(!pid.is_empty(), "prapp's pid under shell {shell}");
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );

    // SIGTERM quits like the user would: exit 0, cooked mode.
    assert_exited_cleanly(&stty);
    let screen = tmux.screen();
    assert!(
        !screen.contains("Your answer"),
        "left the alternate screen:\n{screen}"
    );

    let db = rusqlite::Connection::open(env.data_dir().join("prapp.db")).unwrap();
    let draft: String = db
        .query_row("SELECT content FROM drafts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(draft, "Our traction is twelve paying pilots");
}

/// A transcript taller than the terminal goes through $PAGER; `--no-pager` and short output
/// do not.
#[test]
fn long_transcripts_go_through_the_pager_on_a_terminal() {
    let Some(tmux) = Tmux::new("pager") else {
        return;
    };
    let env = Env::new();
    let id = env.new_session(&["--type", "interview"]);
    for i in 0..12 {
        env.chat(
            &id,
            &format!("Answer number {i}: I led the work and we shipped it on time."),
        );
    }
    let bin = assert_cmd::cargo::cargo_bin("prapp");
    let show = |flags: &str, out: &str| {
        format!(
            "PAGER='sed -e s/^/PAGED:/' PRAPP_HOME='{}' '{}' session show {} {flags} > /dev/tty; touch '{}'; sleep 60",
            env.data_dir().display(),
            bin.display(),
            &id[..13],
            env.path(out).display()
        )
    };
    tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "e2e",
        "-x",
        "100",
        "-y",
        "30",
        &show("", "paged.done"),
    ]);
    wait_for_file(&env.path("paged.done"));
    let screen = tmux.screen();
    assert!(screen.contains("PAGED:"), "{screen}");
    tmux.run(&["kill-session", "-t", "e2e"]);

    tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "e2e",
        "-x",
        "100",
        "-y",
        "30",
        &show("--no-pager", "plain.done"),
    ]);
    wait_for_file(&env.path("plain.done"));
    let screen = tmux.screen();
    assert!(!screen.contains("PAGED:"), "{screen}");
    assert!(screen.contains("Answer number 11"), "{screen}");
}

/// With an LLM coach whose stream stalls, Esc cancels the reply at once: the status bar says so,
/// the answer is stored, and `r` asks again and gets the reply.
#[test]
fn esc_cancels_a_stalled_model_reply_in_a_real_terminal() {
    let Some(tmux) = Tmux::new("llm-esc") else {
        return;
    };
    let fake = fake_openai::FakeOpenAi::start();
    let env = Env::new();
    fake.push(fake_openai::Reply::stream(&[
        "What does ",
        "your startup do?",
    ]));
    let vars = format!(
        "PRAPP_PROVIDER=custom PRAPP_BASE_URL='{}' PRAPP_MODEL=fake-model PRAPP_IDLE_TIMEOUT=120",
        fake.base_url()
    );
    let out = env
        .cmd()
        .env("PRAPP_PROVIDER", "custom")
        .env("PRAPP_BASE_URL", fake.base_url())
        .env("PRAPP_MODEL", "fake-model")
        .args(["session", "new", "--type", "pitch", "--json"])
        .output()
        .unwrap();
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = s["session_id"].as_str().unwrap().to_string();

    let stty = start_chat(&tmux, &env, &id, &vars);
    let screen = tmux.wait_for("Your answer");
    assert!(screen.contains("custom/fake-model"), "{screen}");
    fake.push(fake_openai::Reply::Stall { deltas_before: 2 });
    tmux.type_text("We route parcels for couriers.");
    tmux.keys(&["Enter"]);
    // The two words before the stall arrive, then nothing: Esc must not wait for the timeout.
    tmux.wait_for("We route parcels");
    std::thread::sleep(Duration::from_millis(300));
    tmux.keys(&["Escape"]);
    tmux.wait_for("to ask again");

    fake.push(fake_openai::Reply::stream(&["How many ", "couriers pay?"]));
    tmux.keys(&["r"]);
    tmux.wait_for("couriers pay?");
    tmux.keys(&["C-c"]);
    assert_exited_cleanly(&stty);

    let s = env.json(&["session", "show", &id, "--json"]);
    let t = s["transcript"].as_array().unwrap();
    assert_eq!(t.len(), 3, "{s}");
    assert_eq!(t[1]["content"], "We route parcels for couriers.");
    assert_eq!(t[2]["content"], "How many couriers pay?");
    assert_eq!(fake.chat_requests().len(), 3);
}
