//! The embedded offline coach: plays the counterpart from the question banks in `assets/`,
//! reacts to each answer (asks for specifics, a result, the person's own part, the missing part
//! of STAR…), weaves the agenda and the CV into its questions, and closes after its plan.
//!
//! It keeps no state of its own: everything is derived from the session (setup + transcript)
//! and its id, so the same session always gets the same coach, and a transcript imported or
//! synced from elsewhere continues naturally.

use super::bank::{self, Bank, Subtype, Variants};
use super::{Cancel, Coach, CoachError, Reply, Sink};
use crate::domain::{Role, Session};
use crate::text;

#[derive(Debug, Default, Clone, Copy)]
pub struct BuiltinCoach;

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
        let text = next_message(session);
        // Stream word by word so every face exercises the same path as an LLM's stream.
        for piece in text.split_inclusive(' ') {
            if cancel.is_cancelled() || !sink(piece) {
                return Err(CoachError::Cancelled);
            }
        }
        Ok(Reply { text, usage: None })
    }
}

/// A way the coach reacts to an answer before moving on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reaction {
    TooShort,
    OffTopic,
    StarSituation,
    StarTask,
    StarAction,
    StarResult,
    WeNotI,
    Vague,
    NoResult,
    Hedging,
}

const HEDGES: &[&str] = &[
    "i think maybe",
    "i guess",
    "sort of",
    "kind of",
    "maybe",
    "probably",
    "i'm not sure",
    "not sure",
    "perhaps",
    "i suppose",
    "hopefully",
    "i feel like",
];
const GENERIC: &[&str] = &[
    "things",
    "stuff",
    "various",
    "a lot",
    "lots of",
    "generally",
    "usually",
    "always",
    "in general",
    "etc",
    "and so on",
    "some things",
    "many things",
    "good",
    "great",
    "basically",
    "overall",
    "every day",
    "all kinds of",
    "different",
];
const CONCRETE: &[&str] = &[
    "for example",
    "for instance",
    "specifically",
    "last year",
    "last quarter",
    "last month",
    "when i",
    "one time",
    "in my last",
    "in my previous",
    "at my last",
    "the day",
    "a customer",
    "a client",
    "my manager",
];
const RESULT_WORDS: &[&str] = &[
    "result",
    "resulted",
    "as a result",
    "outcome",
    "in the end",
    "ended up",
    "increased",
    "reduced",
    "cut",
    "saved",
    "grew",
    "improved",
    "doubled",
    "shipped",
    "launched",
    "won",
    "closed",
    "delivered",
    "dropped",
    "raised",
    "went from",
    "down to",
    "up to",
];
const SITUATION: &[&str] = &[
    "when",
    "at my last",
    "in my last",
    "in my previous",
    "at my previous",
    "there was",
    "we were",
    "i was working",
    "back in",
    "last year",
    "the situation",
    "while",
    "at the time",
    "during",
    "a few years ago",
    "one time",
    "once",
];
const TASK: &[&str] = &[
    "my goal",
    "my job",
    "my role",
    "my task",
    "i was responsible",
    "responsible for",
    "i needed to",
    "i had to",
    "the task",
    "tasked",
    "the goal",
    "objective",
    "i was asked",
    "we needed to",
    "the challenge was",
    "needed to",
];
const ACTION: &[&str] = &[
    "i led",
    "i built",
    "i decided",
    "i wrote",
    "i organized",
    "i organised",
    "i set up",
    "i talked",
    "i created",
    "i proposed",
    "i implemented",
    "i designed",
    "i ran",
    "i reached out",
    "i negotiated",
    "i introduced",
    "i started",
    "i then",
    "so i",
    "i worked",
    "i spoke",
    "i called",
    "i changed",
    "i moved",
    "i pushed",
    "i asked",
    "i scheduled",
    "i rewrote",
    "i took",
    "i made",
    "i put",
    "i met",
    "i brought",
    "i analysed",
    "i analyzed",
    "i automated",
    "i fixed",
    "i convinced",
    "i presented",
    "i hired",
    "i trained",
    "i coached",
    "i prioritized",
    "i prioritised",
    "i split",
    "i drafted",
];
const FIRST_PERSON: &[&str] = &["i", "my", "me", "i'm", "i've", "i'd", "myself"];
const WE: &[&str] = &["we", "our", "us", "we're", "we've", "team"];

