//! The LLM coach and judge through the real binary, against the in-process fake OpenAI server on
//! 127.0.0.1: a streamed session end to end with token usage stored and shown; 429 then success;
//! 500s that leave the answer stored and retryable with a clear error; a stalled stream; the
//! judge's repair-then-fallback path; pinned coaches; keys that never reach the database.
#![allow(clippy::unwrap_used)]

mod fake_openai;
mod util;

use fake_openai::{FakeOpenAi, Reply, completion_json};
use serde_json::Value;
use util::Env;

/// The real binary pointed at the fake server as a `custom` provider, with fast retries.
fn llm_cmd(env: &Env, fake: &FakeOpenAi) -> assert_cmd::Command {
    let mut c = env.cmd();
    c.env("PRAPP_PROVIDER", "custom")
        .env("PRAPP_BASE_URL", fake.base_url())
        .env("PRAPP_MODEL", "fake-model")
        .env("PRAPP_RETRY_BASE_MS", "5")
        .env("PRAPP_MAX_RETRIES", "2");
    c
}

fn run(env: &Env, fake: &FakeOpenAi, args: &[&str]) -> std::process::Output {
    llm_cmd(env, fake).args(args).output().unwrap()
}

fn ok_json(env: &Env, fake: &FakeOpenAi, args: &[&str]) -> Value {
    let out = run(env, fake, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The JSON a successful run printed, and what it said on stderr.
fn succeeded(out: &std::process::Output) -> (Value, String) {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    (serde_json::from_slice(&out.stdout).unwrap(), stderr)
}

fn start_session(env: &Env, fake: &FakeOpenAi) -> String {
    fake.push(Reply::stream(&[
        "Welcome. ",
        "What does your ",
        "company do?",
    ]));
    let s = ok_json(env, fake, &["session", "new", "--type", "pitch", "--json"]);
    s["session_id"].as_str().unwrap().to_string()
}

fn last_role(env: &Env, id: &str) -> String {
    let s = env.json(&["session", "show", id, "--json"]);
    s["transcript"].as_array().unwrap().last().unwrap()["role"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn a_session_streams_from_the_model_and_records_usage() {
    let env = Env::new();
    let fake = FakeOpenAi::start();
    let id = start_session(&env, &fake);
    let s = env.json(&["session", "show", &id, "--json"]);
    assert_eq!(
        s["transcript"][0]["content"],
        "Welcome. What does your company do?"
    );

    // A reply split at awkward byte boundaries, with multi-byte characters.
    fake.push(Reply::Stream {
        deltas: vec!["Interesting — ".into(), "how big is the market? 📈".into()],
        usage: Some((321, 12)),
        split: fake_openai::Split::EveryNBytes(3),
    });
    let out = run(
        &env,
        &fake,
        &[
            "chat",
            &id,
            "--message",
            "We sell route planning to couriers.",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "Interesting — how big is the market? 📈"
    );

    // What the model was sent: the persona, the setup, the whole short history; max_tokens.
    let reqs = fake.chat_requests();
    assert_eq!(reqs.len(), 2);
    let body = &reqs[1].body;
    assert_eq!(body["model"], "fake-model");
    assert_eq!(body["stream"], true);
    assert!(body["max_tokens"].as_u64().unwrap() > 0);
    let messages = body["messages"].as_array().unwrap();
    assert_eq!(messages[0]["role"], "system");
    assert!(
        messages[0]["content"]
            .as_str()
            .unwrap()
            .contains("investor")
    );
    assert_eq!(
        messages.last().unwrap()["content"],
        "We sell route planning to couriers."
    );
    assert!(
        reqs[1].header("authorization").is_none(),
        "no key, no header"
    );

    // Usage shows under the reply and in `prapp usage`.
    let show = env.ok(&["session", "show", &id]);
    assert!(show.contains("fake-model · 321 → 12 tokens"), "{show}");
    let usage = env.json(&["usage", "--json"]);
    let rows = usage["usage"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{usage}");
    assert_eq!(rows[0]["replies"], 2);
    assert_eq!(rows[0]["completion_tokens"], 12 + 3);
}

#[test]
fn rate_limits_are_waited_out() {
    let env = Env::new();
    let fake = FakeOpenAi::start();
    let id = start_session(&env, &fake);
    fake.push(Reply::Status {
        code: 429,
        retry_after: Some(1),
        body: r#"{"error":{"message":"slow down"}}"#.into(),
    });
    fake.push(Reply::stream(&["Go on."]));
    let out = run(
        &env,
        &fake,
        &["chat", &id, "--message", "Our revenue doubled."],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reqs = fake.chat_requests();
    assert_eq!(reqs.len(), 3);
    assert!(reqs[2].at.duration_since(reqs[1].at).as_millis() >= 900);
    assert_eq!(last_role(&env, &id), "ai");
}

#[test]
fn a_failing_server_keeps_the_answer_and_retry_completes_the_turn() {
    let env = Env::new();
    let fake = FakeOpenAi::start();
    let id = start_session(&env, &fake);
    for _ in 0..3 {
        fake.push(Reply::status(500, "model crashed"));
    }
    let out = run(
        &env,
        &fake,
        &["chat", &id, "--message", "We have 40 paying couriers."],
    );
    assert_eq!(out.status.code(), Some(4));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("500") && err.contains("--retry"), "{err}");
    // 1 opening + 3 attempts (max-retries 2).
    assert_eq!(fake.chat_requests().len(), 4);
    let s = env.json(&["session", "show", &id, "--json"]);
    let last = s["transcript"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["role"], "user");
    assert_eq!(last["content"], "We have 40 paying couriers.");

    fake.push(Reply::stream(&["And churn?"]));
    let out = run(&env, &fake, &["chat", &id, "--retry"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = env.json(&["session", "show", &id, "--json"]);
    assert_eq!(s["turn_count"], 1);
    assert_eq!(s["transcript"].as_array().unwrap().len(), 3);
}

#[test]
fn a_stalled_stream_times_out_and_loses_nothing() {
    let env = Env::new();
    let fake = FakeOpenAi::start();
    let id = start_session(&env, &fake);
    fake.push(Reply::Stall { deltas_before: 2 });
    let out = llm_cmd(&env, &fake)
        .env("PRAPP_IDLE_TIMEOUT", "1")
        .args(["chat", &id, "--message", "Margins are 30 percent."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("stalled") || err.contains("1 s"), "{err}");
    assert_eq!(last_role(&env, &id), "user");
}

#[test]
fn a_pinned_builtin_session_never_calls_the_model() {
    let env = Env::new();
    let fake = FakeOpenAi::start();
    let s = ok_json(
        &env,
        &fake,
        &[
            "session",
            "new",
            "--type",
            "interview",
            "--coach",
            "builtin",
            "--json",
        ],
    );
    let id = s["session_id"].as_str().unwrap();
    let out = run(
        &env,
        &fake,
        &["chat", id, "--message", "I led a migration."],
    );
    assert!(out.status.success());
    assert!(fake.chat_requests().is_empty());

    // And a session pinned to the LLM keeps it even when the setting says builtin.
    fake.push(Reply::stream(&["Hello."]));
    let s = ok_json(
        &env,
        &fake,
        &[
            "session", "new", "--type", "sales", "--coach", "llm", "--json",
        ],
    );
    let id = s["session_id"].as_str().unwrap();
    fake.push(Reply::stream(&["Tell me more."]));
    let out = llm_cmd(&env, &fake)
        .env("PRAPP_COACH", "builtin")
        .args(["chat", id, "--message", "We cut costs."])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "Tell me more.");
    assert_eq!(fake.chat_requests().len(), 2);
}

#[test]
fn configuration_problems_are_one_clear_line() {
    let env = Env::new();
    let err = String::from_utf8(
        env.cmd()
            .env("PRAPP_PROVIDER", "openai")
            .args(["session", "new", "--type", "pitch"])
            .output()
            .unwrap()
            .stderr,
    )
    .unwrap();
    assert!(
        err.contains("no API key for openai") && err.contains("set-key"),
        "{err}"
    );
    let err = env.fails(&["--coach", "llm", "session", "new", "--type", "pitch"], 2);
    assert!(err.contains("no model provider"), "{err}");
    // Nothing was created.
    assert_eq!(env.json(&["session", "list", "--json"])["total"], 0);
}

#[test]
fn the_key_goes_in_the_header_and_nowhere_else() {
    let env = Env::new();
    let fake = FakeOpenAi::start();
    let key = "sk-fake-0123456789abcdef";
    fake.push(Reply::stream(&["Hi."]));
    let out = llm_cmd(&env, &fake)
        .env("PRAPP_API_KEY", key)
        .args(["session", "new", "--type", "pitch", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let reqs = fake.chat_requests();
    assert_eq!(
        reqs[0].header("authorization"),
        Some(format!("Bearer {key}").as_str())
    );
    let db = std::fs::read(env.data_dir().join("prapp.db")).unwrap();
    assert!(!String::from_utf8_lossy(&db).contains(key));
}

fn completed_session(env: &Env, fake: &FakeOpenAi) -> String {
    let s = env.json(&["session", "new", "--type", "interview", "--json"]);
    let id = s["session_id"].as_str().unwrap().to_string();
    for answer in [
        "I led the migration of our billing system to Postgres and cut costs by 30 percent.",
        "I measured it with the monthly invoice, and I presented the result to the CFO.",
        "Next I would automate the failover drills, because outages cost us customers.",
    ] {
        env.chat(&id, answer);
    }
    env.ok(&["session", "complete", &id]);
    let _ = fake;
    id
}

const VERDICT: &str = r#"{"scores": {"clarity_structure": 7.5, "relevance_focus": 8, "confidence_delivery": 7,
 "language_quality": 7.2, "tone_alignment": 7, "engagement": 5.5},
 "summary": "Concrete and measured.", "strengths": ["Numbers"],
 "improvement_areas": [{"dimension": "engagement", "suggestion": "Ask a question back.", "priority": "medium"}],
 "practice_suggestions": ["Ask one question per answer."],
 "evidence": [{"dimension": "language_quality", "quote": "cut costs by 30 percent", "note": "a number"},
              {"dimension": "engagement", "quote": "I love this company so much", "note": "invented"}]}"#;

#[test]
fn the_judge_repairs_once_then_evaluates() {
    let env = Env::new();
    let fake = FakeOpenAi::start();
    let id = completed_session(&env, &fake);
    fake.push(Reply::Json(completion_json(
        "Sure! {\"scores\": {\"clarity\": 11}}",
    )));
    fake.push(Reply::Json(completion_json(VERDICT)));
    let out = llm_cmd(&env, &fake)
        .env("PRAPP_COACH", "builtin")
        .args(["session", "evaluate", &id, "--json"])
        .output()
        .unwrap();
    let (e, _) = succeeded(&out);
    assert_eq!(e["evaluator"]["engine"], "llm");
    assert_eq!(e["universal_scores"]["engagement"], 5.5);
    assert_eq!(
        e["evidence"].as_array().unwrap().len(),
        1,
        "invented quote dropped"
    );
    let reqs = fake.chat_requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].body["response_format"]["type"], "json_schema");
    // The repair request quotes the validation error.
    let repair = reqs[1].body["messages"].as_array().unwrap();
    assert!(
        repair.last().unwrap()["content"]
            .as_str()
            .unwrap()
            .contains("not valid")
    );
}

#[test]
fn the_judge_falls_back_to_the_heuristic_with_a_notice() {
    let env = Env::new();
    let fake = FakeOpenAi::start();
    let id = completed_session(&env, &fake);
    fake.push(Reply::Json(completion_json("I think you did great!")));
    fake.push(Reply::Json(completion_json("{\"scores\": \"good\"}")));
    let out = llm_cmd(&env, &fake)
        .env("PRAPP_COACH", "builtin")
        .args(["session", "evaluate", &id, "--json"])
        .output()
        .unwrap();
    let (e, stderr) = succeeded(&out);
    assert_eq!(e["evaluator"]["engine"], "heuristic");
    assert!(
        stderr.contains("invalid JSON twice") && stderr.contains("heuristic"),
        "{stderr}"
    );
}

#[test]
fn a_server_without_json_schema_gets_json_mode() {
    let env = Env::new();
    let fake = FakeOpenAi::start();
    let id = completed_session(&env, &fake);
    fake.push(Reply::status(
        400,
        "response_format json_schema is not supported",
    ));
    fake.push(Reply::Json(completion_json(VERDICT)));
    let e = ok_json(
        &env,
        &fake,
        &["--coach", "builtin", "session", "evaluate", &id, "--json"],
    );
    assert_eq!(e["evaluator"]["engine"], "llm");
    let reqs = fake.chat_requests();
    assert_eq!(reqs[1].body["response_format"]["type"], "json_object");
}

/// A small model's context: the judge asks for a shorter verdict and fits the transcript; a
/// server that still finds it too long gets one request, not three, and a line that names the
/// setting to change.
#[test]
fn a_small_context_window_is_respected_and_an_overflow_named() {
    let env = Env::new();
    let fake = FakeOpenAi::start();
    let id = completed_session(&env, &fake);
    fake.push(Reply::Json(completion_json(VERDICT)));
    let small = |args: &[&str]| {
        llm_cmd(&env, &fake)
            .env("PRAPP_CONTEXT_WINDOW", "1024")
            .args(args)
            .output()
            .unwrap()
    };
    let out = small(&["--coach", "builtin", "session", "evaluate", &id, "--json"]);
    succeeded(&out);
    let reqs = fake.chat_requests();
    assert_eq!(reqs[0].body["max_tokens"], 384, "3/8 of 1,024");

    fake.push(Reply::status(
        400,
        "This model's maximum context length is 1024 tokens. However, you requested 1400 tokens.",
    ));
    let out = small(&[
        "--coach", "builtin", "session", "evaluate", &id, "--force", "--json",
    ]);
    let (e, stderr) = succeeded(&out);
    assert_eq!(e["evaluator"]["engine"], "heuristic");
    assert!(
        stderr.contains("prapp config set context-window"),
        "{stderr}"
    );
    assert_eq!(
        fake.chat_requests().len(),
        2,
        "no other response_format tried"
    );

    let out = small(&["config", "show"]);
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.lines().any(|l| l.contains("context-window")
            && l.contains("1024")
            && l.contains("PRAPP_CONTEXT_WINDOW")),
        "{shown}"
    );
    let out = llm_cmd(&env, &fake)
        .args(["config", "set", "context-window", "100"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("out of range"));
}

#[test]
fn doctor_checks_the_provider() {
    let env = Env::new();
    let fake = FakeOpenAi::start();
    fake.set_models(&["fake-model", "other"]);
    let out = run(&env, &fake, &["doctor"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("fake-model is listed"), "{text}");
    assert!(text.contains("1-token test completion"), "{text}");
    assert_eq!(fake.chat_requests()[0].body["max_tokens"], 1);

    // A server that is down: exit 4, said plainly.
    drop(fake);
    let out = env
        .cmd()
        .env("PRAPP_PROVIDER", "custom")
        .env("PRAPP_BASE_URL", "http://127.0.0.1:9/v1")
        .env("PRAPP_MODEL", "m")
        .env("PRAPP_MAX_RETRIES", "0")
        .args(["doctor"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stdout).contains("cannot reach 127.0.0.1:9"));
}

/// A whole session against a real server (llama.cpp, Ollama…): ignored unless
/// `PRAPP_TEST_LLM_URL` names one; `PRAPP_TEST_LLM_MODEL` picks the model and
/// `PRAPP_TEST_LLM_CONTEXT` its context window (llama-cpp-python's default is 2048).
#[test]
#[ignore = "needs a real OpenAI-compatible server in PRAPP_TEST_LLM_URL"]
fn real_server_full_session() {
    let Ok(url) = std::env::var("PRAPP_TEST_LLM_URL") else {
        eprintln!("PRAPP_TEST_LLM_URL is not set; nothing to test");
        return;
    };
    let model = std::env::var("PRAPP_TEST_LLM_MODEL").unwrap_or_else(|_| "local".into());
    let window = std::env::var("PRAPP_TEST_LLM_CONTEXT").unwrap_or_else(|_| "8192".into());
    let env = Env::new();
    let cmd = |args: &[&str]| {
        let out = env
            .cmd()
            .env("PRAPP_PROVIDER", "custom")
            .env("PRAPP_BASE_URL", &url)
            .env("PRAPP_MODEL", &model)
            .env("PRAPP_IDLE_TIMEOUT", "120")
            .env("PRAPP_REQUEST_TIMEOUT", "600")
            .env("PRAPP_CONTEXT_WINDOW", &window)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (doctor, _) = cmd(&["doctor"]);
    eprintln!("{doctor}");
    let (s, _) = cmd(&["session", "new", "--type", "interview", "--json"]);
    let s: Value = serde_json::from_str(&s).unwrap();
    let id = s["session_id"].as_str().unwrap().to_string();
    eprintln!("opening: {}", s["transcript"][0]["content"]);
    assert!(
        !s["transcript"][0]["content"]
            .as_str()
            .unwrap()
            .trim()
            .is_empty()
    );
    for answer in [
        "I led the migration of our billing system to Postgres and cut costs by 30 percent.",
        "I measured it with the monthly invoice and presented the result to the CFO.",
        "Next I would automate the failover drills, because outages cost us customers.",
    ] {
        let (reply, _) = cmd(&["chat", &id, "--message", answer]);
        eprintln!("reply: {reply}");
        assert!(!reply.trim().is_empty());
    }
    cmd(&["session", "complete", &id]);
    let (e, notes) = cmd(&["session", "evaluate", &id, "--json"]);
    let e: Value = serde_json::from_str(&e).unwrap();
    eprintln!("judge: {} {notes}", e["evaluator"]);
    // A tiny model's JSON is often invalid: then the heuristic stands in, with a notice.
    match e["evaluator"]["engine"].as_str().unwrap() {
        "llm" => assert!(e["overall_score"].as_f64().unwrap() <= 10.0),
        _ => assert!(notes.contains("heuristic"), "{notes}"),
    }
    let (usage, _) = cmd(&["usage", "--json"]);
    let usage: Value = serde_json::from_str(&usage).unwrap();
    assert_eq!(usage["usage"][0]["replies"], 4, "{usage}");
}

#[test]
fn the_local_profile_reaches_the_coachs_prompt() {
    let env = Env::new();
    let fake = FakeOpenAi::start();
    env.ok(&[
        "profile",
        "set",
        "--target-role",
        "Staff engineer",
        "--experience",
        "senior",
    ]);
    start_session(&env, &fake);
    let system = fake.chat_requests()[0].body["messages"][0]["content"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        system.contains("Target role: Staff engineer") && system.contains("Experience: senior"),
        "{system}"
    );
}

/// `prapp serve` answers with the configured model too: the opening and a streamed (SSE) reply
/// come from the fake server, and the configured judge evaluates.
#[cfg(unix)]
#[test]
fn the_server_uses_the_configured_model() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let env = Env::new();
    let fake = FakeOpenAi::start();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("prapp"))
        .args(["--data-dir", env.data_dir().to_str().unwrap()])
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("PRAPP_CONFIG_DIR", env.config_dir())
        .env("PRAPP_SECRETS", "file")
        .env("PRAPP_PROVIDER", "custom")
        .env("PRAPP_BASE_URL", fake.base_url())
        .env("PRAPP_MODEL", "fake-model")
        .env("RUST_LOG", "warn")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Killed however the test ends, so a failed assertion leaves no server behind.
    struct Killed(std::process::Child);
    impl Drop for Killed {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let child = Killed(child);
    let addr = loop {
        let line = lines.next().unwrap().unwrap();
        if let Some(a) = line.strip_prefix("prapp: listening on ") {
            break a.to_string();
        }
        assert!(line.contains("custom/fake-model"), "{line}");
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (opening, sse) = rt.block_on(async {
        let http = reqwest::Client::new();
        let signup: Value = http
            .post(format!("{addr}/api/v1/auth/signup"))
            .json(&serde_json::json!({"email": "ada@example.org", "password": "correct horse"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = signup["access_token"].as_str().unwrap().to_string();
        let post = async |path: String, body: Value| {
            http.post(format!("{addr}/api/v1/sessions{path}"))
                .bearer_auth(&token)
                .json(&body)
                .send()
                .await
                .unwrap()
        };
        fake.push(Reply::stream(&["Welcome, ", "founder."]));
        let session: Value = post(
            String::new(),
            serde_json::json!({"preparation_type": "pitch"}),
        )
        .await
        .json()
        .await
        .unwrap();
        let id = session["session_id"].as_str().unwrap().to_string();
        fake.push(Reply::stream(&["How big ", "is the market?"]));
        let sse = http
            .post(format!("{addr}/api/v1/sessions/{id}/messages"))
            .bearer_auth(&token)
            .header("accept", "text/event-stream")
            .json(&serde_json::json!({"content": "We route parcels."}))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        // Two more turns (the default reply), complete, and the configured judge evaluates.
        fake.set_default(Reply::stream(&["And then?"]));
        for answer in [
            "We cut delivery costs by 30 percent for 40 shops.",
            "Next we sign two carriers, because margins depend on volume.",
        ] {
            let r = post(
                format!("/{id}/messages"),
                serde_json::json!({ "content": answer }),
            )
            .await;
            assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
        }
        let r = post(format!("/{id}/complete"), Value::Null).await;
        assert!(r.status().is_success(), "{}", r.text().await.unwrap());
        fake.push(Reply::Json(completion_json(&VERDICT.replace(
            "cut costs by 30 percent",
            "cut delivery costs by 30 percent",
        ))));
        let evaluation: Value = post(format!("/{id}/evaluate"), Value::Null)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(evaluation["evaluator"]["engine"], "llm", "{evaluation}");
        assert_eq!(evaluation["universal_scores"]["engagement"], 5.5);
        (session["transcript"][0]["content"].clone(), sse)
    });
    drop(child);
    assert_eq!(opening, "Welcome, founder.");
    assert!(
        sse.contains("event: delta") && sse.contains("How big "),
        "{sse}"
    );
    assert!(
        sse.contains("event: done") && sse.contains("is the market?"),
        "{sse}"
    );
    // Opening, three replies, one verdict.
    assert_eq!(fake.chat_requests().len(), 5);
}
