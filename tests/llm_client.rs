//! The LLM client against the fake OpenAI-compatible server on 127.0.0.1: streams cut at awkward
//! places, usage, retries and backoff, errors that say what to do, timeouts and cancellation.
#![allow(clippy::unwrap_used)]

mod fake_openai;

use std::time::{Duration, Instant};

use fake_openai::{FakeOpenAi, MODEL, Reply, Split};
use prapp::llm::{
    BlockingClient, Cancel, ChatRequest, Client, ClientConfig, LlmError, Message, Role, Secret,
    Usage,
};

/// Fast retries so the retry tests take milliseconds, not seconds.
fn config(fake: &FakeOpenAi) -> ClientConfig {
    let mut cfg = ClientConfig::new(fake.base_url(), MODEL);
    cfg.retry_base_delay = Duration::from_millis(10);
    cfg
}

fn client(fake: &FakeOpenAi) -> BlockingClient {
    BlockingClient::new(config(fake)).unwrap()
}

fn request() -> ChatRequest {
    ChatRequest {
        messages: vec![
            Message {
                role: Role::System,
                content: "You are an interviewer.".into(),
            },
            Message {
                role: Role::User,
                content: "Ask me something.".into(),
            },
        ],
        max_tokens: Some(200),
        temperature: Some(0.7),
        response_format: None,
    }
}

/// Streams `request()` and returns the completion and every delta the sink saw.
fn stream(client: &BlockingClient) -> (Result<prapp::llm::Completion, LlmError>, Vec<String>) {
    let mut seen = Vec::new();
    let result = client.stream(
        &request(),
        &mut |delta| {
            seen.push(delta.to_owned());
            true
        },
        &Cancel::default(),
    );
    (result, seen)
}

fn gaps(fake: &FakeOpenAi) -> Vec<Duration> {
    let at: Vec<Instant> = fake.chat_requests().iter().map(|r| r.at).collect();
    at.windows(2).map(|w| w[1] - w[0]).collect()
}

#[test]
fn streams_cut_at_1_3_and_7_bytes_reassemble_exactly() {
    let fake = FakeOpenAi::start();
    let client = client(&fake);
    let deltas = [
        "Tell me ",
        "about 👩‍💻 ",
        "a time ",
        "you led — ",
        "领导力",
        " «ça va»",
        "!",
    ];
    for n in [1, 3, 7] {
        fake.push(Reply::Stream {
            deltas: deltas.iter().map(|d| d.to_string()).collect(),
            usage: Some((20, 7)),
            split: Split::EveryNBytes(n),
        });
        let (completion, seen) = stream(&client);
        let completion = completion.unwrap();
        assert_eq!(completion.text, deltas.concat(), "pieces of {n} bytes");
        assert_eq!(seen, deltas, "pieces of {n} bytes");
        assert_eq!(completion.finish_reason.as_deref(), Some("stop"));
    }
}

#[test]
fn keep_alive_comments_and_crlf_line_endings_are_understood() {
    let fake = FakeOpenAi::start();
    let chunk = |content: &str| {
        format!(
            "data: {{\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{content}\"}},\"finish_reason\":null}}]}}\r\n\r\n"
        )
    };
    fake.push(Reply::Raw {
        pieces: vec![
            ": keep-alive\r\n\r\n".into(),
            chunk("Hello"),
            ": still here\r\n".into(),
            "\r\n".into(),
            format!("{}\r", chunk(", world").trim_end()),
            "\n\r\n".into(),
            "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\r\n\r\n"
                .into(),
            "data: [DONE]\r\n\r\n".into(),
        ],
        delay: Duration::from_millis(5),
    });
    let (completion, seen) = stream(&client(&fake));
    assert_eq!(completion.unwrap().text, "Hello, world");
    assert_eq!(seen, ["Hello", ", world"]);
}

