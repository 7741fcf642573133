//! The built-in counterpart finds, by meaning, which fact of its persona card answers a user's
//! question (tests/fixtures/persona_questions*.toml: the "tune" rows set the thresholds, the
//! "check" rows were never tuned on). Needs the real model (see tests/model_util).

mod model_util;

use prapp::coach::builtin::persona::{Persona, cards};
use prapp::domain::PreparationType;
use prapp::semantic::Embeddings;

#[derive(serde::Deserialize)]
struct Labelled {
    q: Vec<Row>,
}

#[derive(serde::Deserialize)]
struct Row {
    card: String,
    question: String,
    topic: String,
    set: String,
}

fn rows(set: &str) -> Vec<Row> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let mut all = Vec::new();
    for f in ["persona_questions.toml", "persona_questions_extra.toml"] {
        let Ok(text) = std::fs::read_to_string(format!("{dir}/{f}")) else {
            continue;
        };
        let l: Labelled = toml::from_str(&text).expect("valid fixture");
        all.extend(l.q.into_iter().filter(|r| r.set == set));
    }
    all
}

fn card(id: &str) -> &'static Persona {
    PreparationType::ALL
        .iter()
        .flat_map(|k| cards(*k))
        .find(|p| p.id == id)
        .unwrap_or_else(|| panic!("no card {id}"))
}

/// Share right, and what was wrong.
fn accuracy(rows: &[Row], emb: Option<&Embeddings<'_>>) -> (f64, Vec<String>) {
    let mut wrong = Vec::new();
    for r in rows {
        let p = card(&r.card);
        let got = p
            .answer(&r.question, emb)
            .map_or("", |i| p.facts[i].topic.as_str());
        if got != r.topic {
            wrong.push(format!(
                "{}: {:?} → {got:?}, want {:?}",
                r.card, r.question, r.topic
            ));
        }
    }
    let n = rows.len().max(1) as f64;
    ((rows.len() - wrong.len()) as f64 / n, wrong)
}

#[test]
fn questions_find_their_facts_by_meaning_and_by_words() {
    let check = rows("check");
    let tune = rows("tune");
    let (words, wrong_words) = accuracy(&check, None);
    eprintln!(
        "by words: tune {:.0}%, check {:.0}% of {}",
        accuracy(&tune, None).0 * 100.0,
        words * 100.0,
        check.len()
    );
    assert!(
        words >= 0.50,
        "by words {words:.2}:\n{}",
        wrong_words.join("\n")
    );
    let Some(m) = model_util::model() else {
        return model_util::skip("persona questions by meaning");
    };
    let emb = Embeddings::new(m, None);
    let (tuned, wrong_tuned) = accuracy(&tune, Some(&emb));
    eprintln!("tune errors:\n{}", wrong_tuned.join("\n"));
    let (meaning, wrong) = accuracy(&check, Some(&emb));
    eprintln!(
        "by meaning: tune {:.0}%, check {:.0}% of {}:\n{}",
        tuned * 100.0,
        meaning * 100.0,
        check.len(),
        wrong.join("\n")
    );
    assert!(
        meaning >= 0.58,
        "by meaning {meaning:.2}:\n{}",
        wrong.join("\n")
    );
}

/// Prints every "tune" row's best and right facts with their scores: what the thresholds in
/// src/coach/builtin/persona.rs were set by. `cargo test --test coach_semantic -- --ignored`.
#[test]
#[ignore = "a report for tuning, not a check"]
fn tuning_report() {
    let Some(m) = model_util::model() else {
        return model_util::skip("tuning report");
    };
    let emb = Embeddings::new(m, None);
    for r in rows("tune") {
        let p = card(&r.card);
        let all = p.matches(&r.question, Some(&emb));
        let mut ranked = all.clone();
        ranked.sort_by(|a, b| {
            (b.semantic + 0.3 * b.lexical).total_cmp(&(a.semantic + 0.3 * a.lexical))
        });
        let best = ranked[0];
        let right = all.iter().find(|m| p.facts[m.fact].topic == r.topic);
        eprintln!(
            "TUNE\t{}\t{:.2}\t{:.2}\t{}\t{}\t{}",
            r.topic,
            best.semantic,
            best.lexical,
            p.facts[best.fact].topic,
            right.map_or(String::new(), |m| format!(
                "{:.2}/{:.2}",
                m.semantic, m.lexical
            )),
            r.question
        );
        let words = p.matches(&r.question, None);
        let top = words
            .iter()
            .max_by(|a, b| a.lexical.total_cmp(&b.lexical))
            .copied()
            .unwrap();
        eprintln!(
            "WORDS\t{}\t{:.2}\t{}\t{}",
            r.topic, top.lexical, p.facts[top.fact].topic, r.question
        );
    }
}

/// The coach reads by meaning only the first sentences of each answer (for speed): an answer
/// that drifts is still called out.
#[test]
fn the_coach_by_meaning_calls_out_off_topic() {
    use prapp::coach::builtin::BuiltinCoach;
    use prapp::domain::{ChatMessage, Role, Session, SessionStatus, now};
    let Some(m) = model_util::model() else {
        return model_util::skip("the coach by meaning");
    };
    /// The test binary's one model, lent to the coach.
    struct Lent(&'static prapp::semantic::MiniLm);
    impl prapp::semantic::Embedder for Lent {
        fn id(&self) -> &str {
            self.0.id()
        }
        fn embed(
            &self,
            texts: &[&str],
        ) -> Result<Vec<prapp::semantic::Vector>, prapp::semantic::SemanticError> {
            self.0.embed(texts)
        }
    }
    let coach = BuiltinCoach::semantic(std::sync::Arc::new(Lent(m)), None);
    let mut s = Session {
        session_id: uuid::Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0042),
        user_id: uuid::Uuid::nil(),
        preparation_type: PreparationType::Interview,
        meeting_subtype: Some("behavioral".into()),
        agenda: Some("Senior backend role at a fintech".into()),
        tone: None,
        role_context: None,
        status: SessionStatus::InProgress,
        transcript: Some(vec![]),
        turn_count: 0,
        created_at: now(),
        updated_at: now(),
        completed_at: None,
        evaluation_summary: None,
    };
    let say = |s: &mut Session, role: Role, content: String| {
        s.transcript.get_or_insert_default().push(ChatMessage {
            message_id: uuid::Uuid::nil(),
            role,
            content,
            timestamp: now(),
        });
    };
    let opening = coach.next_message(&s);
    say(&mut s, Role::Ai, opening.clone());
    say(
        &mut s,
        Role::User,
        "Honestly, my weekends are all about football. I play five-a-side on Saturdays with old \
         school friends. On Sundays I watch the derby with my brother. We argue about the referee \
         every single week."
            .into(),
    );
    let reply = coach.next_message(&s);
    let l = reply.to_lowercase();
    assert!(
        [
            "different topic",
            "answer",
            "not what i asked",
            "off track",
            "steer"
        ]
        .iter()
        .any(|w| l.contains(w)),
        "football not called out: {reply}"
    );
}
