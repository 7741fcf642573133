//! The embedded offline coach: plays the counterpart from the question banks in `assets/`,
//! listens to each answer with the judge's analysis ([`listen`]) and follows up only on what it
//! is missing (a result, the person's own part, the situation, the reasons behind a design),
//! calls out an answer that is off topic, acknowledges something specific in a strong one, never
//! uses the same wording twice in a session, and closes after its plan.
//!
//! It keeps no state of its own: everything is derived from the session (setup + transcript)
//! and its id, so the same session always gets the same coach, and a transcript imported or
//! synced from elsewhere continues naturally.

pub mod listen;

use std::sync::Arc;

use super::bank::{self, Bank, Subtype, Variants};
use super::{Cancel, Coach, CoachError, Reply, Sink};
use crate::analysis::{self, AnswerAnalysis, Setting};
use crate::domain::{PreparationType, Role, Session};
use crate::semantic::{Embedder, Embeddings, VectorCache};
use crate::text;
use listen::{Expect, Move};

/// The embedding model and where its vectors are kept.
pub type Semantic = (Arc<dyn Embedder>, Option<Arc<dyn VectorCache>>);

/// Gives the model when the coach first needs it (`None`: not installed).
pub type SemanticSource = Arc<dyn Fn() -> Option<Semantic> + Send + Sync>;

/// The built-in coach; with the sentence-embedding model it reads answers by meaning (and the
/// vectors it computes are kept, so the judge later reuses them).
#[derive(Clone, Default)]
pub struct BuiltinCoach {
    semantic: Option<SemanticSource>,
}

impl std::fmt::Debug for BuiltinCoach {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BuiltinCoach")
            .field("semantic", &self.semantic.is_some())
            .finish()
    }
}

impl BuiltinCoach {
    /// Reads answers by shared words.
    pub const fn lexical() -> Self {
        BuiltinCoach { semantic: None }
    }

    /// Reads answers by meaning with `model`, keeping its vectors in `cache`.
    pub fn semantic(model: Arc<dyn Embedder>, cache: Option<Arc<dyn VectorCache>>) -> Self {
        Self::lazy(Arc::new(move || Some((model.clone(), cache.clone()))))
    }

    /// Reads answers by meaning when `source` gives a model at the first reply: a command that
    /// never asks the coach anything never opens the model or its vectors.
    pub fn lazy(source: SemanticSource) -> Self {
        BuiltinCoach {
            semantic: Some(source),
        }
    }

    /// The coach's next message for `session`.
    pub fn next_message(&self, session: &Session) -> String {
        match self.semantic.as_ref().and_then(|source| source()) {
            Some((model, cache)) => {
                let emb = Embeddings::new(model.as_ref(), cache.as_deref());
                reply(session, Some(&emb))
            }
            None => reply(session, None),
        }
    }
}

impl Coach for BuiltinCoach {
    fn name(&self) -> String {
        "built-in".into()
    }

    fn respond(
        &self,
        session: &Session,
        sink: Sink<'_>,
        cancel: &Cancel,
    ) -> Result<Reply, CoachError> {
        let text = self.next_message(session);
        // Stream word by word so every face exercises the same path as an LLM's stream.
        for piece in text.split_inclusive(' ') {
            if cancel.is_cancelled() || !sink(piece) {
                return Err(CoachError::Cancelled);
            }
        }
        Ok(Reply { text, usage: None })
    }
}

/// Whether the requested tone asks for a tough, terse counterpart.
pub fn is_challenging(tone: Option<&str>) -> bool {
    let t = tone.unwrap_or_default().to_lowercase();
    [
        "challeng",
        "tough",
        "hard",
        "blunt",
        "aggressive",
        "skeptic",
        "sceptic",
        "hostile",
        "grill",
    ]
    .iter()
    .any(|k| t.contains(k))
}

/// A small deterministic generator (splitmix64), seeded by the session id.
struct Rng(u64);