/// The reason the SSE parser is our own: the idle timeout measures gaps between bytes, so a
/// server that only sends keep-alives while the model thinks is not cut off.
#[test]
fn keep_alives_hold_off_the_idle_timeout() {
    let fake = FakeOpenAi::start();
    // A second of keep-alives, 100 ms apart, against a 500 ms idle timeout.
    let mut pieces = vec![": keep-alive\n\n".to_string(); 10];
    pieces.push(fake_openai::sse_body(&["late but fine".into()], None));
    fake.push(Reply::Raw {
        pieces,
        delay: Duration::from_millis(100),
    });
    let mut cfg = config(&fake);
    cfg.idle_timeout = Duration::from_millis(500);
    let (completion, _) = stream(&BlockingClient::new(cfg).unwrap());
    assert_eq!(completion.unwrap().text, "late but fine");
}

#[test]
fn usage_and_model_come_from_the_stream() {
    let fake = FakeOpenAi::start();
    fake.push(Reply::Stream {
        deltas: vec!["Hi".into()],
        usage: Some((12, 3)),
        split: Split::Whole,
    });
    let mut cfg = config(&fake);
    cfg.model = "alias".into();
    let (completion, _) = stream(&BlockingClient::new(cfg).unwrap());
    let completion = completion.unwrap();
    assert_eq!(
        completion.usage,
        Some(Usage {
            prompt_tokens: 12,
            completion_tokens: 3
        })
    );
    assert_eq!(
        completion.model, MODEL,
        "the server's name for the model wins"
    );
}

#[test]
fn a_stream_without_usage_is_fine() {
    let fake = FakeOpenAi::start();
    fake.push(Reply::NoUsage {
        deltas: vec!["No ".into(), "usage.".into()],
    });
    let (completion, _) = stream(&client(&fake));
    let completion = completion.unwrap();
    assert_eq!(completion.text, "No usage.");
    assert_eq!(completion.usage, None);
}

#[test]
fn a_server_that_ignores_stream_true_still_gets_its_reply_through() {
    let fake = FakeOpenAi::start();
    fake.push(Reply::Json(fake_openai::completion_json("All at once.")));
    let (completion, seen) = stream(&client(&fake));
    let completion = completion.unwrap();
    assert_eq!(completion.text, "All at once.");
    assert_eq!(seen, ["All at once."]);
    assert_eq!(completion.usage.map(|u| u.prompt_tokens), Some(10));
}

#[test]
fn a_stream_may_end_without_done_if_it_said_it_finished() {
    let fake = FakeOpenAi::start();
    let body = fake_openai::sse_body(&["Done.".into()], None);
    fake.push(Reply::Raw {
        pieces: vec![body.replace("data: [DONE]\n\n", "")],
        delay: Duration::ZERO,
    });
    let (completion, _) = stream(&client(&fake));
    assert_eq!(completion.unwrap().text, "Done.");
}

#[test]
fn a_stream_cut_off_mid_reply_is_an_error_and_not_retried() {
    let fake = FakeOpenAi::start();
    fake.push(Reply::Raw {
        pieces: vec![
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Half\"}}]}\n\n".into(),
        ],
        delay: Duration::ZERO,
    });
    let (result, seen) = stream(&client(&fake));
    let err = result.unwrap_err();
    assert!(matches!(err, LlmError::Protocol { .. }), "{err:?}");
    assert!(err.to_string().contains("ended early"), "{err}");
    assert_eq!(seen, ["Half"]);
    assert_eq!(fake.chat_requests().len(), 1);
}

#[test]
fn a_plain_completion_is_parsed() {
    let fake = FakeOpenAi::start();
    fake.push(Reply::Json(fake_openai::completion_json("{\"score\": 4}")));
    let completion = client(&fake)
        .complete(&request(), &Cancel::default())
        .unwrap();
    assert_eq!(completion.text, "{\"score\": 4}");
    assert_eq!(completion.model, MODEL);
    assert_eq!(completion.finish_reason.as_deref(), Some("stop"));
    assert_eq!(
        completion.usage,
        Some(Usage {
            prompt_tokens: 10,
            completion_tokens: 5
        })
    );
    let sent = &fake.chat_requests()[0];
    assert_eq!(sent.body["stream"], false);
    assert!(sent.body.get("stream_options").is_none());
}

