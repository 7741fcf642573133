//! The whole offline practice flow through the real binary, on a real SQLite file.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns

mod util;

use std::collections::BTreeSet;

use util::Env;

const ANSWERS: [&str; 3] = [
    "In my last role I led the migration of our billing service to Kubernetes; deploys went from 40 minutes to 6.",
    "We had a conflict about the schema, so I set up a design review, wrote the proposal, and we shipped it in two weeks.",
    "I would start by profiling the checkout path, then move the fraud check to a queue, which cut p99 by 60%.",
];

#[test]
fn a_whole_session_from_new_to_archive() {
    let env = Env::new();
    std::fs::write(
        env.path("cv.md"),
        "# Jane Doe\n- Led the migration of 40 services to Kubernetes\n",
    )
    .unwrap();
    let out = env.ok(&[
        "session",
        "new",
        "--type",
        "interview",
        "--subtype",
        "behavioral",
        "--agenda",
        "Senior backend role at a fintech",
        "--tone",
        "challenging",
        "--context-file",
        env.path("cv.md").to_str().unwrap(),
    ]);
    let id = out
        .lines()
        .next()
        .unwrap()
        .trim_start_matches("Session ")
        .trim()
        .to_string();
    assert_eq!(id.len(), 36, "first line names the full id: {out}");
    assert!(out.contains("Coach"), "{out}");
    assert!(
        out.contains("senior backend role at a fintech"),
        "agenda woven into the opening: {out}"
    );

    // A prefix works like git's.
    let prefix = &id[..13];
    let reply = env.chat(prefix, ANSWERS[0]);
    assert!(!reply.trim().is_empty());
    // stdin works too.
    let out = env
        .cmd()
        .args(["chat", prefix])
        .write_stdin(ANSWERS[1])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let err = env.fails(&["session", "complete", prefix], 2);
    assert!(
        err.contains("needs at least 3 turns") && err.contains("has 2"),
        "{err}"
    );

    env.chat(prefix, ANSWERS[2]);
    let done = env.json(&["session", "complete", prefix, "--json"]);
    assert_eq!(done["status"], "completed");
    assert_eq!(done["turn_count"], 3);
    assert!(done["completed_at"].is_string());

    let page = env.json(&[
        "session",
        "list",
        "--status",
        "completed",
        "--type",
        "interview",
        "--json",
    ]);
    assert_eq!(page["total"], 1);
    assert_eq!(page["sessions"][0]["session_id"], id.as_str());
    assert!(
        page["sessions"][0].get("transcript").is_none(),
        "lists leave the transcript out"
    );

    let shown = env.json(&["session", "show", &id, "--json"]);
    let transcript = shown["transcript"].as_array().unwrap();
    assert_eq!(transcript.len(), 7, "opening + 3 answers + 3 replies");
    let roles: Vec<&str> = transcript
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["ai", "user", "ai", "user", "ai", "user", "ai"]);
    for (i, a) in ANSWERS.iter().enumerate() {
        assert_eq!(transcript[1 + 2 * i]["content"], *a);
    }
    let human = env.ok(&["session", "show", prefix]);
    assert!(
        human.contains(ANSWERS[0]) && human.contains("completed"),
        "{human}"
    );

    // Chat on a completed session is refused, and nothing is stored.
    let err = env.fails(&["chat", prefix, "--message", "one more"], 2);
    assert!(err.contains("completed"), "{err}");

    // Archive (soft delete), hidden from the default list, restored to what it was.
    env.ok(&["session", "archive", prefix]);
    assert_eq!(env.json(&["session", "list", "--json"])["total"], 0);
    assert_eq!(
        env.json(&["session", "list", "--status", "archived", "--json"])["total"],
        1
    );
    let err = env.fails(&["chat", prefix, "-m", "hello?"], 2);
    assert!(err.contains("archived"), "{err}");
    let err = env.fails(&["session", "status", prefix, "in_progress"], 2);
    assert!(err.contains("back to completed"), "{err}");
    let back = env.json(&["session", "status", prefix, "completed", "--json"]);
    assert_eq!(back["status"], "completed");
    let after = env.json(&["session", "show", &id, "--json"]);
    assert_eq!(
        after["transcript"].as_array().unwrap().len(),
        7,
        "nothing erased or added"
    );
}

