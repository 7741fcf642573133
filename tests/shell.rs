//! Completions, man pages and pipes: prapp next to other terminal tools.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns

mod util;

use std::io::Read;
use std::process::{Command, Stdio};

use util::Env;

#[test]
fn completion_scripts_for_every_shell_name_the_subcommands() {
    let env = Env::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = env.ok(&["completions", shell]);
        for sub in ["session", "chat", "evaluate", "analytics", "drill"] {
            assert!(script.contains(sub), "{shell} completions lack {sub}");
        }
    }
    assert!(!env.data_dir().exists(), "no store needed");
    let err = env.cmd().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(err.status.code(), Some(2));
}

#[test]
fn man_pages_render() {
    let env = Env::new();
    let page = env.ok(&["man"]);
    assert!(
        page.contains(".TH prapp 1") && page.contains(env!("CARGO_PKG_VERSION")),
        "{}",
        &page[..200]
    );
    let dir = env.path("man");
    env.ok(&["man", "--out", dir.to_str().unwrap()]);
    for name in [
        "prapp.1",
        "prapp-session-new.1",
        "prapp-chat.1",
        "prapp-evaluate.1",
    ] {
        let path = dir.join(name);
        assert!(path.exists(), "{name}");
        // groff (through man) must parse it into a page with a NAME section.
        if let Ok(out) = Command::new("man")
            .arg("-l")
            .arg(&path)
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "80")
            .output()
        {
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success() && text.contains("NAME"),
                "{name}: {text}"
            );
        }
    }
}

#[test]
fn a_closed_pipe_ends_quietly_with_success() {
    let env = Env::new();
    env.ok(&["dev", "seed", "--sessions", "3000"]);
    for args in [
        &["session", "list", "--all"][..],
        &["completions", "bash"],
        &["completions", "zsh"],
        &["completions", "fish"],
        &["man"],
    ] {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("prapp"))
            .args(args)
            .env("PRAPP_HOME", env.data_dir())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Like `| head -1`: read a little, then close the pipe.
        let mut first = [0u8; 64];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "prapp {args:?}: {err}");
        assert!(out.stderr.is_empty(), "prapp {args:?}: {err}");
    }
}

/// What the dynamic completion script gets back from `prapp` for `words`, completing the last.
fn dynamic(env: &Env, shell: &str, words: &[&str]) -> Vec<String> {
    let out = env
        .cmd()
        .env("PRAPP_COMPLETE", shell)
        .env("_CLAP_COMPLETE_INDEX", (words.len() - 1).to_string())
        .env("_CLAP_IFS", "\n")
        .arg("--")
        .args(words)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn dynamic_completion_offers_session_ids_from_the_store() {
    let env = Env::new();
    // No database yet: nothing offered, and none created.
    assert!(dynamic(&env, "bash", &["prapp", "session", "show", "0"]).is_empty());
    assert!(!env.data_dir().join("prapp.db").exists());

    let pitch = env.new_session(&["--type", "pitch", "--agenda", "Seed round"]);
    let interview = env.new_session(&["--type", "interview"]);
    let all = dynamic(&env, "bash", &["prapp", "session", "show", ""]);
    assert!(all.contains(&pitch) && all.contains(&interview), "{all:?}");

    // A prefix narrows it down: the ids share their time prefix, so use all but the tail.
    let unique = &pitch[..pitch.len() - 4];
    let some = dynamic(&env, "bash", &["prapp", "chat", unique]);
    assert_eq!(some, vec![pitch.clone()]);
    assert!(dynamic(&env, "bash", &["prapp", "session", "show", "fff"]).is_empty());

    // fish shows a description beside each id.
    let fish = dynamic(&env, "fish", &["prapp", "session", "evaluate", unique]);
    assert_eq!(fish.len(), 1);
    assert!(
        fish[0].starts_with(&pitch) && fish[0].contains("pitch seed · in_progress · Seed round"),
        "{fish:?}"
    );

    // Preparation types complete too.
    let types = dynamic(&env, "bash", &["prapp", "session", "new", "--type", "pr"]);
    assert_eq!(types, vec!["presentation".to_string()]);

    let script = env.ok(&["completions", "bash", "--dynamic"]);
    assert!(
        script.contains("PRAPP_COMPLETE") && script.contains("complete "),
        "{script}"
    );
}
