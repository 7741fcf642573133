//! Evaluating through the real binary: one session, every completed session, and transcript files.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns

mod util;

use serde_json::Value;
use util::Env;

const ANSWERS: [&str; 3] = [
    "Last year I led the migration of our billing service to Kubernetes. First I mapped every dependency, then I ran two dry runs, and as a result deploys went from 40 minutes to 6.",
    "Um, I guess we kind of had a conflict about the schema, you know, and it sort of worked out in the end, sorry.",
    "I would start by profiling the checkout path, then move the fraud check to a queue, which cut p99 by 60% in my last team. What does your current stack look like?",
];

fn completed_session(env: &Env) -> String {
    let id = env.new_session(&[
        "--type",
        "interview",
        "--subtype",
        "behavioral",
        "--agenda",
        "Backend role at a fintech",
    ]);
    for a in ANSWERS {
        env.chat(&id, a);
    }
    env.ok(&["session", "complete", &id]);
    id
}

#[test]
fn evaluate_a_completed_session_once_unless_forced() {
    let env = Env::new();
    let id = env.new_session(&["--type", "interview"]);
    let err = env.fails(&["session", "evaluate", &id], 2);
    assert!(
        err.contains("not completed") && err.contains("prapp session complete"),
        "{err}"
    );
    let err = env.fails(&["session", "evaluation", &id], 3);
    assert!(err.contains("no evaluation"), "{err}");

    let id = completed_session(&env);
    let e: Value = env.json(&["session", "evaluate", &id, "--json"]);
    for key in [
        "evaluation_id",
        "session_id",
        "user_id",
        "preparation_type",
        "universal_scores",
        "overall_score",
        "summary",
        "strengths",
        "improvement_areas",
        "practice_suggestions",
        "evidence",
        "evaluator",
        "created_at",
    ] {
        assert!(e.get(key).is_some(), "missing {key}");
    }
    assert_eq!(e["evaluator"]["engine"], "heuristic");
    let scores = e["universal_scores"].as_object().unwrap();
    assert_eq!(scores.len(), 6);
    for v in scores.values() {
        let x = v.as_f64().unwrap();
        assert!(
            (0.0..=10.0).contains(&x) && (x * 10.0).fract() == 0.0,
            "{x}"
        );
    }
    // Evidence only where a sentence shows something: never a filler note.
    let evidence = e["evidence"].as_array().unwrap();
    assert!((3..=6).contains(&evidence.len()), "{evidence:?}");
    for ev in evidence {
        assert!(!ev["note"].as_str().unwrap().contains("representative"));
    }
    assert!(
        !e["answers"].as_array().unwrap().is_empty(),
        "per-answer results"
    );
    let n = e["practice_suggestions"].as_array().unwrap().len();
    assert!((2..=5).contains(&n), "{n}");

    let again: Value = env.json(&["session", "evaluate", &id, "--json"]);
    assert_eq!(again["evaluation_id"], e["evaluation_id"], "stored once");
    let shown: Value = env.json(&["session", "evaluation", &id, "--json"]);
    assert_eq!(shown, e);
    let forced: Value = env.json(&["session", "evaluate", &id, "--force", "--json"]);
    assert_ne!(forced["evaluation_id"], e["evaluation_id"]);
    assert_eq!(
        forced["universal_scores"], e["universal_scores"],
        "deterministic"
    );

    let listed = env.json(&["session", "list", "--json"]);
    assert_eq!(
        listed["sessions"][0]["evaluation_summary"]["overall_score"],
        e["overall_score"]
    );

    let human = env.ok(&["session", "evaluation", &id]);
    for part in [
        "overall",
        "Clarity & structure",
        "Engagement",
        "Summary",
        "Strengths",
        "Improvement areas",
        "Practice next",
        "Evidence from your answers",
    ] {
        assert!(human.contains(part), "missing {part}:\n{human}");
    }
    assert!(
        human.contains("I guess") || human.contains("kind of"),
        "quotes the hedging answer:\n{human}"
    );
}

