//! `prapp profile` and `prapp account` through the real binary.
#![allow(clippy::unwrap_used)]

mod util;

use util::Env;

#[test]
fn profile_set_then_show() {
    let env = Env::new();
    let empty = env.json(&["profile", "show", "--json"]);
    assert!(empty["target_role"].is_null());
    let set = env.json(&[
        "profile",
        "set",
        "--target-role",
        "Staff engineer",
        "--experience",
        "senior",
        "--industry",
        "fintech",
        "--bio",
        "Ten years of backend work",
        "--default-type",
        "interview",
        "--json",
    ]);
    assert_eq!(set["target_role"], "Staff engineer");
    assert_eq!(set["preferences"]["default_preparation_type"], "interview");
    // A later set changes only what it names; "" clears.
    env.ok(&["profile", "set", "--bio", ""]);
    let shown = env.json(&["profile", "show", "--json"]);
    assert_eq!(shown["experience_level"], "senior");
    assert!(shown["bio"].is_null());
    let text = env.ok(&["profile", "show"]);
    assert!(text.contains("Staff engineer"), "{text}");
    assert!(text.contains("fintech"), "{text}");
}

#[test]
fn profile_set_refuses_bad_values() {
    let env = Env::new();
    let err = env.fails(&["profile", "set", "--default-type", "karaoke"], 2);
    assert!(err.contains("valid: interview"), "{err}");
    let long = "r".repeat(201);
    let err = env.fails(&["profile", "set", "--target-role", &long], 2);
    assert!(err.contains("target_role is too long"), "{err}");
}

#[test]
fn account_counts_local_practice() {
    let env = Env::new();
    let zero = env.json(&["account", "--json"]);
    assert_eq!(zero["session_count"], 0);
    let id = env.new_session(&["--type", "interview"]);
    for answer in [
        "I led the migration and we cut deploy time by half.",
        "I resolved a conflict by setting up a weekly review.",
        "I measured latency before and after each change.",
    ] {
        env.chat(&id, answer);
    }
    env.ok(&["session", "complete", &id]);
    env.ok(&["session", "evaluate", &id]);
    env.new_session(&["--type", "pitch"]);
    let summary = env.json(&["account", "--json"]);
    assert_eq!(summary["session_count"], 2);
    assert_eq!(summary["completed_session_count"], 1);
    assert_eq!(summary["evaluation_count"], 1);
    assert_eq!(summary["user"]["is_activated"], true);
    let text = env.ok(&["account"]);
    assert!(text.contains("sessions     2"), "{text}");
}

#[test]
fn the_profile_words_the_built_in_coachs_interview() {
    let env = Env::new();
    env.ok(&[
        "profile",
        "set",
        "--target-role",
        "Staff engineer",
        "--experience",
        "senior",
    ]);
    let s = env.json(&["session", "new", "--type", "interview", "--json"]);
    assert_eq!(s["agenda"], "the Staff engineer role (senior level)");
    let opening = s["transcript"][0]["content"].as_str().unwrap();
    assert!(opening.contains("Staff engineer role"), "{opening}");
    // An agenda of the user's own wins; other types are not about a role.
    let s = env.json(&[
        "session",
        "new",
        "--type",
        "interview",
        "--agenda",
        "Platform team",
        "--json",
    ]);
    assert_eq!(s["agenda"], "Platform team");
    let s = env.json(&["session", "new", "--type", "pitch", "--json"]);
    assert!(s["agenda"].is_null());
}
