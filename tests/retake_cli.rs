//! Retakes through the real binary: a weak answer answered again scores higher and the diff names
//! what it gained, the session's transcript and evaluation stay as they were, `--weakest` picks
//! the lowest answer, and bad input is one clear line.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns

mod util;

use util::Env;

/// A completed, evaluated interview with one strong answer between two weak ones.
fn completed(env: &Env) -> String {
    let id = env.new_session(&["--type", "interview", "--subtype", "behavioral"]);
    for answer in [
        "I do a lot of things generally, it went fine.",
        "At my last company our payments API timed out during the holiday peak. I profiled the \
         hot path and moved the fraud check to an async queue, and p99 dropped from 900 ms to 240 ms.",
        "We worked on it as a team and it was good.",
    ] {
        env.chat(&id, answer);
    }
    env.ok(&["session", "complete", &id]);
    env.ok(&["session", "evaluate", &id]);
    id
}

const BETTER: &str = "Last year I had to learn Terraform in two weeks because our ops engineer \
    left before a migration. I rebuilt our staging stack from scratch and I paired with a \
    consultant twice a week. We migrated 14 services on time with zero downtime, and since then I \
    run the Terraform onboarding for new hires.";

#[test]
fn a_weak_answer_retaken_scores_higher_and_the_session_is_untouched() {
    let env = Env::new();
    let id = completed(&env);
    let transcript = env.json(&["session", "show", &id, "--json"])["transcript"].clone();
    let evaluation = env.json(&["session", "evaluation", &id, "--json"]);

    let answers = env.json(&["session", "answers", &id, "--json"]);
    let weakest = &answers[0];
    let number = weakest["number"].as_u64().unwrap();
    let before = weakest["original"]["overall"].as_f64().unwrap();
    assert!(
        answers.as_array().unwrap().windows(2).all(|w| {
            w[0]["original"]["overall"].as_f64() <= w[1]["original"]["overall"].as_f64()
        }),
        "not weakest first: {answers:#}"
    );

    let attempt = env.json(&["retake", &id, "--weakest", "--message", BETTER, "--json"]);
    assert_eq!(
        attempt["number"].as_u64(),
        Some(number),
        "--weakest took another question"
    );
    let after = attempt["result"]["overall"].as_f64().unwrap();
    assert!(after > before + 2.0, "{before} → {after}");

    let diff = env.json(&[
        "session",
        "answers",
        &id,
        "--question",
        &number.to_string(),
        "--diff",
        "--json",
    ]);
    let gained: Vec<&str> = diff["rubric_gained"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|g| g.as_str())
        .collect();
    assert!(gained.contains(&"your own actions"), "{diff:#}");
    let human = env.ok(&[
        "session",
        "answers",
        &id,
        "--question",
        &number.to_string(),
        "--diff",
    ]);
    assert!(
        human.contains("gained:") && human.contains("original → attempt 1"),
        "{human}"
    );

    // The session is as it was.
    assert_eq!(
        env.json(&["session", "show", &id, "--json"])["transcript"],
        transcript
    );
    assert_eq!(
        env.json(&["session", "evaluation", &id, "--json"]),
        evaluation
    );
    // And the attempt is listed with its question, best of the two.
    let listed = env.json(&["session", "answers", &id, "--json"]);
    let q = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["number"].as_u64() == Some(number))
        .unwrap();
    assert_eq!(q["attempts"].as_array().unwrap().len(), 1);
    assert_eq!(q["best"], 1);

    // The export carries the attempt.
    let md = env.ok(&["session", "export", &id]);
    assert!(
        md.contains("## Retakes") && md.contains("I rebuilt our staging stack"),
        "{md}"
    );
    let json = env.json(&["session", "export", &id, "--format", "json"]);
    assert_eq!(
        json["attempts"].as_array().map(Vec::len),
        Some(1),
        "{json:#}"
    );
}

#[test]
fn bad_retakes_are_one_clear_line() {
    let env = Env::new();
    let id = completed(&env);
    let e = env.fails(&["retake", &id, "--question", "9", "--message", BETTER], 2);
    assert!(
        e.contains("no question 9") && e.contains("3 answered questions"),
        "{e}"
    );
    let e = env.fails(&["retake", &id, "--question", "1", "--message", "   "], 2);
    assert!(e.contains("empty"), "{e}");
    let e = env.fails(&["session", "answers", &id, "--question", "1", "--diff"], 2);
    assert!(e.contains("not been retaken"), "{e}");

    let open = env.new_session(&["--type", "interview"]);
    env.chat(&open, "An answer.");
    let e = env.fails(
        &["retake", &open, "--question", "1", "--message", BETTER],
        2,
    );
    assert!(e.contains("completed sessions"), "{e}");

    env.ok(&["session", "archive", &id]);
    let e = env.fails(&["retake", &id, "--question", "1", "--message", BETTER], 2);
    assert!(e.contains("archived"), "{e}");
    // Nothing was stored by the refused retakes.
    env.ok(&["session", "status", &id, "completed"]);
    let answers = env.json(&["session", "answers", &id, "--json"]);
    assert!(
        answers
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["attempts"].as_array().is_some_and(Vec::is_empty)),
        "{answers:#}"
    );
}
