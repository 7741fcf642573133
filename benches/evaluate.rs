//! How long the built-in judge takes on one 20-turn session (20 distinct questions and answers
//! from tests/fixtures/judge/sessions.toml, 60–120 words each):
//! - by shared words (target: under 2 ms);
//! - by meaning, the first use ever (nothing stored, the judge's reference sentences neither);
//! - by meaning, a new session: no message of it stored yet (target: under 1 s; the model
//!   already loaded and its reference sentences stored by an earlier evaluation);
//! - by meaning again, every vector read from the database (target: under 20 ms);
//! - loading the model, apart (target: under 150 ms);
//! - the built-in coach's reply to the last answer: by shared words (target: under 5 ms), and
//!   by meaning with one new answer to embed (target: under 60 ms), and what the model alone
//!   takes for it.
//!
//! Run with `cargo bench --bench evaluate`. The semantic figures need the model: PRAPP_TEST_MODEL
//! (a folder, .zip or .whl), else the wheel .ci/run downloads into target/model-wheel/. Prints
//! medians; asserts nothing.

use std::collections::HashMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use prapp::domain::{self, ChatMessage, PreparationType, Role};
use prapp::eval::EvalInput;
use prapp::eval::heuristic::{evaluate, evaluate_with};
use prapp::semantic::{Embeddings, Vector, VectorCache, files};
use uuid::Uuid;

fn main() {
    let transcript = transcript();
    let input = EvalInput {
        preparation_type: PreparationType::Interview,
        meeting_subtype: Some("behavioral"),
        agenda: Some("Senior backend engineer at a fintech"),
        tone: Some("formal"),
        role_context: None,
        transcript: &transcript,
    };
    let words: usize = transcript
        .iter()
        .map(|m| m.content.split_whitespace().count())
        .sum();
    println!("a 20-turn session of {words} words");
    for _ in 0..50 {
        black_box(evaluate(black_box(&input)).expect("evaluates"));
    }
    let lexical = time(1000, || {
        black_box(evaluate(black_box(&input)).expect("evaluates"));
    });
    println!("by shared words:                 median {}", show(lexical));
    let setting = prapp::analysis::Setting {
        kind: input.preparation_type,
        subtype: input.meeting_subtype,
        agenda: input.agenda,
        role_context: input.role_context,
    };
    let analysis = time(1000, || {
        black_box(prapp::analysis::analyze(
            &setting,
            black_box(&transcript),
            None,
        ));
    });
    println!("  of which reading the answers:  median {}", show(analysis));
    let session = session(&transcript);
    let lexical_coach = prapp::coach::builtin::BuiltinCoach::lexical();
    let reply = time(1000, || {
        black_box(lexical_coach.next_message(black_box(&session)));
    });
    println!("coach reply, by shared words:    median {}", show(reply));

    let Some(src) = model_source() else {
        println!("by meaning: skipped — no model (PRAPP_TEST_MODEL, or run .ci/run to fetch it)");
        return;
    };
    let data = tempfile::tempdir().expect("temp dir");
    files::import(data.path(), &src).expect("imports the model");
    let loads = time(10, || {
        black_box(files::load(data.path()).expect("loads").expect("installed"));
    });
    println!("model load:                      median {}", show(loads));
    let model = files::load(data.path()).expect("loads").expect("installed");
    let first = time(3, || {
        let emb = Embeddings::new(&model, None);
        black_box(evaluate_with(&input, Some(&emb)).expect("evaluates"));
    });
    println!("by meaning, first use ever:      median {}", show(first));
    // What a new session meets: the judge's own reference sentences (off-topic talk, rubric
    // examples) were stored by an earlier evaluation, none of this session's messages were.
    let earlier = Memory::default();
    let other = transcript_from(40);
    let other_input = EvalInput {
        transcript: &other,
        ..input
    };
    evaluate_with(&other_input, Some(&Embeddings::new(&model, Some(&earlier)))).expect("evaluates");
    let fresh = time(5, || {
        let cache = earlier.snapshot();
        let emb = Embeddings::new(&model, Some(&cache));
        black_box(evaluate_with(&input, Some(&emb)).expect("evaluates"));
    });
    println!("by meaning, no message stored:   median {}", show(fresh));
    let cache = prapp::store::EmbeddingCache::open(data.path()).expect("cache");
    evaluate_with(&input, Some(&Embeddings::new(&model, Some(&cache)))).expect("evaluates");
    let stored = time(50, || {
        let emb = Embeddings::new(&model, Some(&cache));
        black_box(evaluate_with(&input, Some(&emb)).expect("evaluates"));
    });
    println!("by meaning, every vector stored: median {}", show(stored));

    // The coach by meaning: every earlier message stored, the last answer new.
    let model: Arc<dyn prapp::semantic::Embedder> = Arc::new(model);
    let warm = Memory::default();
    let before = prapp::coach::builtin::BuiltinCoach::semantic(
        model.clone(),
        Some(Arc::new(warm.snapshot_shared())),
    );
    let mut earlier = session.clone();
    // Up to the answer before: the coach read (and stored) everything but the last exchange.
    if let Some(t) = earlier.transcript.as_mut() {
        t.truncate(t.len() - 2);
    }
    before.next_message(&earlier);
    let coach = time(20, || {
        let c = prapp::coach::builtin::BuiltinCoach::semantic(
            model.clone(),
            Some(Arc::new(warm.snapshot())),
        );
        black_box(c.next_message(black_box(&session)));
    });
    println!("coach reply, by meaning (1 new): median {}", show(coach));
    // What the model alone costs for that reply: the new question and the answer's first three
    // sentences (all the coach reads by meaning), in one call.
    let msgs = session.messages();
    let question = msgs[msgs.len() - 2].content.as_str();
    let answer = msgs[msgs.len() - 1].content.as_str();
    let mut new_texts: Vec<&str> = vec![prapp::analysis::asking_part(question)];
    new_texts.extend(
        prapp::text::sentences::sentences(answer)
            .into_iter()
            .take(3),
    );
    let words: usize = new_texts.iter().map(|t| t.split_whitespace().count()).sum();
    let embed = time(20, || {
        black_box(model.embed(black_box(&new_texts)).expect("embeds"));
    });
    println!(
        "  of which the model ({} texts, {words} words): median {}",
        new_texts.len(),
        show(embed)
    );
    let one = time(20, || {
        black_box(model.embed(black_box(&new_texts[..1])).expect("embeds"));
    });
    println!("  one sentence alone:            median {}", show(one));
}

