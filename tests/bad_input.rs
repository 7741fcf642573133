//! Bad input: each gets a clear one-line error, a non-zero exit code, and nothing lost or
//! half-written.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns

mod util;

use util::{Env, read};

fn transcript_len(env: &Env, id: &str) -> usize {
    env.json(&["session", "show", id, "--json"])["transcript"]
        .as_array()
        .unwrap()
        .len()
}

#[test]
fn unknown_type_lists_the_valid_ones() {
    let env = Env::new();
    let err = env.fails(&["session", "new", "--type", "interveiw"], 2);
    assert!(
        err.contains("unknown preparation type 'interveiw'"),
        "{err}"
    );
    assert!(
        err.contains("interview, corporate, pitch, sales, presentation, other"),
        "{err}"
    );
    let err = env.fails(
        &[
            "session",
            "new",
            "--type",
            "interview",
            "--subtype",
            "behavioural",
        ],
        2,
    );
    assert!(err.contains("valid: behavioral"), "{err}");
    let err = env.fails(&["session", "list", "--status", "done"], 2);
    assert!(err.contains("in_progress"), "{err}");
    assert_eq!(
        env.json(&["session", "list", "--json"])["total"],
        0,
        "nothing half-created"
    );
}

#[test]
fn empty_whitespace_and_oversized_messages_are_refused_and_not_stored() {
    let env = Env::new();
    let id = env.new_session(&["--type", "interview"]);
    let err = env.fails(&["chat", &id, "--message", ""], 2);
    assert!(err.contains("message is empty"), "{err}");
    let out = env
        .cmd()
        .args(["chat", &id])
        .write_stdin("  \n\t \n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("empty"));
    let long = "word ".repeat(1700); // 8500 characters
    let err = env.fails(&["chat", &id, "--message", &long], 2);
    assert!(err.contains("too long") && err.contains("8000"), "{err}");
    assert_eq!(transcript_len(&env, &id), 1, "only the opening");
}

#[test]
fn unknown_and_ambiguous_ids() {
    let env = Env::new();
    let a = env.new_session(&["--type", "pitch"]);
    let b = env.new_session(&["--type", "pitch"]);
    let err = env.fails(&["session", "show", "ffffffff"], 3);
    assert!(err.contains("no session 'ffffffff'"), "{err}");
    let err = env.fails(&["chat", "not-an-id!", "-m", "hi"], 3);
    assert!(err.contains("no session"), "{err}");
    // Both ids start with the same millisecond timestamp bits.
    let common: String = a
        .chars()
        .zip(b.chars())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x)
        .collect();
    assert!(!common.is_empty());
    let err = env.fails(&["session", "show", &common], 2);
    assert!(
        err.contains("ambiguous prefix") && err.contains(&a) && err.contains(&b),
        "{err}"
    );
    // Upper case works too.
    env.ok(&["session", "show", &a.to_uppercase()]);
}

#[test]
fn unreadable_context_file() {
    let env = Env::new();
    let missing = env.path("nope/cv.md");
    let err = env.fails(
        &[
            "session",
            "new",
            "--type",
            "interview",
            "--context-file",
            missing.to_str().unwrap(),
        ],
        1,
    );
    assert!(
        err.contains("cannot read --context-file") && err.contains("cv.md"),
        "{err}"
    );
    std::fs::write(env.path("cv.pdf"), [0xff, 0xfe, 0x00, 0x81]).unwrap();
    let err = env.fails(
        &[
            "session",
            "new",
            "--type",
            "interview",
            "--context-file",
            env.path("cv.pdf").to_str().unwrap(),
        ],
        2,
    );
    assert!(err.contains("not UTF-8"), "{err}");
    assert_eq!(env.json(&["session", "list", "--json"])["total"], 0);
}

#[test]
fn a_data_dir_that_cannot_be_written() {
    let env = Env::new();
    // A file where the data dir should be: no privilege gets around that (tests may run as root).
    let blocker = env.path("blocker");
    std::fs::write(&blocker, "not a dir").unwrap();
    let out = env
        .cmd()
        .args(["session", "list"])
        .env("PRAPP_HOME", blocker.join("data"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot create data dir") && err.contains("--data-dir"),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let ro = env.path("readonly");
        std::fs::create_dir(&ro).unwrap();
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o500)).unwrap();
        // root ignores permissions; the check only means something for an ordinary user.
        let privileged = std::fs::write(ro.join("probe"), "x").is_ok();
        if !privileged {
            let out = env
                .cmd()
                .args(["--data-dir", ro.to_str().unwrap(), "session", "list"])
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(1));
            assert!(String::from_utf8_lossy(&out.stderr).contains("writable"));
        }
    }
}

#[test]
fn a_file_that_is_not_a_prapp_database_is_refused_and_left_alone() {
    let env = Env::new();
    std::fs::create_dir_all(env.data_dir()).unwrap();
    let db = env.data_dir().join("prapp.db");

    std::fs::write(&db, "these are my notes, not a database\n".repeat(200)).unwrap();
    let before = read(&db);
    let err = env.fails(&["session", "list"], 1);
    assert!(err.contains("not a SQLite database"), "{err}");
    assert_eq!(read(&db), before);

    std::fs::remove_file(&db).unwrap();
    let other = rusqlite::Connection::open(&db).unwrap();
    other
        .execute_batch("CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup');")
        .unwrap();
    drop(other);
    let before = read(&db);
    let err = env.fails(&["session", "new", "--type", "sales"], 1);
    assert!(err.contains("not a prapp database"), "{err}");
    assert_eq!(read(&db), before);
}

#[test]
fn a_database_from_a_newer_prapp_is_refused_and_left_alone() {
    let env = Env::new();
    let id = env.new_session(&["--type", "interview"]);
    let db = env.data_dir().join("prapp.db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.pragma_update(None, "user_version", 999).unwrap();
    conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    drop(conn);
    let before = read(&db);
    let err = env.fails(&["session", "show", &id], 1);
    assert!(err.contains("newer prapp") && err.contains("v999"), "{err}");
    assert_eq!(read(&db), before);
}

#[test]
fn bad_status_transitions_say_what_is_allowed() {
    let env = Env::new();
    let id = env.new_session(&["--type", "presentation"]);
    let err = env.fails(&["session", "status", &id, "completed"], 2);
    assert!(err.contains("prapp session complete"), "{err}");
    let err = env.fails(&["session", "status", &id, "setup"], 2);
    assert!(
        err.contains("cannot move a session from in_progress to setup"),
        "{err}"
    );
    let err = env.fails(&["session", "complete", &id], 2);
    assert!(err.contains("has 0"), "{err}");
}

#[test]
fn a_config_file_with_a_typo_names_the_file_line_and_key() {
    let env = Env::new();
    let config = env.path("config.toml");
    std::fs::write(
        &config,
        "# my settings\n[keys]\nquit = \"x\"\n\n[kyes]\nnew = \"m\"\n",
    )
    .unwrap();
    let out = env
        .cmd()
        .args(["tui"])
        .env("PRAPP_CONFIG", &config)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("config.toml, line 5") && err.contains("kyes"),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");

    std::fs::write(&config, "[keys]\njump = \"x\"\n").unwrap();
    let out = env
        .cmd()
        .args(["tui"])
        .env("PRAPP_CONFIG", &config)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown action 'jump'") && err.contains("quit"),
        "{err}"
    );
}

#[test]
fn a_token_ttl_too_long_for_a_date_is_a_usage_error_not_a_panic() {
    let env = Env::new();
    let out = env
        .cmd()
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--token-ttl",
            "200000000d",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("at most 365d"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}