#[test]
fn json_uses_exactly_the_contracts_field_names() {
    let env = Env::new();
    let session = env.json(&["session", "new", "--type", "pitch", "--json"]);
    let keys: BTreeSet<&str> = session
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let contract: BTreeSet<&str> = [
        "session_id",
        "user_id",
        "preparation_type",
        "meeting_subtype",
        "agenda",
        "tone",
        "role_context",
        "status",
        "transcript",
        "turn_count",
        "created_at",
        "updated_at",
        "completed_at",
        "evaluation_summary",
    ]
    .into();
    assert_eq!(keys, contract);
    assert_eq!(session["status"], "in_progress");
    assert_eq!(
        session["meeting_subtype"], "seed",
        "the bank's default subtype"
    );
    let msg = &session["transcript"][0];
    let keys: BTreeSet<&str> = msg
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["content", "message_id", "role", "timestamp"].into());
    assert!(
        msg["timestamp"].as_str().unwrap().ends_with('Z'),
        "UTC RFC 3339"
    );
    let id = session["session_id"].as_str().unwrap();
    assert_eq!(&id[14..15], "7", "UUID v7: {id}");

    let reply = env.json(&[
        "chat",
        id,
        "-m",
        "We grew revenue 3x last year with two enterprise customers.",
        "--json",
    ]);
    let keys: BTreeSet<&str> = reply
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["ai_message", "turn_number", "user_message"].into());
    assert_eq!(reply["turn_number"], 1);

    let page = env.json(&["session", "list", "--json"]);
    let keys: BTreeSet<&str> = page
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["page", "page_size", "sessions", "total"].into());
}

#[test]
fn list_pages_newest_first() {
    let env = Env::new();
    let ids: Vec<String> = (0..5)
        .map(|_| env.new_session(&["--type", "sales"]))
        .collect();
    let page = env.json(&["session", "list", "--limit", "2", "--json"]);
    assert_eq!(page["total"], 5);
    let got: Vec<&str> = page["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["session_id"].as_str().unwrap())
        .collect();
    assert_eq!(got, [ids[4].as_str(), ids[3].as_str()]);
    let page3 = env.json(&["session", "list", "--limit", "2", "--page", "3", "--json"]);
    assert_eq!(page3["sessions"][0]["session_id"], ids[0].as_str());
    let all = env.json(&["session", "list", "--all", "--json"]);
    assert_eq!(all["sessions"].as_array().unwrap().len(), 5);
    let human = env.ok(&["session", "list"]);
    assert_eq!(human.lines().count(), 6, "header + 5 rows: {human}");
    assert!(human.starts_with("ID"), "{human}");
}

#[test]
fn version_names_the_dirs_in_use() {
    let env = Env::new();
    let out = env.ok(&["--version"]);
    assert!(
        out.starts_with(&format!("prapp {}", env!("CARGO_PKG_VERSION"))),
        "{out}"
    );
    assert!(out.contains(&env.data_dir().display().to_string()), "{out}");
    assert!(out.contains("config dir:"), "{out}");
    assert!(!env.data_dir().exists(), "--version touches nothing");
}

#[test]
fn no_colour_when_piped_or_under_no_color_and_forced_with_always() {
    let env = Env::new();
    let id = env.new_session(&["--type", "corporate"]);
    let piped = env.ok(&["session", "show", &id]);
    assert!(!piped.contains('\x1b'), "escape codes in piped output");
    let out = env
        .cmd()
        .args(["session", "list", "--color", "always"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains('\x1b'),
        "--color always wins"
    );
    let out = env
        .cmd()
        .args(["session", "list"])
        .env("NO_COLOR", "1")
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains('\x1b'),
        "NO_COLOR is honoured"
    );
}

#[cfg(unix)]
#[test]
fn data_dir_and_database_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    env.new_session(&["--type", "other"]);
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&env.data_dir()), 0o700);
    assert_eq!(mode(&env.data_dir().join("prapp.db")), 0o600);
}