impl Rng {
    fn new(seed: u128, salt: u64) -> Self {
        Rng((seed as u64) ^ ((seed >> 64) as u64) ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// The user's agenda as it reads inside a sentence ("Senior backend role" → "senior backend
/// role", but "AWS migration" stays), or the bank's default topic.
pub fn topic(bank: &Bank, agenda: Option<&str>) -> String {
    let Some(agenda) = agenda.map(str::trim).filter(|a| !a.is_empty()) else {
        return bank.default_topic.clone();
    };
    let first_line = agenda.lines().next().unwrap_or(agenda);
    let t = first_line
        .trim()
        .trim_end_matches(['.', '!', '?', ':', ';']);
    let first_word = t.split_whitespace().next().unwrap_or("");
    let acronym = first_word.chars().skip(1).any(|c| c.is_uppercase());
    if acronym {
        return t.to_string();
    }
    let mut c = t.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => bank.default_topic.clone(),
    }
}

/// Accomplishment-like lines from the role/CV context, best first, short enough to quote.
pub fn highlights(context: &str) -> Vec<String> {
    const VERBS: &[&str] = &[
        "led",
        "built",
        "launched",
        "managed",
        "designed",
        "grew",
        "reduced",
        "increased",
        "migrated",
        "founded",
        "created",
        "shipped",
        "owned",
        "scaled",
        "delivered",
        "negotiated",
        "closed",
        "raised",
        "hired",
        "improved",
        "automated",
        "architected",
        "ran",
    ];
    let mut scored: Vec<(usize, usize, String)> = context
        .lines()
        .flat_map(|l| l.split(". "))
        .map(|l| {
            l.trim()
                .trim_start_matches(['-', '*', '•', '#', ' '])
                .trim()
        })
        .filter(|l| (4..=40).contains(&l.split_whitespace().count()))
        .enumerate()
        .filter_map(|(i, l)| {
            let l = strip_markdown(l);
            let norm = text::normalized(&l);
            let verbs = text::count_phrases(&norm, VERBS);
            let score = verbs * 2 + usize::from(text::has_number(&l));
            (verbs > 0).then(|| (score, i, text::opening_words(&l, 12)))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, _, l)| l).take(2).collect()
}

/// A line of a CV without its Markdown: emphasis, code marks and links read as plain text.
fn strip_markdown(line: &str) -> String {
    let mut out = line.replace("**", "").replace("__", "").replace('`', "");
    // [text](url) → text
    while let Some(open) = out.find('[') {
        let Some(close) = out[open..].find("](").map(|c| open + c) else {
            break;
        };
        let Some(end) = out[close..].find(')').map(|e| close + e) else {
            break;
        };
        out = format!(
            "{}{}{}",
            &out[..open],
            &out[open + 1..close],
            &out[end + 1..]
        );
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The coach's plan for a session: the opening, then the questions it will ask, in order.
pub struct Plan {
    pub items: Vec<String>,
    pub closing: String,
    pub challenging: bool,
    pub subtype: &'static Subtype,
    pub bank: &'static Bank,
}

pub fn plan(session: &Session) -> Plan {
    let bank = bank::bank(session.preparation_type);
    // A drill (`drill-<dimension>`) takes its questions from assets/drills/, for any type.
    let subtype = bank::subtype(session.preparation_type, session.meeting_subtype.as_deref())
        .unwrap_or_else(|_| bank.default());
    let challenging = is_challenging(session.tone.as_deref());
    let seed = session.session_id.as_u128();
    let topic = topic(bank, session.agenda.as_deref());
    let fill = |s: &str| s.replace("{topic}", &topic);

    let mut rng = Rng::new(seed, 1);
    let opening = fill(&subtype.openings[rng.below(subtype.openings.len())]);
    let mut order: Vec<usize> = (0..subtype.questions.len()).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.below(i + 1));
    }
    let mut questions: Vec<String> = order
        .into_iter()
        .map(|i| {
            let q = &subtype.questions[i];
            fill(if challenging { &q.short } else { &q.ask })
        })
        .filter(|q| !opening.contains(q.as_str()))
        .take(bank.questions_per_session.saturating_sub(1))
        .collect();
    // Weave the CV/context in: its strongest lines become questions of their own.
    if let Some(ctx) = session.role_context.as_deref() {
        let templates = variants(&bank::followups().context, challenging);
        for (k, h) in highlights(ctx).into_iter().enumerate() {
            let at = (1 + 2 * k).min(questions.len());
            let t = &templates[rng.below(templates.len())];
            questions.insert(at, t.replace("{quote}", &h));
            questions.pop();
        }
    }
    let mut items = vec![opening];
    items.extend(questions);
    Plan {
        items,
        closing: fill(&subtype.closing),
        challenging,
        subtype,
        bank,
    }
}

fn variants(v: &Variants, challenging: bool) -> &[String] {
    let list = if challenging {
        &v.challenging
    } else {
        &v.normal
    };
    if list.is_empty() { &v.normal } else { list }
}

fn move_variants(m: Move) -> &'static Variants {
    let f = bank::followups();
    match m {
        Move::TooShort => &f.too_short,
        Move::Echo => &f.echo,
        Move::Repeats => &f.repeats,
        Move::OffTopic => &f.off_topic,
        Move::StarSituation => &f.star_situation,
        Move::StarAction => &f.star_action,
        Move::StarResult => &f.star_result,
        Move::WeNotI => &f.we_not_i,
        Move::Vague => &f.vague,
        Move::NoResult => &f.no_result,
        Move::Tradeoff => &f.tradeoff,
        Move::Hedging => &f.hedging,
    }
}

/// The part of a phrasing that is the same however its slots are filled: the longest piece
/// between slots. A message containing it used that phrasing.
fn fingerprint(template: &str) -> &str {
    template
        .split(['{', '}'])
        .enumerate()
        .filter(|(i, _)| i % 2 == 0)
        .map(|(_, p)| p.trim())
        .max_by_key(|p| p.len())
        .unwrap_or(template)
}

fn used(template: &str, said: &[&str]) -> bool {
    let fp = fingerprint(template);
    fp.len() >= 4 && said.iter().any(|m| m.contains(fp))
}

/// What the coach fills into a phrasing.
#[derive(Default, Clone, Copy)]
struct Slots<'a> {
    quote: &'a str,
    question: &'a str,
    recall: &'a str,
    metric_hint: &'a str,
    counterpart: &'a str,
}

