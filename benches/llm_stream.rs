//! The LLM client's streaming overhead: the fake OpenAI server (tests/fake_openai/) streams a
//! reply of 10,000 small chunks in one write, and the client parses it end to end (target: under
//! 20 µs per chunk). A baseline reads the same body with bare reqwest, no parsing; the difference
//! is what the client itself costs per chunk.
//!
//! Run with `cargo bench --bench llm_stream`. Prints medians; asserts only that the text arrived.

#[path = "../tests/fake_openai/mod.rs"]
mod fake_openai;

use std::time::{Duration, Instant};

use fake_openai::{FakeOpenAi, MODEL, Reply};
use futures_util::StreamExt;
use prapp::llm::{BlockingClient, Cancel, ChatRequest, ClientConfig, Message, Role};

const CHUNKS: usize = 10_000;
const RUNS: usize = 20;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn time(mut f: impl FnMut()) -> Duration {
    // Warm-up: the first run opens the connection and fills the allocator's caches.
    f();
    median(
        (0..RUNS)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed()
            })
            .collect(),
    )
}

fn per_chunk_us(t: Duration) -> f64 {
    t.as_secs_f64() * 1e6 / CHUNKS as f64
}

fn main() {
    let fake = FakeOpenAi::start();
    let deltas: Vec<String> = (0..CHUNKS).map(|i| format!("tok{i} ")).collect();
    let expected: String = deltas.concat();
    // Rendered once, so each run times the client and not the fake's JSON encoding.
    let body = fake_openai::sse_body(&deltas, Some((100, CHUNKS as u32)));
    println!(
        "SSE body: {CHUNKS} chunks, {:.1} MB, one write",
        body.len() as f64 / 1e6
    );
    fake.set_default(Reply::Raw {
        pieces: vec![body],
        delay: Duration::ZERO,
    });

    let request = ChatRequest {
        messages: vec![Message {
            role: Role::User,
            content: "Stream a long reply.".into(),
        }],
        ..Default::default()
    };

    let client = BlockingClient::new(ClientConfig::new(fake.base_url(), MODEL)).expect("client");
    let client_time = time(|| {
        let mut deltas = 0usize;
        let completion = client
            .stream(
                &request,
                &mut |d| {
                    deltas += std::hint::black_box(d).len();
                    true
                },
                &Cancel::default(),
            )
            .expect("stream");
        assert_eq!(completion.text.len(), expected.len());
        assert_eq!(deltas, expected.len());
    });

    // The floor: the same request, the body read as bytes and thrown away.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let http = reqwest::Client::new();
    let url = format!("{}/chat/completions", fake.base_url());
    let json = serde_json::json!({"model": MODEL, "messages": request.messages, "stream": true});
    let baseline_time = time(|| {
        runtime.block_on(async {
            let resp = http.post(&url).json(&json).send().await.expect("send");
            let mut body = resp.bytes_stream();
            let mut bytes = 0usize;
            while let Some(piece) = body.next().await {
                bytes += piece.expect("read").len();
            }
            std::hint::black_box(bytes);
        });
    });

    let report = |what: &str, t: Duration| {
        println!(
            "{what:<44} {:>8.2} ms  {:>6.2} µs/chunk",
            t.as_secs_f64() * 1e3,
            per_chunk_us(t)
        );
    };
    report("client stream, end to end (median of 20)", client_time);
    report("baseline: raw body bytes, no parsing", baseline_time);
    let overhead = per_chunk_us(client_time.saturating_sub(baseline_time));
    let verdict = if per_chunk_us(client_time) < 20.0 {
        "ok"
    } else {
        "MISSED"
    };
    println!(
        "client overhead per chunk                    {overhead:>6.2} µs  (target < 20 µs/chunk end to end: {verdict})"
    );
}