#[test]
fn evaluate_all_completed_sessions() {
    let env = Env::new();
    let a = completed_session(&env);
    let b = completed_session(&env);
    env.new_session(&["--type", "pitch"]); // in progress: not evaluated
    let out = env.ok(&["evaluate", "--all-completed", "--jobs", "2", "--json"]);
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    let ids: Vec<&str> = lines
        .iter()
        .map(|l| l["session_id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&a.as_str()) && ids.contains(&b.as_str()));
    env.ok(&["session", "evaluation", &a]);
    let out = env
        .cmd()
        .args(["evaluate", "--all-completed"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to evaluate"));
}

#[test]
fn batch_files_json_markdown_and_bad_ones() {
    let env = Env::new();
    let json = env.path("pitch.json");
    std::fs::write(&json, r#"{"preparation_type":"pitch","agenda":"Seed round for a logistics startup","transcript":[
        {"role":"ai","content":"Why is now the right time for this company?"},
        {"role":"user","content":"Because freight brokers still run on phone calls. We grew revenue 3x in 2025 to 1.2 million, with 40 paying shippers, and our churn is under 2 percent. What would you need to see to lead the round?"}]}"#).unwrap();
    let md = env.path("interview.md");
    std::fs::write(&md, "# Mock\nType: interview\nTone: formal\n\n**Interviewer:** Tell me about a failure.\n\n**You:** In my last role I missed a launch date by two weeks. I had underestimated the data migration. I told my manager early, split the launch in two, and shipped the core in time. Since then I add a buffer to every estimate.\n").unwrap();
    let notes = env.path("notes.txt");
    std::fs::write(&notes, "Just some notes about the meeting, no speakers.").unwrap();
    let binary = env.path("photo.png");
    std::fs::write(
        &binary,
        [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0x00],
    )
    .unwrap();
    let unknown = env.path("bad-type.json");
    std::fs::write(
        &unknown,
        r#"{"preparation_type":"dance","transcript":[{"role":"user","content":"hi"}]}"#,
    )
    .unwrap();
    let paths: Vec<String> = [&json, &md, &notes, &binary, &unknown]
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let args = |extra: &[&str]| {
        let mut a = vec!["evaluate"];
        a.extend(paths.iter().map(String::as_str));
        a.extend_from_slice(extra);
        a.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };

    let out = env.cmd().args(args(&["--json"])).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "some files failed");
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0]["path"], paths[0].as_str());
    assert_eq!(lines[0]["evaluation"]["preparation_type"], "pitch");
    assert_eq!(lines[1]["evaluation"]["preparation_type"], "interview");
    assert!(
        lines[2]["error"].as_str().unwrap().contains("--type"),
        "{}",
        lines[2]
    );
    assert!(
        lines[3]["error"]
            .as_str()
            .unwrap()
            .contains("not a text file")
    );
    assert!(
        lines[4]["error"]
            .as_str()
            .unwrap()
            .contains("unknown preparation type 'dance'")
    );

    let out = env.cmd().args(args(&["--csv"])).output().unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 6);
    assert!(rows[0].starts_with("path,overall_score,clarity_structure"));
    assert_eq!(rows[1].split(',').count(), 9);
    assert!(rows[3].contains("no preparation type"));

    // Human output: a table for the good files, one line on stderr per bad one.
    let out = env.cmd().args(args(&[])).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.starts_with("FILE"), "{stdout}");
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("prapp: ")).count(),
        3,
        "{stderr}"
    );

    // --type covers the file that named none; --save imports them as completed sessions.
    let out = env
        .cmd()
        .args([
            "evaluate",
            paths[0].as_str(),
            paths[2].as_str(),
            "--type",
            "other",
            "--save",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "notes.txt still has no turns");
    let page = env.json(&["session", "list", "--status", "completed", "--json"]);
    assert_eq!(page["total"], 1);
    assert_eq!(page["sessions"][0]["preparation_type"], "other");
    assert!(page["sessions"][0]["evaluation_summary"]["overall_score"].is_number());

    // One file: the full report.
    let one = env.ok(&["evaluate", &paths[1]]);
    assert!(one.contains("Evidence from your answers"), "{one}");
}

#[test]
fn a_transcript_on_stdin_is_evaluated_like_a_file() {
    let env = Env::new();
    let md = "Type: interview\n\n**Interviewer:** Tell me about a failure.\n\n**You:** In my last role I missed a launch date by two weeks. I had underestimated the data migration. I told my manager early, split the launch in two, and shipped the core in time.\n";
    let file = env.path("failure.md");
    std::fs::write(&file, md).unwrap();
    let from_file = env.ok(&["evaluate", file.to_str().unwrap(), "--json"]);
    let out = env
        .cmd()
        .args(["evaluate", "-", "--json"])
        .write_stdin(md)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let piped: Value = serde_json::from_slice(&out.stdout).unwrap();
    let filed: Value = serde_json::from_str(&from_file).unwrap();
    assert_eq!(piped["path"], "stdin");
    assert_eq!(
        piped["evaluation"]["overall_score"],
        filed["evaluation"]["overall_score"]
    );
    // Standard input can be read once.
    let err = env.fails(&["evaluate", "-", "-"], 2);
    assert!(err.contains("only once"), "{err}");
}

#[test]
fn what_export_writes_evaluate_reads_back() {
    let env = Env::new();
    let id = completed_session(&env);
    let stored = env.json(&["session", "evaluate", &id, "--json"]);
    for (format, file) in [("json", "t.json"), ("md", "t.md")] {
        let path = env.path(file);
        env.ok(&[
            "session",
            "export",
            &id,
            "--format",
            format,
            "--out",
            path.to_str().unwrap(),
        ]);
        // No --type: the export says what it is.
        let out = env.ok(&["evaluate", path.to_str().unwrap(), "--json"]);
        let read: Value = serde_json::from_str(&out).unwrap();
        let e = &read["evaluation"];
        assert_eq!(e["preparation_type"], "interview", "{format}");
        // Same transcript, same subtype and agenda: the same judgement.
        assert_eq!(e["overall_score"], stored["overall_score"], "{format}");
    }
}

/// A good discovery call is mostly short, open questions that build on what the prospect said,
/// and a next step with a timeframe and a date: none of that is "no engagement", and neither a
/// timeframe ("a two-week pilot") nor a date ("the 20th") is a quantified result.
#[test]
fn a_good_discovery_call_is_read_as_one() {
    let env = Env::new();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/transcripts/sales_discovery.md"
    );
    let read: Value = serde_json::from_str(&env.ok(&["evaluate", path, "--json"])).unwrap();
    let e = &read["evaluation"];
    assert_eq!(e["preparation_type"], "sales");
    let engagement = e["universal_scores"]["engagement"].as_f64().unwrap();
    assert!(engagement >= 7.0, "engagement {engagement}: {e:#}");
    assert!(e["overall_score"].as_f64().unwrap() >= 7.0, "{e:#}");
    let text = env.ok(&["evaluate", path]);
    for wrong in [
        "a figure (two week",
        "a figure (thirty minute",
        "20th vp",
        "(20th",
    ] {
        assert!(
            !text.contains(wrong),
            "{wrong:?} quoted as a result:\n{text}"
        );
    }
}
