//! The built-in coach listens, through the real binary: it never asks for what an answer already
//! gave, calls an off-topic answer out and asks again, asks about trade-offs in a design
//! interview, and never says the same wording twice in a session.

mod util;

use util::Env;

const STAR: &str = "At my last company our payments API timed out during the holiday peak. My goal \
    was to get p99 latency under 300 ms before Black Friday. I profiled the hot path and moved the \
    fraud check to an async queue. As a result p99 dropped from 900 ms to 240 ms.";

#[test]
fn a_number_given_is_acknowledged_not_asked_for() {
    let env = Env::new();
    let id = env.new_session(&["--type", "interview", "--subtype", "behavioral"]);
    let reply = env.chat(&id, STAR).to_lowercase();
    for asks in [
        "measurable",
        "outcome",
        "quantify",
        "how did it end",
        "numbers, please",
    ] {
        assert!(!reply.contains(asks), "asked for a result again: {reply}");
    }
    assert!(reply.contains("900 ms to 240 ms"), "{reply}");
}

#[test]
fn off_topic_is_called_out_and_the_question_comes_back() {
    let env = Env::new();
    let id = env.new_session(&["--type", "interview", "--subtype", "behavioral"]);
    let first = env.chat(&id, STAR);
    let football = "Honestly my weekends are all about football. I play on Saturdays with friends \
        from school, and on Sunday I watch the derby with my brother.";
    let reply = env.chat(&id, football);
    // The question just asked comes back, word for word.
    let asked = first.rsplit(". ").next().unwrap_or(&first).trim();
    assert!(
        reply.contains(asked),
        "{asked:?} not asked again in {reply:?}"
    );
    let l = reply.to_lowercase();
    assert!(
        [
            "answer",
            "steer us back",
            "different topic",
            "off track",
            "not what i asked"
        ]
        .iter()
        .any(|w| l.contains(w)),
        "{reply}"
    );
}

#[test]
fn a_design_answer_gets_a_trade_off_probe() {
    let env = Env::new();
    let id = env.new_session(&["--type", "interview", "--subtype", "system-design"]);
    let reply = env
        .chat(
            &id,
            "I'd put the API behind a load balancer, store the links in Postgres, cache hot links \
             in Redis and generate short codes with a counter service.",
        )
        .to_lowercase();
    assert!(
        [
            "trade-off",
            "alternatives",
            "ten times",
            "why that",
            "different design"
        ]
        .iter()
        .any(|w| reply.contains(w)),
        "{reply}"
    );
}

#[test]
fn ten_mixed_answers_never_repeat_a_follow_up() {
    let env = Env::new();
    let id = env.new_session(&[
        "--type",
        "interview",
        "--subtype",
        "behavioral",
        "--tone",
        "challenging",
    ]);
    let answers = [
        "I do a lot of things generally, various stuff, it is good overall.",
        "We noticed the churn, so we ran interviews, and our team rebuilt the pricing page.",
        "Sure.",
        STAR,
        "I think maybe I'd probably try to sort of talk to them, I guess, and see what they say.",
        "Honestly my weekends are all about football, and on Sunday I watch the derby with my brother.",
        "I rewrote the importer and set up alerts for the reconciliation job with the on-call team.",
        "We disagreed about the roadmap, so we held a workshop and we agreed on a plan.",
        "I generally keep stakeholders happy with good communication and various meetings overall.",
        "Sure, that makes sense.",
    ];
    let replies: Vec<String> = answers.iter().map(|a| env.chat(&id, a)).collect();
    // A reply is the follow-up, or an acknowledgement then the next planned question: its first
    // sentence is what the coach chose to say about the answer.
    let firsts: Vec<&str> = replies
        .iter()
        .map(|r| {
            r.split_inclusive(['.', '?', '!'])
                .next()
                .unwrap_or(r)
                .trim()
        })
        .filter(|f| f.split_whitespace().count() >= 3)
        .collect();
    for (i, f) in firsts.iter().enumerate() {
        assert!(
            !firsts[i + 1..].contains(f),
            "{f:?} said twice:\n{}",
            replies.join("\n")
        );
    }
}
