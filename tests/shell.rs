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
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("prapp"))
        .args(["session", "list", "--all"])
        .env("PRAPP_HOME", env.data_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Like `| head -1`: read a little, then close the pipe.
    let mut first = [0u8; 64];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