/// How an answer reads to the coach. Pure and cheap: the evaluator has the thorough version.
/// `question` is what was asked, with the agenda appended: an answer is only off topic when it
/// shares no content word with either.
pub fn react(answer: &str, question: &str, star: bool) -> Option<Reaction> {
    let words = text::words(answer);
    let n = words.len();
    if n < 8 {
        return Some(Reaction::TooShort);
    }
    let norm = text::normalized(answer);
    let has_number = text::has_number(answer);

    // Word overlap misses paraphrase, so only a long answer that shares no content word with the
    // question or agenda *and* tells nothing of the speaker's own is taken as off topic.
    let q = text::content_stems(question);
    if n >= 40
        && q.len() >= 4
        && q.is_disjoint(&text::content_stems(answer))
        && text::count_phrases(&norm, FIRST_PERSON) == 0
    {
        return Some(Reaction::OffTopic);
    }
    if star && n >= 15 {
        let has = |list: &[&str]| text::count_phrases(&norm, list) > 0;
        let result = has(RESULT_WORDS) || has_number;
        for (present, r) in [
            (has(ACTION), Reaction::StarAction),
            (result, Reaction::StarResult),
            (has(SITUATION), Reaction::StarSituation),
            (has(TASK) || n >= 60, Reaction::StarTask),
        ] {
            if !present {
                return Some(r);
            }
        }
    }
    let mine = text::count_phrases(&norm, FIRST_PERSON);
    let ours = text::count_phrases(&norm, WE);
    if ours >= 3 && mine * 3 < ours {
        return Some(Reaction::WeNotI);
    }
    let generic = text::count_phrases(&norm, GENERIC);
    let concrete = text::count_phrases(&norm, CONCRETE) > 0 || has_number;
    if generic >= 2 && !concrete {
        return Some(Reaction::Vague);
    }
    if n >= 25 && !has_number && text::count_phrases(&norm, RESULT_WORDS) == 0 {
        return Some(Reaction::NoResult);
    }
    if text::count_phrases(&norm, HEDGES) >= 3 {
        return Some(Reaction::Hedging);
    }
    None
}

/// The fragment of the answer a reaction quotes back.
fn quote_for(reaction: Reaction, answer: &str) -> String {
    let norm = text::normalized(answer);
    let anchor = match reaction {
        Reaction::WeNotI => text::first_phrase(&norm, &["we", "our", "us"]),
        Reaction::Vague => text::first_phrase(&norm, GENERIC),
        Reaction::Hedging => text::first_phrase(&norm, HEDGES),
        _ => None,
    };
    anchor
        .and_then(|a| text::quote_around(answer, a, 8))
        .unwrap_or_else(|| text::opening_words(answer, 8))
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
            let norm = text::normalized(l);
            let verbs = text::count_phrases(&norm, VERBS);
            let score = verbs * 2 + usize::from(text::has_number(l));
            (verbs > 0).then(|| (score, i, text::opening_words(l, 12)))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, _, l)| l).take(2).collect()
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

fn reaction_variants(r: Reaction) -> &'static Variants {
    let f = bank::followups();
    match r {
        Reaction::TooShort => &f.too_short,
        Reaction::OffTopic => &f.off_topic,
        Reaction::StarSituation => &f.star_situation,
        Reaction::StarTask => &f.star_task,
        Reaction::StarAction => &f.star_action,
        Reaction::StarResult => &f.star_result,
        Reaction::WeNotI => &f.we_not_i,
        Reaction::Vague => &f.vague,
        Reaction::NoResult => &f.no_result,
        Reaction::Hedging => &f.hedging,
    }
}

