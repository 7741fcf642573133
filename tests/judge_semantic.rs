//! The judge with the real embedding model (see tests/model_util): the same bars as
//! judge_quality.rs, plus what only meaning can tell — an answer about football is off topic,
//! a paraphrased answer is not, an echo of the question is an echo.
#![allow(clippy::unwrap_used)]

mod judge_util;
mod model_util;

use judge_util::*;
use prapp::semantic::{Embedder, Embeddings, cosine};

#[test]
fn the_model_reproduces_sentence_transformers() {
    let Some(m) = model_util::model() else {
        return model_util::skip("similarities");
    };
    let v = m
        .embed(&[
            "That is a happy person",
            "That is a happy dog",
            "That is a very happy person",
            "Today is a sunny day",
        ])
        .unwrap();
    // The published all-MiniLM-L6-v2 similarities (sentence-transformers' model card).
    let expect = [0.6945, 0.9429, 0.2569];
    for (i, e) in expect.iter().enumerate() {
        let got = cosine(&v[0], &v[i + 1]);
        assert!((got - e).abs() < 0.002, "{i}: {got} vs {e}");
    }
    let norm: f64 = v[0]
        .iter()
        .map(|x| f64::from(*x) * f64::from(*x))
        .sum::<f64>()
        .sqrt();
    assert!((norm - 1.0).abs() < 1e-4);
}

#[test]
fn held_out_pairs_by_meaning() {
    let Some(m) = model_util::model() else {
        return model_util::skip("pairs");
    };
    let emb = Embeddings::new(m, None);
    let r = pair_accuracy(&load_pairs("pairs_heldout.toml"), Some(&emb));
    println!("{}", r.describe());
    assert!(r.dimension >= 0.88, "{}", r.describe());
    assert!(r.overall >= 0.88, "{}", r.describe());
}

#[test]
fn gaming_and_sessions_by_meaning() {
    let Some(m) = model_util::model() else {
        return model_util::skip("gaming");
    };
    let emb = Embeddings::new(m, None);
    let results = gaming(Some(&emb));
    let beaten: Vec<&String> = results
        .iter()
        .filter(|r| r.gamed >= r.honest)
        .map(|r| &r.id)
        .collect();
    assert!(beaten.len() <= 1, "gamed won: {beaten:?}");
    for s in sessions(Some(&emb)) {
        println!(
            "{:<44} {:<9} overall {:.1} tone {:.1}",
            s.id, s.label, s.overall, s.tone
        );
        match s.label.as_str() {
            "excellent" => assert!(s.overall >= 8.0, "{} scored {:.1}", s.id, s.overall),
            "poor" => assert!(s.overall <= 4.0, "{} scored {:.1}", s.id, s.overall),
            _ => assert!(s.overall <= 6.5, "{} scored {:.1}", s.id, s.overall),
        }
    }
}

#[test]
fn football_is_off_topic_and_a_paraphrase_is_not() {
    let Some(m) = model_util::model() else {
        return model_util::skip("off topic");
    };
    let emb = Embeddings::new(m, None);
    let q = "How do you handle conflict between two people on your team?";
    let football = judge(
        &transcript(&[(
            q,
            "My favourite football team won the derby on Saturday with a late goal in extra time, and the whole pub went wild.",
        )]),
        Some(&emb),
    );
    assert!(
        football.answers[0].flags.iter().any(|f| f == "off topic"),
        "{:?}",
        football.answers[0]
    );
    assert!(football.universal_scores.relevance_focus <= 3.0);
    assert!(
        football
            .evidence
            .iter()
            .all(|e| !e.note.contains("builds on")),
        "never praised as engagement"
    );
    // Two answers, one about football: the football one is never quoted as a strength.
    let mixed = judge(
        &transcript(&[
            (
                "Tell me about a time you improved a system's performance.",
                "At my last company the payments API timed out during the holiday peak. I profiled the hot path and moved the fraud check to a queue, and p99 latency dropped by 60% in two weeks.",
            ),
            (
                q,
                "Honestly my weekends are all about football. I play on Saturdays with friends from school, and on Sunday I watch the derby with my brother.",
            ),
        ]),
        Some(&emb),
    );
    assert!(mixed.answers[1].flags.iter().any(|f| f == "off topic"));
    for s in &mixed.strengths {
        assert!(!s.contains("Saturdays") && !s.contains("football"), "{s}");
    }
    let praised = ["owns", "clear", "concrete", "specific", "builds on"];
    for e in &mixed.evidence {
        let off = e.quote.contains("Saturdays") || e.quote.contains("football");
        assert!(
            !(off && praised.iter().any(|p| e.note.contains(p))),
            "an off-topic answer praised: {e:?}"
        );
    }
    let paraphrase = judge(
        &transcript(&[(
            q,
            "Last spring two of my engineers disagreed about splitting the billing service. I got them in a room, had each explain the other's position back, and we agreed a two-week spike to settle it with data. The spike showed the split cut deploy time by half, and they shipped it together.",
        )]),
        Some(&emb),
    );
    assert!(
        paraphrase.answers[0].flags.is_empty(),
        "{:?}",
        paraphrase.answers[0].flags
    );
    assert!(
        paraphrase.universal_scores.relevance_focus >= 7.0,
        "{:?}",
        paraphrase.universal_scores
    );
    assert!(football.evaluator.model.is_some());
}

#[test]
fn stored_vectors_give_the_same_evaluation() {
    let Some(m) = model_util::model() else {
        return model_util::skip("cache");
    };
    let dir = tempfile::tempdir().unwrap();
    let cache = prapp::store::EmbeddingCache::open(dir.path()).unwrap();
    let t = transcript(&[("Tell me about a project you led.", GOOD)]);
    let first = judge(&t, Some(&Embeddings::new(m, Some(&cache))));
    // A second run reads every vector from the store: an embedder that fails proves it.
    struct Broken;
    impl Embedder for Broken {
        fn id(&self) -> &str {
            "broken"
        }
        fn embed(&self, _: &[&str]) -> Result<Vec<Vec<f32>>, prapp::semantic::SemanticError> {
            Err(prapp::semantic::SemanticError::Embed("called".into()))
        }
    }
    struct SameId<'a>(&'a dyn Embedder);
    impl Embedder for SameId<'_> {
        fn id(&self) -> &str {
            self.0.id()
        }
        fn embed(&self, t: &[&str]) -> Result<Vec<Vec<f32>>, prapp::semantic::SemanticError> {
            Broken.embed(t)
        }
    }
    let again = judge(&t, Some(&Embeddings::new(&SameId(m), Some(&cache))));
    assert_eq!(first, again);
}