impl Slots<'_> {
    /// The phrasing with its slots filled; `None` when a slot it uses is empty, so no phrasing
    /// is ever said with a hole in it.
    fn fill(&self, t: &str) -> Option<String> {
        let slots = [
            ("{quote}", self.quote),
            ("{question}", self.question),
            ("{recall}", self.recall),
            ("{metric_hint}", self.metric_hint),
            ("{counterpart}", self.counterpart),
        ];
        if slots
            .iter()
            .any(|(k, v)| v.trim().is_empty() && t.contains(k))
        {
            return None;
        }
        let filled = t
            .replace("{quote}", self.quote)
            .replace("{question}", self.question)
            .replace("{recall}", self.recall)
            .replace("{metric_hint}", self.metric_hint)
            .replace("{counterpart}", self.counterpart);
        Some(filled)
    }
}

/// What a session's answers are expected to hold.
fn expect(session: &Session, subtype: &Subtype) -> Expect {
    let asking = session.preparation_type == PreparationType::Sales && subtype.name == "discovery";
    Expect {
        star: subtype.star,
        design: matches!(subtype.name.as_str(), "technical" | "system-design"),
        outcome: !asking,
    }
}

/// The fragment of the answer a follow-up quotes back.
fn quote_for(m: Move, a: &AnswerAnalysis) -> String {
    use crate::analysis::lexicon::{L, LEXICON};
    let norm = text::normalized(&a.text);
    let anchor = match m {
        Move::WeNotI => text::first_phrase(&norm, &["we", "our", "us"]),
        Move::Vague => text::first_phrase(&norm, LEXICON.list(L::Vague))
            .or_else(|| text::first_phrase(&norm, LEXICON.list(L::GenericClaims))),
        Move::Hedging => text::first_phrase(&norm, LEXICON.list(L::Hedges)),
        _ => None,
    };
    anchor
        .and_then(|p| listen::clause_with(a, p))
        .unwrap_or_else(|| text::opening_words(&a.text, 8))
}