#[test]
fn requests_carry_model_messages_max_tokens_and_the_key_only_when_set() {
    let fake = FakeOpenAi::start();
    let mut cfg = config(&fake);
    cfg.api_key = Some(Secret::new("sk-test-key"));
    let (with_key, _) = stream(&BlockingClient::new(cfg).unwrap());
    with_key.unwrap();
    let (without_key, _) = stream(&client(&fake));
    without_key.unwrap();

    let sent = fake.chat_requests();
    assert_eq!(sent.len(), 2);
    let body = &sent[0].body;
    assert_eq!(body["model"], MODEL);
    assert_eq!(body["stream"], true);
    assert_eq!(body["stream_options"]["include_usage"], true);
    assert_eq!(body["max_tokens"], 200);
    assert!(body.get("max_completion_tokens").is_none());
    assert_eq!(body["messages"][0]["role"], "system");
    assert_eq!(body["messages"][1]["content"], "Ask me something.");
    assert_eq!(sent[0].header("authorization"), Some("Bearer sk-test-key"));
    assert_eq!(sent[1].header("authorization"), None);
    assert!(
        sent[0].header("user-agent").unwrap().starts_with("prapp/"),
        "{:?}",
        sent[0].header("user-agent")
    );
}

#[test]
fn rate_limiting_waits_as_long_as_retry_after_says() {
    let fake = FakeOpenAi::start();
    fake.push(Reply::Status {
        code: 429,
        retry_after: Some(1),
        body: r#"{"error":{"message":"Rate limit reached"}}"#.into(),
    });
    let (completion, _) = stream(&client(&fake));
    completion.unwrap();
    assert_eq!(fake.chat_requests().len(), 2);
    let gap = gaps(&fake)[0];
    assert!(gap >= Duration::from_secs(1), "retried after {gap:?}");
}

#[test]
fn server_failures_are_retried_until_one_succeeds() {
    let fake = FakeOpenAi::start();
    for _ in 0..3 {
        fake.push(Reply::status(500, "boom"));
    }
    let completion = client(&fake)
        .complete(&request(), &Cancel::default())
        .unwrap();
    assert_eq!(completion.text, "Hello from the fake server.");
    assert_eq!(fake.chat_requests().len(), 4);
}

#[test]
fn a_server_that_keeps_failing_gives_up_after_max_retries() {
    let fake = FakeOpenAi::start();
    fake.set_default(Reply::status(500, "model crashed"));
    let (result, seen) = stream(&client(&fake));
    let err = result.unwrap_err();
    assert_eq!(err.status(), Some(500));
    let message = err.to_string();
    assert!(message.contains("500"), "{message}");
    assert!(message.contains("after 4 attempts"), "{message}");
    assert!(message.contains("model crashed"), "{message}");
    assert!(seen.is_empty());
    assert_eq!(fake.chat_requests().len(), 4);
}

#[test]
fn a_rejected_key_is_not_retried_and_never_shown() {
    let fake = FakeOpenAi::start();
    // Providers echo (part of) the key; the message must not.
    fake.push(Reply::status(
        401,
        "Incorrect API key provided: sk-very-secret.",
    ));
    let mut cfg = config(&fake);
    cfg.api_key = Some(Secret::new("sk-very-secret"));
    let err = BlockingClient::new(cfg)
        .unwrap()
        .complete(&request(), &Cancel::default())
        .unwrap_err();
    let message = err.to_string();
    assert!(message.contains("prapp config set-key"), "{message}");
    assert!(message.starts_with("401 from 127.0.0.1:"), "{message}");
    assert!(!message.contains("sk-very-secret"), "{message}");
    assert!(!format!("{err:?}").contains("sk-very-secret"), "{err:?}");
    assert!(!err.is_retryable());
    assert_eq!(fake.chat_requests().len(), 1);
}

