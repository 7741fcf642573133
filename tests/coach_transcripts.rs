//! Whole transcripts of the built-in coach for a few fixed sessions, as snapshots: any change in
//! what the coach says (a wording, an order, a persona's answer) shows up in review as a diff of
//! `tests/snapshots/coach_transcripts__*.snap`. Accept a reviewed change with
//! `INSTA_UPDATE=always cargo test --test coach_transcripts` (or `cargo insta review`).

use prapp::coach::builtin::next_message;
use prapp::domain::{ChatMessage, PreparationType, Role, Session, SessionStatus, now};
use uuid::Uuid;

fn session(id: u128, kind: PreparationType, subtype: &str, agenda: &str) -> Session {
    Session {
        session_id: Uuid::from_u128(id),
        user_id: Uuid::nil(),
        preparation_type: kind,
        meeting_subtype: Some(subtype.into()),
        agenda: Some(agenda.into()),
        tone: None,
        role_context: None,
        status: SessionStatus::InProgress,
        transcript: Some(vec![]),
        turn_count: 0,
        created_at: now(),
        updated_at: now(),
        completed_at: None,
        evaluation_summary: None,
    }
}

/// Plays the opening and `answers`, and returns the transcript as a reader sees it.
fn play(mut s: Session, answers: &[&str]) -> String {
    let push = |s: &mut Session, role: Role, content: String| {
        s.transcript.get_or_insert_default().push(ChatMessage {
            message_id: Uuid::nil(),
            role,
            content,
            timestamp: now(),
        });
    };
    let opening = next_message(&s);
    push(&mut s, Role::Ai, opening);
    for a in answers {
        push(&mut s, Role::User, (*a).to_string());
        let reply = next_message(&s);
        push(&mut s, Role::Ai, reply);
    }
    s.messages()
        .iter()
        .map(|m| {
            let who = if m.role == Role::Ai { "COACH" } else { "USER " };
            format!("{who}: {}", m.content)
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[test]
fn interview_behavioral() {
    let t = play(
        session(
            0x0193_0000_0000_7000_8000_0000_0000_0001,
            PreparationType::Interview,
            "behavioral",
            "Senior backend role at a fintech",
        ),
        &[
            "I'm a backend engineer with eight years in payments. At Acme I led the move from a monolith to twelve services, and I'm looking for a team where reliability really matters.",
            "Last year our payments API was timing out during the holiday peak. I profiled the hot path and moved the fraud check to an async queue, and p99 dropped from 900 ms to 240 ms.",
            "We had a lot going on, and the team handled it well overall.",
            "I was the on-call lead that week. I rolled back the release myself, I wrote the incident review and I added a canary step, so the same bug couldn't reach all users again.",
            "Honestly my weekends are all about football, I play on Saturdays and watch the derby on Sunday.",
            "I disagreed with my manager about rewriting the ledger. I wrote a one-page proposal comparing the rewrite with an incremental fix, and we chose the fix, which shipped in three weeks instead of three months.",
            "I missed a deadline on a migration once. I told my manager two weeks ahead, moved the riskiest tables first, and we finished nine days late with no data loss.",
            "I learned Kafka in a month for the events project: I built a toy pipeline and paired with our platform engineer, and the consumer I shipped handles 2 million events a day.",
            "What would you expect from me in the first ninety days?",
            "How big is the team I'd join?",
            "No, that's everything. Thank you!",
        ],
    );
    insta::assert_snapshot!(t);
}

#[test]
fn sales_discovery() {
    let t = play(
        session(
            0x0193_0000_0000_7000_8000_0000_0000_0002,
            PreparationType::Sales,
            "discovery",
            "Selling an operations platform",
        ),
        &[
            "Thanks for taking the call. Before I say anything about us, can you tell me a bit about the company and your role?",
            "What are you using today to manage this?",
            "What's the biggest problem with the way it works now, and what does it cost you?",
            "That makes sense. Who else would be involved in a decision like this?",
            "Fair point. We start with a read-only import, so nothing changes for your team until you're ready. When would you need something in place?",
            "Is there a budget set aside for this yet?",
            "Would you be open to a 30-minute demo with your team next Thursday?",
        ],
    );
    insta::assert_snapshot!(t);
}

#[test]
fn pitch_seed() {
    let t = play(
        session(
            0x0193_0000_0000_7000_8000_0000_0000_0003,
            PreparationType::Pitch,
            "seed",
            "Pitching Sitebuy to seed investors",
        ),
        &[
            "Sitebuy lets construction foremen order materials from their phone. 40 sites use us today and we've grown 30% a month since March.",
            "What would you need to see from us to lead this round?",
            "We charge 2% of order value; our first 40 customers pay 1,900 dollars a month on average.",
            "My co-founder and I ran procurement at a general contractor for eight years, so we know the foreman's day first hand.",
            "The big platforms sell to head office. We sell to the foreman, who places 80% of the orders, and that habit is hard to copy.",
            "We'd spend the seed on two sales hires and integrations with the three biggest suppliers.",
            "By next summer we want 300 sites and 60,000 dollars of monthly revenue.",
            "Would you be open to a follow-up call with your partners next week?",
        ],
    );
    insta::assert_snapshot!(t);
}