/// The question a message asks: its last sentence that ends with a question mark.
fn question_of(message: &str) -> &str {
    text::sentences::split(message)
        .iter()
        .rev()
        .map(|s| s.of(message).trim())
        .find(|s| s.ends_with('?'))
        .unwrap_or_else(|| analysis::asking_part(message))
}

/// The coach's next message, derived from the setup and the transcript alone (by shared words).
pub fn next_message(session: &Session) -> String {
    reply(session, None)
}

/// The coach's next message; `emb` reads the answers by meaning.
pub fn reply(session: &Session, emb: Option<&Embeddings<'_>>) -> String {
    let plan = plan(session);
    let transcript = session.messages();
    let ai: Vec<&str> = transcript
        .iter()
        .filter(|m| m.role == Role::Ai)
        .map(|m| m.content.as_str())
        .collect();
    if ai.is_empty() {
        return plan.items[0].clone();
    }
    let mut rng = Rng::new(session.session_id.as_u128(), 100 + transcript.len() as u64);
    let challenging = plan.challenging;
    // A phrasing of `v` not yet said in this session, if any is left.
    let fresh = |rng: &mut Rng, v: &Variants| -> Option<String> {
        let list: Vec<&String> = variants(v, challenging)
            .iter()
            .filter(|t| !used(t, &ai))
            .collect();
        (!list.is_empty()).then(|| list[rng.below(list.len())].clone())
    };
    let slots = Slots {
        metric_hint: &plan.bank.metric_hint,
        counterpart: &plan.bank.counterpart,
        ..Slots::default()
    };
    if ai.iter().any(|m| m.contains(&plan.closing)) {
        let t = fresh(&mut rng, &bank::followups().after_close).unwrap_or_else(|| {
            let list = variants(&bank::followups().after_close, challenging);
            list[rng.below(list.len())].clone()
        });
        return slots.fill(&t).unwrap_or(t);
    }

    let asked = plan
        .items
        .iter()
        .take_while(|item| ai.iter().any(|m| m.contains(item.as_str())))
        .count();
    // The planned question being answered (where it was first asked: a follow-up may say it
    // again), and the follow-ups already asked on it.
    let item = asked.checked_sub(1).map(|i| plan.items[i].as_str());
    let current = item.and_then(|it| ai.iter().position(|m| m.contains(it)));
    let since: &[&str] = current.map_or(&[], |i| &ai[i + 1..]);
    let question = item
        .map(|q| {
            // A planned question of a sentence or two is said again whole; a long opening, by
            // its question.
            let short = |t: &str| t.split_whitespace().count() <= 35;
            let asking = analysis::asking_part(q);
            if short(q) {
                q.to_string()
            } else if short(asking) && asking.trim_end().ends_with('?') {
                asking.to_string()
            } else {
                question_of(q).to_string()
            }
        })
        .unwrap_or_default();

    let setting = Setting {
        kind: session.preparation_type,
        subtype: session.meeting_subtype.as_deref(),
        agenda: session.agenda.as_deref(),
        role_context: session.role_context.as_deref(),
    };
    let answered = transcript.last().is_some_and(|m| m.role == Role::User);
    let analyses = if answered {
        analysis::analyze(&setting, transcript, emb)
    } else {
        Vec::new()
    };
    let last = analyses.last();

    // At most two follow-ups on one question, never the same move twice on it, never the same
    // wording twice in a session.
    let needs = last.map_or_else(Vec::new, |a| {
        listen::needs(a, expect(session, plan.subtype))
    });
    if let Some(a) = last
        && current.is_some()
        && since.len() < 2
    {
        let recall = analyses[..analyses.len() - 1]
            .iter()
            .rev()
            .find_map(listen::result_clause);
        for m in needs.iter().copied() {
            let done = since.iter().any(|s| {
                variants(move_variants(m), challenging)
                    .iter()
                    .any(|t| used(t, std::slice::from_ref(s)))
            });
            if done {
                continue;
            }
            // An earlier story had a number: ask for the same here, and say so.
            if matches!(m, Move::StarResult | Move::NoResult)
                && let Some(r) = recall.as_deref()
                && let Some(t) = fresh(&mut rng, &bank::followups().recall_result)
                && let Some(said) = (Slots { recall: r, ..slots }).fill(&t)
            {
                return said;
            }
            let quote = quote_for(m, a);
            if let Some(t) = fresh(&mut rng, move_variants(m))
                && let Some(said) = (Slots {
                    quote: &quote,
                    question: &question,
                    ..slots
                })
                .fill(&t)
            {
                return said;
            }
        }
    }
    // Moving on: acknowledge something specific in a full answer.
    let f = bank::followups();
    let strong = last.is_some_and(|_| needs.is_empty());
    // In a discovery call the user's job is to ask: their "I" is not a story to acknowledge.
    let asking = !expect(session, plan.subtype).outcome;
    let specific = last.filter(|_| strong && !asking).and_then(|a| {
        listen::figure_clause(a)
            .map(|q| (q, &f.ack_figure))
            .or_else(|| listen::action_clause(a).map(|q| (q, &f.ack_action)))
    });
    let ack = match specific {
        Some((quote, pool)) => fresh(&mut rng, pool).and_then(|t| {
            Slots {
                quote: &quote,
                ..slots
            }
            .fill(&t)
        }),
        None if strong || last.is_none() => fresh(&mut rng, &f.acknowledge),
        None => fresh(&mut rng, &f.move_on),
    }
    .or_else(|| fresh(&mut rng, &f.acknowledge));
    let next = plan.items.get(asked).unwrap_or(&plan.closing);
    match ack {
        Some(ack) => format!("{ack} {next}"),
        None => next.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{self, ChatMessage, PreparationType, SessionStatus};
    use uuid::Uuid;

    fn session(t: PreparationType, subtype: &str, tone: Option<&str>) -> Session {
        Session {
            session_id: Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0042),
            user_id: Uuid::nil(),
            preparation_type: t,
            meeting_subtype: Some(subtype.into()),
            agenda: Some("Senior backend role at a fintech".into()),
            tone: tone.map(Into::into),
            role_context: None,
            status: SessionStatus::InProgress,
            transcript: Some(vec![]),
            turn_count: 0,
            created_at: domain::now(),
            updated_at: domain::now(),
            completed_at: None,
            evaluation_summary: None,
        }
    }

    fn say(s: &mut Session, role: Role, content: &str) {
        s.transcript.get_or_insert_default().push(ChatMessage {
            message_id: Uuid::now_v7(),
            role,
            content: content.into(),
            timestamp: domain::now(),
        });
    }

    /// Plays the opening, then the answers, and returns the coach's last message.
    fn after(s: &mut Session, answers: &[&str]) -> String {
        let opening = next_message(s);
        say(s, Role::Ai, &opening);
        for a in answers {
            say(s, Role::User, a);
            let reply = next_message(s);
            say(s, Role::Ai, &reply);
        }
        s.messages()
            .last()
            .map(|m| m.content.clone())
            .unwrap_or_default()
    }

    const GOOD_STAR: &str = "At my last company our payments API was timing out during the \
        holiday peak. My goal was to get p99 latency under 300 ms before Black Friday. I led the \
        investigation, I profiled the hot path and I moved the fraud check to an async queue. As a \
        result p99 dropped from 900 ms to 240 ms and we had zero timeouts on the day.";

    /// The AI messages of a session after its opening.
    fn replies(s: &Session) -> Vec<String> {
        s.messages()
            .iter()
            .filter(|m| m.role == Role::Ai)
            .skip(1)
            .map(|m| m.content.clone())
            .collect()
    }

    fn is_one_of(reply: &str, v: &Variants) -> bool {
        v.normal
            .iter()
            .chain(&v.challenging)
            .any(|t| reply.contains(fingerprint(t)))
    }

    #[test]
    fn a_number_given_is_never_asked_for_and_is_acknowledged() {
        let mut s = session(PreparationType::Interview, "behavioral", None);
        let reply = after(&mut s, &[GOOD_STAR]);
        let f = bank::followups();
        for pool in [&f.no_result, &f.star_result, &f.recall_result] {
            assert!(
                !is_one_of(&reply, pool),
                "asked for a result again: {reply}"
            );
        }
        assert!(reply.contains("900 ms to 240 ms"), "{reply}");
        assert!(reply.ends_with(&plan(&s).items[1]), "{reply}");
    }

    #[test]
    fn off_topic_is_called_out_and_the_question_asked_again() {
        let mut s = session(PreparationType::Interview, "behavioral", None);
        let football = "Honestly my weekends are all about football. I play on Saturdays with friends from school, and on Sunday I watch the derby with my brother.";
        let reply = after(&mut s, &[football]);
        assert!(is_one_of(&reply, &bank::followups().off_topic), "{reply}");
        let asked = question_of(&plan(&s).items[0]).to_string();
        assert!(reply.contains(&asked), "{reply}");
    }

    #[test]
    fn we_without_i_asks_for_own_part_with_a_quote() {
        let mut s = session(PreparationType::Interview, "technical", None);
        let a = "We noticed the churn, so we ran interviews, and our team rebuilt the pricing page. We shipped it in May and we saw 12% fewer cancellations.";
        let reply = after(&mut s, &[a]);
        assert!(is_one_of(&reply, &bank::followups().we_not_i), "{reply}");
    }

    #[test]
    fn at_most_two_follow_ups_then_move_on() {
        let mut s = session(PreparationType::Interview, "behavioral", None);
        let vague = "I do a lot of things generally, various stuff, it is good overall.";
        let _ = after(&mut s, &[vague, vague, vague]);
        let r = replies(&s);
        assert!(!r[0].contains(&plan(&s).items[1]), "{r:?}");
        assert!(!r[1].contains(&plan(&s).items[1]), "{r:?}");
        assert!(
            r[2].ends_with(&plan(&s).items[1]),
            "third reply should move on: {r:?}"
        );
        assert!(is_one_of(&r[2], &bank::followups().move_on), "{r:?}");
    }

    #[test]
    fn ten_mixed_answers_never_repeat_a_wording() {
        for (t, sub, tone) in [
            (PreparationType::Interview, "behavioral", None),
            (
                PreparationType::Interview,
                "system-design",
                Some("challenging"),
            ),
            (PreparationType::Pitch, "seed", None),
        ] {
            let mut s = session(t, sub, tone);
            let answers = [
                "I do a lot of things generally, various stuff, it is good overall.",
                "We noticed the churn, so we ran interviews, and our team rebuilt the pricing page and we shipped it.",
                "Sure.",
                GOOD_STAR,
                "I think maybe I'd probably try to sort of talk to them, I guess, and see what they say.",
                "Honestly my weekends are all about football. I play on Saturdays with friends, and on Sunday I watch the derby.",
                "I rewrote the importer and set up alerts for the reconciliation job with the on-call engineers.",
                "We use Postgres with a read replica and a cache in front of it, and the API servers scale horizontally.",
                GOOD_STAR,
                "Sure, that makes sense.",
            ];
            let _ = after(&mut s, &answers);
            let f = bank::followups();
            let pools = f.all();
            let r = replies(&s);
            for v in pools {
                for t in v.normal.iter().chain(&v.challenging) {
                    let n = r.iter().filter(|m| m.contains(fingerprint(t))).count();
                    assert!(n <= 1, "{t:?} said {n} times in {sub}: {r:#?}");
                }
            }
        }
    }

    #[test]
    fn a_design_answer_gets_a_trade_off_probe() {
        let mut s = session(PreparationType::Interview, "system-design", None);
        let a = "I'd put the API behind a load balancer, store the links in Postgres, cache hot links in Redis and generate short codes with a counter service.";
        let reply = after(&mut s, &[a]);
        assert!(is_one_of(&reply, &bank::followups().tradeoff), "{reply}");
        let reasoned = "I'd store links in Postgres rather than DynamoDB because we need transactions for custom aliases; the trade-off is write throughput, so I'd shard by code prefix once we pass ten thousand writes a second.";
        let mut s = session(PreparationType::Interview, "system-design", None);
        let reply = after(&mut s, &[reasoned]);
        assert!(!is_one_of(&reply, &bank::followups().tradeoff), "{reply}");
    }

    #[test]
    fn a_markdown_cv_leaves_no_markdown_in_questions() {
        let mut s = session(PreparationType::Interview, "technical", None);
        s.role_context = Some("# Jane Doe\n**Acme Payments** (2020–2024), Senior Backend Engineer\n- **Led** the migration of `40 services` to [Kubernetes](https://k8s.io)\n".into());
        let p = plan(&s);
        for q in &p.items {
            for bad in ["**", "`", "](", "# "] {
                assert!(!q.contains(bad), "{bad:?} in {q}");
            }
        }
        assert!(
            p.items
                .iter()
                .any(|q| q.contains("Led the migration of 40 services to Kubernetes")),
            "{:?}",
            p.items
        );
    }

    /// Every phrase of every bank, follow-up pool and persona card, with its slots filled and
    /// empty: no slot left, no Markdown, no doubled space, no sentence left hanging on an article
    /// or "and", and no preposition left dangling where a slot was empty ("such as .").
    #[test]
    fn no_template_leaks() {
        const PREPOSITIONS: &[&str] = &[
            "to", "of", "for", "with", "at", "on", "in", "about", "from", "by", "as",
        ];
        let endings = |s: &str| -> Vec<String> {
            text::sentences::sentences(s)
                .into_iter()
                .filter_map(|x| text::words(x).last().map(|w| w.to_string()))
                .collect()
        };
        let mut wrong: Vec<String> = Vec::new();
        let mut check = |where_: &str, s: &str, empty: Option<&str>| {
            for bad in ["{", "}", "**", "  ", " ,", " ."] {
                if s.contains(bad) {
                    wrong.push(format!("{where_}: {bad:?} in {s:?}"));
                }
            }
            for w in endings(s) {
                if matches!(w.as_str(), "the" | "an" | "and") {
                    wrong.push(format!("{where_}: a sentence ends on {w:?}: {s:?}"));
                }
            }
            if let Some(e) = empty {
                let filled = endings(s);
                for w in endings(e) {
                    if PREPOSITIONS.contains(&w.as_str()) && !filled.contains(&w) {
                        wrong.push(format!("{where_}: {w:?} dangles with an empty slot: {e:?}"));
                    }
                }
            }
        };
        let filled = Slots {
            quote: "cut p95 from 900 to 140 ms",
            question: "What did you do next?",
            recall: "failures went from 30 a month to 2",
            metric_hint: "a number",
            counterpart: "interviewer",
        };
        // The bank's own slots are always there; the answer's may be empty.
        let empty = Slots {
            metric_hint: "a number",
            counterpart: "interviewer",
            ..Slots::default()
        };
        let f = bank::followups();
        let pools = f.all();
        for v in pools {
            for t in v.normal.iter().chain(&v.challenging) {
                let said = filled.fill(t).unwrap_or_default();
                check("followups", &said, empty.fill(t).as_deref().or(Some("")));
            }
        }
        for t in PreparationType::ALL {
            let b = bank::bank(t);
            for st in &b.subtypes {
                let topic = topic(b, Some("Senior backend role at a fintech"));
                let fill = |s: &str| s.replace("{topic}", &topic);
                for s in st.openings.iter().chain([&st.closing]) {
                    check(&st.name, &fill(s), None);
                }
                for q in &st.questions {
                    check(&st.name, &fill(&q.ask), None);
                    check(&st.name, &fill(&q.short), None);
                }
            }
        }
        fn strings(v: &toml::Value, out: &mut Vec<String>) {
            match v {
                toml::Value::String(s) => out.push(s.clone()),
                toml::Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
                toml::Value::Table(t) => t.values().for_each(|v| strings(v, out)),
                _ => {}
            }
        }
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/personas");
        let mut n = 0;
        for e in std::fs::read_dir(dir).unwrap() {
            let path = e.unwrap().path();
            let v: toml::Value = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let mut all = Vec::new();
            strings(&v, &mut all);
            for s in all {
                check(&path.display().to_string(), &s, None);
                n += 1;
            }
        }
        assert!(n > 100, "persona cards: {n} strings");
        assert!(
            wrong.is_empty(),
            "{} leaks:\n{}",
            wrong.len(),
            wrong.join("\n")
        );
    }

    #[test]
    fn opens_with_the_agenda_woven_in() {
        let mut s = session(PreparationType::Interview, "behavioral", None);
        let opening = next_message(&s);
        assert!(
            opening.contains("senior backend role at a fintech"),
            "{opening}"
        );
        say(&mut s, Role::Ai, &opening);
        assert_eq!(plan(&s).items[0], opening);
    }

    #[test]
    fn challenging_tone_asks_shorter_questions() {
        let normal = plan(&session(PreparationType::Pitch, "seed", Some("friendly")));
        let tough = plan(&session(
            PreparationType::Pitch,
            "seed",
            Some("challenging"),
        ));
        let avg = |p: &Plan| {
            p.items[1..]
                .iter()
                .map(|q| q.split_whitespace().count())
                .sum::<usize>()
                / (p.items.len() - 1)
        };
        assert!(
            avg(&tough) < avg(&normal),
            "{} vs {}",
            avg(&tough),
            avg(&normal)
        );
        assert!(avg(&tough) <= 14);
    }

    #[test]
    fn closes_after_the_plan_and_then_points_to_completion() {
        let mut s = session(PreparationType::Sales, "discovery", None);
        let answers = vec![GOOD_STAR; 20];
        let _ = after(&mut s, &answers);
        let p = plan(&s);
        let ai: Vec<_> = s.messages().iter().filter(|m| m.role == Role::Ai).collect();
        assert!(ai.iter().any(|m| m.content.contains(&p.closing)));
        assert!(
            s.messages()
                .last()
                .is_some_and(|m| m.content.contains("prapp session complete"))
        );
    }

    #[test]
    fn cv_highlights_become_questions() {
        let mut s = session(PreparationType::Interview, "technical", None);
        s.role_context = Some("# Jane Doe\nBackend engineer\n- Led the migration of 40 services from Heroku to Kubernetes\n- Likes hiking\n".into());
        let p = plan(&s);
        assert!(
            p.items
                .iter()
                .any(|q| q.contains("Led the migration of 40 services")),
            "{:?}",
            p.items
        );
    }

    #[test]
    fn a_drill_session_asks_the_drill_questions() {
        let s = session(PreparationType::Sales, "drill-engagement", None);
        let p = plan(&s);
        let drill = &bank::drill(crate::domain::Dimension::Engagement).subtype;
        assert!(drill.openings.contains(&p.items[0]), "{}", p.items[0]);
        assert_eq!(p.items.len(), p.bank.questions_per_session);
        for q in &p.items[1..] {
            assert!(drill.questions.iter().any(|d| &d.ask == q), "{q}");
        }
        assert_eq!(p.closing, drill.closing);
    }

    #[test]
    fn the_same_session_always_gets_the_same_coach() {
        let a = plan(&session(PreparationType::Interview, "case", None)).items;
        let b = plan(&session(PreparationType::Interview, "case", None)).items;
        assert_eq!(a, b);
        let mut other = session(PreparationType::Interview, "case", None);
        other.session_id = Uuid::from_u128(7);
        assert_ne!(
            plan(&other).items,
            a,
            "a different session shuffles differently"
        );
    }
}