fn session(transcript: &[ChatMessage]) -> domain::Session {
    domain::Session {
        session_id: Uuid::now_v7(),
        user_id: Uuid::nil(),
        preparation_type: PreparationType::Interview,
        meeting_subtype: Some("behavioral".into()),
        agenda: Some("Senior backend engineer at a fintech".into()),
        tone: Some("formal".into()),
        role_context: None,
        status: domain::SessionStatus::InProgress,
        transcript: Some(transcript.to_vec()),
        turn_count: transcript.len() / 2,
        created_at: domain::now(),
        updated_at: domain::now(),
        completed_at: None,
        evaluation_summary: None,
    }
}

fn time(n: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..n)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[n / 2]
}

fn show(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

fn model_source() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PRAPP_TEST_MODEL").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/model-wheel");
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "whl" || e == "zip"))
}

/// Vectors kept in memory, shared by clones.
#[derive(Default)]
struct Memory(Arc<Mutex<HashMap<[u8; 16], Vector>>>);

impl VectorCache for Memory {
    fn load(&self, keys: &[[u8; 16]]) -> Vec<Option<Vector>> {
        let m = self.0.lock().expect("lock");
        keys.iter().map(|k| m.get(k).cloned()).collect()
    }
    fn save(&self, items: &[([u8; 16], Vector)]) {
        let mut m = self.0.lock().expect("lock");
        m.extend(items.iter().cloned());
    }
}

impl Memory {
    /// A handle on the same vectors.
    fn snapshot_shared(&self) -> Memory {
        Memory(self.0.clone())
    }

    /// A copy that no longer shares what is saved into it.
    fn snapshot(&self) -> Memory {
        let m = self.0.lock().expect("lock").clone();
        Memory(Arc::new(Mutex::new(m)))
    }
}

/// The first 20 turns of the labelled sessions: realistic, and all different.
fn transcript() -> Vec<ChatMessage> {
    transcript_from(0)
}

/// 20 turns of the labelled sessions, from turn `skip` on.
fn transcript_from(skip: usize) -> Vec<ChatMessage> {
    let text = include_str!("../tests/fixtures/judge/sessions.toml");
    let v: toml::Table = toml::from_str(text).expect("fixtures parse");
    let mut out = Vec::new();
    let mut seen = 0;
    for s in v["sessions"].as_array().expect("sessions") {
        for t in s["turns"].as_array().expect("turns") {
            if out.len() == 40 {
                return out;
            }
            seen += 1;
            if seen <= skip {
                continue;
            }
            out.push(msg(Role::Ai, t["question"].as_str().unwrap_or_default()));
            out.push(msg(Role::User, t["answer"].as_str().unwrap_or_default()));
        }
    }
    out
}

fn msg(role: Role, content: &str) -> ChatMessage {
    ChatMessage {
        message_id: Uuid::now_v7(),
        role,
        content: content.into(),
        timestamp: domain::now(),
    }
}