/// The coach's next message, derived from the setup and the transcript alone.
pub fn next_message(session: &Session) -> String {
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
    let pick = |rng: &mut Rng, v: &Variants| {
        let list = variants(v, plan.challenging);
        list[rng.below(list.len())].clone()
    };
    if ai.iter().any(|m| m.contains(&plan.closing)) {
        return pick(&mut rng, &bank::followups().after_close);
    }

    let asked = plan
        .items
        .iter()
        .take_while(|item| ai.iter().any(|m| m.contains(item.as_str())))
        .count();
    let last_ai = ai.last().copied().unwrap_or_default();
    let last_planned = plan
        .items
        .iter()
        .find(|item| last_ai.contains(item.as_str()));
    let answer: String = transcript
        .iter()
        .rev()
        .take_while(|m| m.role == Role::User)
        .map(|m| m.content.as_str())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect::<Vec<_>>()
        .join("\n");

    // One follow-up per planned question, then move on.
    if let Some(question) = last_planned {
        let asked = format!(
            "{question} {}",
            session.agenda.as_deref().unwrap_or_default()
        );
        if let Some(r) = react(&answer, &asked, plan.subtype.star) {
            let template = pick(&mut rng, reaction_variants(r));
            return template
                .replace("{quote}", &quote_for(r, &answer))
                .replace("{metric_hint}", &plan.bank.metric_hint)
                .replace("{counterpart}", &plan.bank.counterpart);
        }
    }
    let ack = pick(&mut rng, &bank::followups().acknowledge);
    match plan.items.get(asked) {
        Some(next) => format!("{ack} {next}"),
        None => format!("{ack} {}", plan.closing),
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
    fn vague_answer_asks_for_specifics() {
        assert_eq!(
            react(
                "I generally do a lot of things to keep stakeholders happy, various meetings and good communication overall.",
                "How do you manage stakeholders who disagree?",
                false
            ),
            Some(Reaction::Vague)
        );
        let mut s = session(PreparationType::Corporate, "stakeholder-update", None);
        let reply = after(
            &mut s,
            &[
                "I generally do a lot of things to keep stakeholders happy, various meetings and good communication overall.",
            ],
        );
        let f = &bank::followups().vague;
        let matches = f.normal.iter().any(|t| {
            let fixed = t.split("{quote}").next().unwrap_or(t);
            reply.starts_with(fixed)
        });
        assert!(matches, "not a vague follow-up: {reply}");
    }

    #[test]
    fn answer_without_a_number_gets_asked_for_the_result() {
        let a = "I reworked the onboarding flow with the design team, simplified the sign-up form, removed the optional steps and wrote clearer copy for the welcome screen and the first email.";
        assert_eq!(
            react(a, "Tell me about a product change you drove.", false),
            Some(Reaction::NoResult)
        );
        let with_number = format!("{a} Activation went from 31% to 44% in six weeks.");
        assert_eq!(
            react(
                &with_number,
                "Tell me about a product change you drove.",
                false
            ),
            None
        );
    }

    #[test]
    fn we_without_i_asks_for_own_part() {
        let a = "We noticed the churn, so we ran interviews, and our team rebuilt the pricing page. We shipped it in May and we saw 12% fewer cancellations.";
        assert_eq!(
            react(a, "Tell me about how you reduced churn.", false),
            Some(Reaction::WeNotI)
        );
        let reply = {
            let mut s = session(PreparationType::Interview, "technical", None);
            after(&mut s, &[a])
        };
        assert!(
            reply.contains("We noticed the churn") || reply.to_lowercase().contains("you"),
            "{reply}"
        );
    }

    #[test]
    fn behavioral_answers_are_checked_for_each_part_of_star() {
        let q = "Tell me about a time you fixed a production incident.";
        let no_result = "At my last job the checkout went down during a sale. My goal was to restore it fast. I led the call, I rolled back the deploy and I wrote the postmortem.";
        assert_eq!(react(no_result, q, true), Some(Reaction::StarResult));
        let no_action = "At my last job the checkout went down during a sale and everyone was on the incident call for hours. In the end it was resolved and 40 orders were recovered.";
        assert_eq!(react(no_action, q, true), Some(Reaction::StarAction));
        let no_situation = "My goal was to restore the service. I led the call, I rolled back the deploy and I wrote the postmortem. As a result we recovered 40 orders.";
        assert_eq!(react(no_situation, q, true), Some(Reaction::StarSituation));
        assert_eq!(react(GOOD_STAR, q, true), None);
        assert_eq!(react("Yes.", q, true), Some(Reaction::TooShort));
    }

    #[test]
    fn good_answer_moves_on_to_the_next_planned_question() {
        let mut s = session(PreparationType::Interview, "behavioral", None);
        let reply = after(&mut s, &[GOOD_STAR]);
        let p = plan(&s);
        assert!(reply.ends_with(&p.items[1]), "{reply}");
    }

    #[test]
    fn only_one_follow_up_per_question() {
        let mut s = session(PreparationType::Interview, "behavioral", None);
        let vague = "I do a lot of things generally, various stuff, it is good overall.";
        let reply = after(&mut s, &[vague, vague]);
        assert!(
            reply.ends_with(&plan(&s).items[1]),
            "second reply should move on: {reply}"
        );
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