#[test]
fn a_bad_request_is_not_retried() {
    let fake = FakeOpenAi::start();
    fake.push(Reply::status(400, "max_tokens is too large"));
    let (result, _) = stream(&client(&fake));
    let err = result.unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert!(err.to_string().contains("max_tokens is too large"), "{err}");
    assert_eq!(fake.chat_requests().len(), 1);
}

#[test]
fn an_unknown_model_says_how_to_pick_one() {
    let fake = FakeOpenAi::start();
    fake.push(Reply::status(404, "model 'nope' not found"));
    let mut cfg = config(&fake);
    cfg.model = "nope".into();
    let err = BlockingClient::new(cfg)
        .unwrap()
        .complete(&request(), &Cancel::default())
        .unwrap_err();
    let message = err.to_string();
    assert!(message.contains("model 'nope' not found"), "{message}");
    assert!(message.contains("prapp config set model"), "{message}");
    assert_eq!(fake.chat_requests().len(), 1);
}

#[test]
fn a_stalled_stream_fails_with_an_idle_error() {
    let fake = FakeOpenAi::start();
    fake.push(Reply::Stall { deltas_before: 2 });
    let mut cfg = config(&fake);
    cfg.idle_timeout = Duration::from_millis(300);
    let (result, seen) = stream(&BlockingClient::new(cfg).unwrap());
    let err = result.unwrap_err();
    assert!(matches!(err, LlmError::Idle { .. }), "{err:?}");
    assert!(err.to_string().contains("stalled"), "{err}");
    assert_eq!(seen, ["word0 ", "word1 "]);
    // Part of the reply was shown: a retry would show it twice.
    assert_eq!(fake.chat_requests().len(), 1);
}

#[test]
fn a_stalled_plain_request_times_out() {
    let fake = FakeOpenAi::start();
    fake.push(Reply::Stall { deltas_before: 0 });
    let mut cfg = config(&fake);
    cfg.request_timeout = Duration::from_millis(300);
    cfg.max_retries = 0;
    let err = BlockingClient::new(cfg)
        .unwrap()
        .complete(&request(), &Cancel::default())
        .unwrap_err();
    assert!(matches!(err, LlmError::Timeout { .. }), "{err:?}");
}

#[test]
fn a_sink_returning_false_cancels_the_stream() {
    let fake = FakeOpenAi::start();
    fake.push(Reply::stream(&["one ", "two ", "three"]));
    let mut seen = Vec::new();
    let result = client(&fake).stream(
        &request(),
        &mut |delta| {
            seen.push(delta.to_owned());
            false
        },
        &Cancel::default(),
    );
    assert!(matches!(result, Err(LlmError::Cancelled)), "{result:?}");
    assert_eq!(seen, ["one "]);
    assert_eq!(fake.chat_requests().len(), 1);
}