#[test]
fn two_processes_appending_to_one_session_lose_nothing() {
    let env = Env::new();
    let id = env.new_session(&["--type", "interview", "--subtype", "technical"]);
    let per_writer = 12;
    let spawn = |name: &'static str| {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("prapp"));
        cmd.env("PRAPP_HOME", env.data_dir()).env_remove("NO_COLOR");
        let id = id.clone();
        std::thread::spawn(move || {
            for i in 0..per_writer {
                let out = std::process::Command::new(cmd.get_program())
                    .envs(cmd.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
                    .args([
                        "chat",
                        &id,
                        "--message",
                        &format!("{name} answer number {i} with enough words to count"),
                    ])
                    .output()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "{name} #{i}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        })
    };
    let a = spawn("alpha");
    let b = spawn("bravo");
    a.join().unwrap();
    b.join().unwrap();

    let s = env.json(&["session", "show", &id, "--json"]);
    let transcript = s["transcript"].as_array().unwrap();
    let users: Vec<&str> = transcript
        .iter()
        .filter(|m| m["role"] == "user")
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    assert_eq!(users.len(), 2 * per_writer);
    for name in ["alpha", "bravo"] {
        for i in 0..per_writer {
            let want = format!("{name} answer number {i} with enough words to count");
            assert_eq!(users.iter().filter(|u| **u == want).count(), 1, "{want}");
        }
    }
    assert_eq!(transcript.len(), 1 + 4 * per_writer);
    assert_eq!(s["turn_count"], 2 * per_writer);
    // Compared as times: RFC 3339 text with varying fraction digits does not sort as text.
    let stamps: Vec<chrono::DateTime<chrono::Utc>> = transcript
        .iter()
        .map(|m| m["timestamp"].as_str().unwrap().parse().unwrap())
        .collect();
    let mut sorted = stamps.clone();
    sorted.sort();
    assert_eq!(stamps, sorted, "transcript order agrees with timestamps");
}

#[test]
fn quiet_new_prints_only_the_id_for_scripts() {
    let env = Env::new();
    let out = env.ok(&["session", "new", "--type", "pitch", "-q"]);
    assert_eq!(out.lines().count(), 1, "{out}");
    let id = out.trim();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "not an id: {out}");
    // The id is the whole handle: the session is there, with the coach's opening question.
    let shown = env.json(&["session", "show", id, "--json"]);
    assert_eq!(shown["session_id"], id);
    assert_eq!(shown["preparation_type"], "pitch");
    assert_eq!(shown["transcript"].as_array().unwrap().len(), 1);
}

#[test]
fn counts_read_as_english() {
    let env = Env::new();
    let id = env.new_session(&["--type", "interview", "--no-chat"]);
    let doctor = env.ok(&["doctor"]);
    assert!(doctor.contains("1 session)"), "{doctor}");
    let show = env.ok(&["session", "show", &id]);
    assert!(show.contains("0 turns (3 needed)"), "{show}");
}

#[test]
fn a_tone_that_changes_nothing_is_kept_with_a_note() {
    let env = Env::new();
    let out = env
        .cmd()
        .args([
            "session",
            "new",
            "--type",
            "interview",
            "--tone",
            "angry",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("tone \"angry\" is kept"), "{stderr}");
    let session: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(session["tone"], "angry");
    for known in ["friendly", "Formal", "challenging", "supportive and warm"] {
        let out = env
            .cmd()
            .args([
                "session",
                "new",
                "--type",
                "interview",
                "--tone",
                known,
                "--json",
            ])
            .output()
            .unwrap();
        assert!(out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("is kept"), "{known}: {stderr}");
    }
}