#[test]
fn cancel_from_another_thread_stops_a_stalled_stream() {
    let fake = FakeOpenAi::start();
    fake.push(Reply::Stall { deltas_before: 1 });
    let client = client(&fake);
    let cancel = Cancel::default();
    let canceller = {
        let cancel = cancel.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(200));
            cancel.cancel();
        })
    };
    let started = Instant::now();
    let result = client.stream(&request(), &mut |_| true, &cancel);
    canceller.join().unwrap();
    assert!(matches!(result, Err(LlmError::Cancelled)), "{result:?}");
    // The idle timeout is 30 s: only the cancel flag can have ended it this soon.
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn cancel_cuts_a_backoff_sleep_short() {
    let fake = FakeOpenAi::start();
    fake.set_default(Reply::Status {
        code: 503,
        retry_after: Some(25),
        body: String::new(),
    });
    let client = client(&fake);
    let cancel = Cancel::default();
    let canceller = {
        let cancel = cancel.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            cancel.cancel();
        })
    };
    let started = Instant::now();
    let result = client.complete(&request(), &cancel);
    canceller.join().unwrap();
    assert!(matches!(result, Err(LlmError::Cancelled)), "{result:?}");
    assert_eq!(fake.chat_requests().len(), 1);
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_server_that_is_not_running_is_a_connect_error() {
    // A port that was free a moment ago: nothing listens there now.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut cfg = ClientConfig::new(format!("http://127.0.0.1:{port}/v1"), "m");
    cfg.retry_base_delay = Duration::from_millis(1);
    let err = BlockingClient::new(cfg)
        .unwrap()
        .complete(&request(), &Cancel::default())
        .unwrap_err();
    assert!(matches!(err, LlmError::Connect { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains(&format!("127.0.0.1:{port}")), "{message}");
    assert!(message.contains("connection refused"), "{message}");
    assert!(message.contains("prapp doctor"), "{message}");
    assert!(err.is_retryable());
}

#[test]
fn models_lists_what_the_server_offers() {
    let fake = FakeOpenAi::start();
    fake.set_models(&["llama3.2:3b", "qwen2.5:7b"]);
    assert_eq!(
        client(&fake).models().unwrap(),
        ["llama3.2:3b", "qwen2.5:7b"]
    );
    assert_eq!(fake.requests()[0].path, "/v1/models");
}

#[tokio::test]
async fn the_async_client_streams_too() {
    let fake = FakeOpenAi::start();
    fake.push(Reply::stream(&["async ", "works"]));
    let client = Client::new(config(&fake)).unwrap();
    let mut text = String::new();
    let completion = client
        .stream(
            &request(),
            &mut |delta| {
                text.push_str(delta);
                true
            },
            &Cancel::default(),
        )
        .await
        .unwrap();
    assert_eq!(completion.text, "async works");
    assert_eq!(text, "async works");
    assert_eq!(
        completion.usage.map(|u| u.completion_tokens),
        Some(2),
        "{completion:?}"
    );
}

/// Against a real server: `PRAPP_TEST_LLM_URL=http://localhost:8080/v1 cargo test -- --ignored`
/// (optionally `PRAPP_TEST_LLM_MODEL`, `PRAPP_TEST_LLM_KEY`).
#[test]
#[ignore = "needs a real OpenAI-compatible server in PRAPP_TEST_LLM_URL"]
fn real_server_streams() {
    let Ok(url) = std::env::var("PRAPP_TEST_LLM_URL") else {
        eprintln!("PRAPP_TEST_LLM_URL is not set; nothing to test against");
        return;
    };
    let mut cfg = ClientConfig::new(url, "");
    cfg.api_key = std::env::var("PRAPP_TEST_LLM_KEY").ok().map(Secret::new);
    let model = match std::env::var("PRAPP_TEST_LLM_MODEL") {
        Ok(model) => model,
        Err(_) => BlockingClient::new(cfg.clone())
            .unwrap()
            .models()
            .unwrap()
            .into_iter()
            .next()
            .expect("the server lists no model; set PRAPP_TEST_LLM_MODEL"),
    };
    cfg.model = model;
    let client = BlockingClient::new(cfg).unwrap();
    let mut deltas = 0;
    let completion = client
        .stream(
            &ChatRequest {
                messages: vec![Message {
                    role: Role::User,
                    content: "Say hello in five words.".into(),
                }],
                max_tokens: Some(32),
                ..Default::default()
            },
            &mut |_| {
                deltas += 1;
                true
            },
            &Cancel::default(),
        )
        .unwrap();
    assert!(!completion.text.trim().is_empty(), "{completion:?}");
    assert!(deltas > 0);
    eprintln!("{completion:?}");
}
