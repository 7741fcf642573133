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
pub mod persona;

use std::sync::Arc;

use super::bank::{self, Bank, Subtype, Variants};
use super::{Cancel, Coach, CoachError, Reply, Sink};
use crate::analysis::{self, AnswerAnalysis, Setting};
use crate::domain::{PreparationType, Role, Session};
use crate::semantic::{Embedder, Embeddings, VectorCache};
use crate::text;
use crate::text::document;
use listen::{Expect, Move};
use persona::Persona;

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

/// The user's agenda as a noun phrase that reads inside a sentence: "Senior backend role at a
/// fintech" → "the senior backend role at a fintech", "Selling an observability platform to
/// fintechs" → "an observability platform", "my Series A pitch" → "your Series A pitch", but
/// "AWS migration" keeps its capitals. Without an agenda, the bank's default topic.
pub fn topic(bank: &Bank, agenda: Option<&str>) -> String {
    let Some(agenda) = agenda.map(str::trim).filter(|a| !a.is_empty()) else {
        return bank.default_topic.clone();
    };
    let first_line = agenda.lines().next().unwrap_or(agenda);
    let mut t = first_line
        .trim()
        .trim_end_matches(['.', '!', '?', ':', ';'])
        .trim();
    // "Selling X to Y", "Pitching X": the thing is X.
    const DOING: &[&str] = &[
        "selling ",
        "pitching ",
        "presenting ",
        "discussing ",
        "demoing ",
        "introducing ",
        "talking about ",
        "preparing for ",
        "practicing for ",
        "practising for ",
        "rehearsing for ",
        "rehearsing ",
        "interviewing for ",
    ];
    let lower = t.to_lowercase();
    if let Some(d) = DOING
        .iter()
        .find(|d| lower.starts_with(*d) && t.is_char_boundary(d.len()))
    {
        let selling = matches!(*d, "selling " | "pitching " | "demoing " | "introducing ");
        t = t[d.len()..].trim_start();
        if selling && let Some(to) = t.find(" to ") {
            t = &t[..to];
        }
    }
    let mut words: Vec<String> = t.split_whitespace().map(str::to_string).collect();
    let Some(first) = words.first().cloned() else {
        return bank.default_topic.clone();
    };
    let lower_first = first.to_lowercase();
    // The agenda is the user's: "my pitch" is "your pitch" in the counterpart's mouth.
    match lower_first.as_str() {
        "my" | "our" => words[0] = "your".into(),
        _ => {}
    }
    let acronym = first
        .chars()
        .skip(1)
        .any(|c| c.is_uppercase() || c.is_ascii_digit());
    if !acronym && first.chars().next().is_some_and(char::is_uppercase) {
        // "Senior backend role" → "senior backend role"; a name ("Kubernetes") keeps its capital
        // when it is the whole topic.
        if words.len() > 1 || text::is_stop_word(&lower_first) {
            words[0] = lower_first.clone();
        }
    }
    const DETERMINERS: &[&str] = &[
        "a", "an", "the", "my", "our", "your", "this", "that", "these", "those", "their", "his",
        "her", "its", "some", "any", "i", "we", "you", "how", "what", "why", "when", "whether",
    ];
    let phrase = words.join(" ");
    let needs_article = words.len() > 1
        && !DETERMINERS.contains(&words[0].to_lowercase().as_str())
        && !words[0].ends_with("ing");
    if needs_article {
        format!("the {phrase}")
    } else {
        phrase
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
    /// Who the counterpart is, in a role-play.
    pub persona: Option<&'static Persona>,
    /// The company the agenda names, said in place of the card's.
    pub company: Option<String>,
    /// The card's objections this session raises, in order; in a call the user leads they come
    /// between answers, otherwise they are items of the plan.
    pub objections: Vec<String>,
    /// The user leads (a discovery call): the counterpart answers, and its own lines come only
    /// when the user asks nothing.
    pub user_led: bool,
}

pub fn plan(session: &Session) -> Plan {
    let bank = bank::bank(session.preparation_type);
    // A drill (`drill-<dimension>`) takes its questions from assets/drills/, for any type.
    let subtype = bank::subtype(session.preparation_type, session.meeting_subtype.as_deref())
        .unwrap_or_else(|_| bank.default());
    let challenging = is_challenging(session.tone.as_deref());
    let seed = session.session_id.as_u128();
    let (cv, job) = session
        .role_context
        .as_deref()
        .map_or(("", None), document::split_context);
    let ad = job.map(document::job_ad);
    // Without an agenda, the job description names the role: "the Staff Engineer role at Ledgerly".
    let topic = match (session.agenda.as_deref(), &ad) {
        (None, Some(ad)) if ad.title.is_some() => {
            let title = ad.title.as_deref().unwrap_or_default();
            let title = title
                .split([',', '(', '|', '—', '–'])
                .next()
                .unwrap_or(title)
                .trim();
            match ad.company.as_deref() {
                Some(c) => format!("the {title} role at {c}"),
                None => format!("the {title} role"),
            }
        }
        _ => topic(bank, session.agenda.as_deref()),
    };
    let fill = |s: &str| s.replace("{topic}", &topic);

    let mut rng = Rng::new(seed, 1);
    let subtype_name = session.meeting_subtype.as_deref().unwrap_or(&subtype.name);
    let about = format!(
        "{} {}",
        session.agenda.as_deref().unwrap_or_default(),
        session.role_context.as_deref().unwrap_or_default()
    );
    let persona = persona::for_session(session.preparation_type, subtype_name, &about, seed);
    let company = persona.and(
        persona::agenda_company(session.agenda.as_deref())
            .or_else(|| ad.as_ref().and_then(|a| a.company.clone())),
    );
    let user_led = !expect(session, subtype).outcome;
    let bank_opening = fill(&subtype.openings[rng.below(subtype.openings.len())]);
    let opening = match persona {
        Some(p) => {
            let say = |l: &str| p.say(l, company.as_deref());
            // A prospect opens with their own greeting and the bank's question; anyone else
            // with the bank's opening, which sets the scene (a case, a design prompt).
            let base = if session.preparation_type == PreparationType::Sales {
                format!(
                    "{} {}",
                    say(&p.greeting),
                    analysis::asking_part(&bank_opening)
                )
            } else {
                bank_opening.clone()
            };
            introduce(&base, &p.introduction(company.as_deref()))
        }
        None => bank_opening,
    };
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
    // Weave the CV in: its strongest lines become questions of their own; in an interview the
    // first employer comes up early, and the job description's skills are asked about.
    let f = bank::followups();
    let mut woven: Vec<(usize, String)> = Vec::new();
    let pick = |rng: &mut Rng, v: &Variants, quote: &str| {
        let list = variants(v, challenging);
        (!list.is_empty()).then(|| list[rng.below(list.len())].replace("{quote}", quote))
    };
    let interview = session.preparation_type == PreparationType::Interview
        && !subtype_name.starts_with("drill-");
    if interview && let Some(first) = document::profile(cv).employers.first() {
        let quote = match first.role.as_deref() {
            Some(role) => format!("{} as {role}", first.employer),
            None => first.employer.clone(),
        };
        woven.extend(pick(&mut rng, &f.cv_employer, &quote).map(|q| (0, q)));
    }
    for (k, h) in highlights(cv).into_iter().enumerate() {
        woven.extend(pick(&mut rng, &f.context, &h).map(|q| (2 + 2 * k, q)));
    }
    if interview && let Some(ad) = &ad {
        let skills = &ad.skills;
        let quote = match &skills[..] {
            [] => String::new(),
            [one] => one.clone(),
            [a, b, ..] => format!("{a} and {b}"),
        };
        if !quote.is_empty() {
            woven.extend(pick(&mut rng, &f.job_skill, &quote).map(|q| (1, q)));
        }
    }
    for (at, q) in woven {
        questions.insert(at.min(questions.len()), q);
        questions.pop();
    }
    // The card's objections, in an order of the session's own.
    let mut objections: Vec<String> = persona.map_or_else(Vec::new, |p| {
        p.objections
            .iter()
            .map(|o| p.say(&o.text, company.as_deref()))
            .collect()
    });
    for i in (1..objections.len()).rev() {
        objections.swap(i, rng.below(i + 1));
    }
    if !user_led {
        let n = match session.preparation_type {
            PreparationType::Pitch | PreparationType::Sales => 2,
            _ => 1,
        };
        objections.truncate(n);
        let prompts = variants(&bank::followups().answer_concern, challenging);
        for (k, o) in objections.iter().enumerate() {
            let at = (2 + 2 * k).min(questions.len());
            // A concern said as a statement is handed over with a question.
            let item = if o.trim_end().ends_with('?') || prompts.is_empty() {
                o.clone()
            } else {
                format!("{o} {}", prompts[k % prompts.len()])
            };
            questions.insert(at, item);
            questions.pop();
        }
    }
    let mut items = vec![opening];
    items.extend(questions);
    // An interviewer leaves the last minutes for the candidate's questions.
    if let Some(q) = persona.and_then(|p| p.closing_question.as_deref()) {
        items.push(q.to_string());
    }
    Plan {
        items,
        closing: fill(&subtype.closing),
        challenging,
        subtype,
        bank,
        persona,
        company,
        objections,
        user_led,
    }
}

/// `intro` said after the first sentence of `opening` ("Thanks for coming in. I'm Samuel…").
fn introduce(opening: &str, intro: &str) -> String {
    match text::sentences::split(opening).first() {
        Some(first) if first.end < opening.len() => format!(
            "{} {intro} {}",
            opening[..first.end].trim(),
            opening[first.end..].trim()
        ),
        _ => format!("{intro} {opening}"),
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
        // By meaning, the first three sentences of each answer: enough to tell on topic from off
        // topic, and the reply is not kept waiting on the model (the judge reads the rest).
        analysis::analyze_reading(&setting, transcript, emb, 3)
    } else {
        Vec::new()
    };
    let last = analyses.last();

    // In a role-play the counterpart answers what the user asked it, from its card.
    let mut prefix = String::new();
    if let Some(p) = plan.persona
        && answered
    {
        let said = transcript.last().map_or("", |m| m.content.as_str());
        let turn = RolePlayTurn {
            plan: &plan,
            persona: p,
            ai: &ai,
            said,
            users: transcript.iter().filter(|m| m.role == Role::User).count(),
            pending: &question,
            since: since.len(),
            at_end: asked == plan.items.len() && p.closing_question.is_some(),
            progress: asked as f64 / plan.items.len().max(1) as f64,
        };
        match role_play(&turn, emb, &mut rng, &fresh, slots) {
            Said::All(reply) => return reply,
            Said::First(answers) => prefix = answers,
            Said::Nothing => {}
        }
    }
    let with_prefix = |reply: String| {
        if prefix.is_empty() {
            reply
        } else {
            format!("{prefix} {reply}")
        }
    };

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
                return with_prefix(said);
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
                return with_prefix(said);
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
    let had_specific = specific.is_some();
    let ack = match specific {
        Some((quote, pool)) => fresh(&mut rng, pool).and_then(|t| {
            Slots {
                quote: &quote,
                ..slots
            }
            .fill(&t)
        }),
        None if strong || last.is_none() => fresh(&mut rng, &f.acknowledge),
        // Off topic again after the follow-ups: said plainly, not "let's leave that one there".
        None if needs.contains(&Move::OffTopic) => fresh(&mut rng, &f.back_on_track),
        // Moving on from a weak answer: when every phrasing is used, nothing rather than praise.
        None => fresh(&mut rng, &f.move_on),
    }
    .or_else(|| {
        had_specific
            .then(|| fresh(&mut rng, &f.acknowledge))
            .flatten()
    });
    let next = plan.items.get(asked).unwrap_or(&plan.closing);
    with_prefix(match ack {
        // Having just answered the user's question, the counterpart goes straight on; a prospect
        // the user is leading doesn't grade what the user said.
        Some(_) if !prefix.is_empty() || plan.user_led => next.clone(),
        Some(ack) => format!("{ack} {next}"),
        None => next.clone(),
    })
}

/// What an LLM playing the counterpart is told beyond the setup: the persona card it plays
/// (who it is, what it knows and shares only when asked, its objections, how it takes a proposed
/// next step, the interview's closing question), and what the user's latest answer already holds
/// so it never asks for that again. Empty when there is nothing to add.
pub fn brief_for_llm(session: &Session) -> String {
    let plan = plan(session);
    let mut out = String::new();
    if let Some(p) = plan.persona {
        let company = plan.company.as_deref();
        let say = |l: &str| p.say(l, company);
        out.push_str(&format!(
            "Your character: {}\n",
            p.introduction(company).trim_start_matches("I'm ")
        ));
        out.push_str(
            "What you know, and share only when the user asks about it (in your own words, one              topic at a time):\n",
        );
        for f in &p.facts {
            out.push_str(&format!(
                "- {}: {}\n",
                f.topic.replace('_', " "),
                say(&f.answer)
            ));
        }
        if !plan.objections.is_empty() {
            out.push_str("Concerns to raise, one at a time, when it fits the conversation:\n");
            for o in &plan.objections {
                out.push_str(&format!("- {o}\n"));
            }
        }
        out.push_str(&format!(
            "If the user proposes a next step before you have heard enough, hold off (\"{}\");              once they have asked good questions and answered your concerns, agree (\"{}\").\n",
            say(&p.next_step.hold),
            say(&p.next_step.accept)
        ));
        out.push_str(&format!(
            "If the user asks something you don't know or can't share, say so honestly, as in \
             \"{}\". Never leave a question of theirs unanswered.\n",
            p.deflect.first().map(|d| say(d)).unwrap_or_default()
        ));
        if let Some(q) = p.closing_question.as_deref() {
            out.push_str(&format!(
                "Before you wrap up, ask \"{q}\" and answer the user's questions from what you \
                 know.\n"
            ));
        }
        if plan.user_led {
            out.push_str(
                "In this call the user leads: answer their questions, don't interview them.\n",
            );
        }
    }
    // What the latest answer already gave.
    let transcript = session.messages();
    if transcript.last().is_some_and(|m| m.role == Role::User) {
        let setting = Setting {
            kind: session.preparation_type,
            subtype: session.meeting_subtype.as_deref(),
            agenda: session.agenda.as_deref(),
            role_context: session.role_context.as_deref(),
        };
        if let Some(a) = analysis::analyze(&setting, transcript, None).last() {
            let mut notes: Vec<String> = Vec::new();
            if let Some(f) = listen::figure_clause(a) {
                notes.push(format!(
                    "it already gives a figure (\"{f}\"): don't ask for a number or a result"
                ));
            }
            if let Some(act) = listen::action_clause(a) {
                notes.push(format!(
                    "it already says what they did themselves (\"{act}\"): don't ask for their own part"
                ));
            }
            if listen::off_topic(a) {
                notes.push(
                    "it is off topic: say so briefly and ask your question again".to_string(),
                );
            }
            if !a.asks.is_empty() {
                notes.push("it asks you something: answer that first".to_string());
            }
            if !notes.is_empty() {
                out.push_str(&format!(
                    "About the user's latest message: {}.\n",
                    notes.join("; ")
                ));
            }
        }
    }
    out
}

/// What the role-play says this turn.
enum Said {
    /// The whole reply.
    All(String),
    /// Answers to the user's questions, said before the usual reply.
    First(String),
    Nothing,
}

/// Where a role-play stands when the user has just spoken.
struct RolePlayTurn<'a> {
    plan: &'a Plan,
    persona: &'static Persona,
    /// The counterpart's messages so far.
    ai: &'a [&'a str],
    /// The user's latest message.
    said: &'a str,
    /// How many times the user has spoken.
    users: usize,
    /// The planned question still open, as it would be asked again.
    pending: &'a str,
    /// The counterpart's messages since that question.
    since: usize,
    /// The plan is through and this is the candidate's turn to ask.
    at_end: bool,
    /// Share of the plan asked.
    progress: f64,
}

/// Questions said for politeness, not to be answered ("Does that make sense?").
fn rhetorical(q: &str) -> bool {
    let n = text::normalized(q);
    let n = n.trim();
    [
        "does that make sense",
        "make sense",
        "does that answer",
        "did that answer",
        "is that clear",
        "you know",
        "right",
        "is that okay",
        "is that ok",
        "shall i go on",
        "should i continue",
        "does that help",
        "what do you think",
    ]
    .iter()
    .any(|r| n.starts_with(r) || n.ends_with(r))
        && text::words(q).len() <= 8
}

fn role_play(
    t: &RolePlayTurn<'_>,
    emb: Option<&Embeddings<'_>>,
    rng: &mut Rng,
    fresh: &dyn Fn(&mut Rng, &Variants) -> Option<String>,
    slots: Slots<'_>,
) -> Said {
    let p = t.persona;
    let company = t.plan.company.as_deref();
    let f = bank::followups();
    let say = |l: &str| p.say(l, company);
    let told = |l: &str| t.ai.iter().any(|m| m.contains(l));
    let proposes = persona::proposes_next_step(t.said);
    let asks: Vec<&str> = persona::questions(t.said)
        .into_iter()
        .filter(|q| !(rhetorical(q) || proposes && persona::proposes_next_step(q)))
        .collect();
    // A message that does nothing but ask.
    let only_asks = !asks.is_empty()
        && (text::words(t.said).len() <= 30
            || text::sentences::split(t.said).iter().all(|s| s.question));

    let mut parts: Vec<String> = Vec::new();
    let mut facts: Vec<usize> = Vec::new();
    let mut deflected = false;
    for q in asks.iter().take(3) {
        if persona::is_small_talk(q) {
            parts.extend(fresh(rng, &f.small_talk));
            continue;
        }
        let found = p.answers(q, emb);
        if found.is_empty() && !deflected && (only_asks || t.plan.user_led) {
            // A question the card can't answer gets an honest deflection, once a message; one
            // tucked into a long answer is left for the answer's sake.
            deflected = true;
            let unused: Vec<&String> = p.deflect.iter().filter(|d| !told(&say(d))).collect();
            let pool: Vec<&String> = if unused.is_empty() {
                p.deflect.iter().collect()
            } else {
                unused
            };
            if !pool.is_empty() {
                parts.push(say(pool[rng.below(pool.len())]));
            }
        }
        for i in found {
            if facts.contains(&i) {
                continue;
            }
            facts.push(i);
            let answer = say(&p.facts[i].answer);
            if !told(&answer) {
                parts.push(answer);
                continue;
            }
            // Asked again: said again briefly, as a reminder.
            let first = text::sentences::sentences(&answer)
                .first()
                .map(|s| persona::continued(s))
                .unwrap_or_default();
            let again = fresh(rng, &f.as_said).and_then(|x| {
                Slots {
                    quote: &first,
                    ..slots
                }
                .fill(&x)
            });
            parts.push(again.unwrap_or(answer));
        }
    }

    // A proposed next step: agreed once the counterpart has heard enough, otherwise held off
    // (once; a second proposal is agreed to).
    if proposes {
        let hold = say(&p.next_step.hold);
        let revealed = p.facts.iter().filter(|f| told(&say(&f.answer))).count() + facts.len();
        let objected = t.plan.objections.iter().any(|o| told(o));
        let heard_enough = if t.plan.user_led {
            revealed >= 3 && (objected || t.plan.objections.is_empty())
        } else {
            t.progress >= 0.5
        };
        if heard_enough || told(&hold) {
            // Agreed: the meeting has done its job, and the counterpart wraps up.
            parts.push(say(&p.next_step.accept));
            parts.push(t.plan.closing.clone());
            return Said::All(parts.join(" "));
        } else {
            parts.push(hold);
            if t.plan.user_led {
                return Said::All(parts.join(" "));
            }
        }
    }

    // The candidate's questions at the end of an interview: answered, then "anything else?"
    // twice at most, then the close.
    if t.at_end {
        if parts.is_empty() {
            // No questions from the candidate: the interviewer closes.
            return Said::All(t.plan.closing.clone());
        }
        if t.since < 2
            && let Some(more) = fresh(rng, &f.anything_else)
        {
            parts.push(more);
        } else {
            parts.push(t.plan.closing.clone());
        }
        return Said::All(parts.join(" "));
    }

    if t.plan.user_led {
        let last_ai = t.ai.last().copied().unwrap_or("");
        if parts.is_empty() {
            // The seller answered an objection: the prospect takes it and lets them go on.
            if t.plan
                .objections
                .iter()
                .any(|o| last_ai.contains(o.as_str()))
            {
                let ack = fresh(rng, &f.acknowledge).unwrap_or_default();
                let more = fresh(rng, &f.anything_else).unwrap_or_default();
                return Said::All(format!("{ack} {more}").trim().to_string());
            }
            // The seller pitches instead of asking: the prospect pushes back with a concern of
            // their own, while they have one left.
            let raised = t.plan.objections.iter().filter(|o| told(o)).count();
            if text::words(t.said).len() >= 12
                && let Some(o) = t.plan.objections.get(raised)
                && let Some(said) =
                    fresh(rng, &f.objection).and_then(|x| Slots { quote: o, ..slots }.fill(&x))
            {
                return Said::All(said);
            }
            return Said::Nothing;
        }
        // Objections come between answers: the first after the third question, the next after
        // the sixth.
        let raised = t.plan.objections.iter().filter(|o| told(o)).count();
        if (t.users >= 3 && raised == 0) || (t.users >= 6 && raised == 1) {
            if let Some(o) = t.plan.objections.get(raised)
                && let Some(said) =
                    fresh(rng, &f.objection).and_then(|x| Slots { quote: o, ..slots }.fill(&x))
            {
                parts.push(said);
            }
        } else if t.users >= t.plan.bank.questions_per_session * 2 {
            // A long call ends even when no next step is proposed.
            parts.push(t.plan.closing.clone());
        }
        return Said::All(parts.join(" "));
    }

    if parts.is_empty() {
        return Said::Nothing;
    }
    if only_asks && !t.pending.is_empty() {
        // Said whole when first asked and once more; after that, only its question.
        let restated = t.ai.iter().filter(|m| m.contains(t.pending)).count() >= 2;
        let pending = if restated {
            question_of(t.pending)
        } else {
            t.pending
        };
        let back = fresh(rng, &f.back_to).and_then(|x| {
            Slots {
                question: pending,
                ..slots
            }
            .fill(&x)
        });
        parts.extend(back);
        return Said::All(parts.join(" "));
    }
    Said::First(parts.join(" "))
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
        after_more(s, answers)
    }

    /// Plays more answers on a session already under way.
    fn after_more(s: &mut Session, answers: &[&str]) -> String {
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
    fn off_topic_twice_is_said_plainly_when_moving_on() {
        let mut s = session(PreparationType::Interview, "behavioral", None);
        let football = "Honestly my weekends are all about football. I play on Saturdays with friends from school, and on Sunday I watch the derby with my brother.";
        let cooking = "To be honest I mostly think about cooking these days. On Sundays I bake bread and try a new pasta recipe with my family.";
        let _ = after(&mut s, &[football, cooking]);
        let r = replies(&s);
        assert!(is_one_of(&r[0], &bank::followups().off_topic), "{r:#?}");
        // Called out once; the second time the coach says so and moves on.
        assert!(is_one_of(&r[1], &bank::followups().back_on_track), "{r:#?}");
        assert!(r[1].ends_with(&plan(&s).items[1]), "{r:#?}");
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

    fn transcript(s: &Session) -> String {
        s.messages()
            .iter()
            .map(|m| format!("{:?}: {}", m.role, m.content))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Whether the counterpart said one of its card's objections.
    fn raised_an_objection(s: &Session) -> bool {
        let r = replies(s);
        plan(s)
            .objections
            .iter()
            .any(|o| r.iter().any(|m| m.contains(o)))
    }

    /// A discovery call with the card of session 0x42 (Northline Freight, whatever its order).
    fn discovery() -> (Session, &'static Persona) {
        let mut s = session(PreparationType::Sales, "discovery", None);
        s.agenda = Some("Selling an invoice automation platform".into());
        let p = plan(&s).persona.expect("a sales card");
        (s, p)
    }

    #[test]
    fn a_prospect_answers_discovery_questions_objects_and_agrees_to_a_next_step() {
        let (mut s, p) = discovery();
        let questions = [
            "Thanks for making the time. To start, can you tell me a bit about the company and how big you are today?",
            "What are you using today to handle carrier invoices and billing?",
            "Where does that process break down for your team?",
            "Who else would be involved in a decision like this, and how does approval work?",
            "When would you need something in place?",
        ];
        let _ = after(&mut s, &questions);
        let r = replies(&s);
        eprintln!("{}", transcript(&s));
        let facts_told = p
            .facts
            .iter()
            .filter(|f| r.iter().any(|m| m.contains(&f.answer)))
            .count();
        assert!(
            facts_told >= 5,
            "{facts_told} facts told:\n{}",
            transcript(&s)
        );
        assert!(raised_an_objection(&s), "no objection:\n{}", transcript(&s));
        assert!(!r.iter().any(|m| m.contains(&p.next_step.accept)));
        let _ = after_more(
            &mut s,
            &[
                "That's fair: we connect to FreightLink through its export, no driver app at all. Would you be open to a 30-minute demo with your IT lead next Thursday?",
            ],
        );
        let last = replies(&s).last().cloned().unwrap_or_default();
        assert!(last.contains(&p.next_step.accept), "{last}");
        assert!(last.contains(&plan(&s).closing), "{last}");
    }

    #[test]
    fn a_next_step_proposed_too_early_is_held_off() {
        let (mut s, p) = discovery();
        let last = after(&mut s, &["Would you be open to a demo next Tuesday?"]);
        assert!(last.contains(&p.next_step.hold), "{last}");
        assert!(!last.contains(&p.next_step.accept), "{last}");
    }

    #[test]
    fn a_question_the_card_cannot_answer_is_deflected_not_ignored() {
        let (mut s, p) = discovery();
        let last = after(&mut s, &["What's your favourite football team?"]);
        assert!(
            p.deflect.iter().any(|d| last.contains(d.as_str())),
            "{last}"
        );
    }

    #[test]
    fn an_investor_objects_and_answers_questions_put_to_them() {
        let mut s = session(PreparationType::Pitch, "seed", None);
        let p = plan(&s).persona.expect("a pitch card");
        let answers = [
            "We help construction foremen order materials from their phone: 40 sites use us today and we grew 30% month on month since March.",
            "What would you need to see from us to lead this round?",
            "Our two founders ran procurement at a general contractor for eight years, so we know the buyer first hand.",
            "We charge 2% of order value, and our first 40 customers pay 1,900 dollars a month on average.",
            "We'd spend the seed on two sales hires and integrations with the three biggest suppliers.",
        ];
        let _ = after(&mut s, &answers);
        eprintln!("{}", transcript(&s));
        let r = replies(&s);
        assert!(raised_an_objection(&s), "no objection:\n{}", transcript(&s));
        let lead = p.facts.iter().find(|f| f.topic == "lead_terms").unwrap();
        assert!(r[1].contains(&lead.answer), "{}", r[1]);
    }

    #[test]
    fn an_interview_ends_with_the_candidates_questions() {
        let mut s = session(PreparationType::Interview, "behavioral", None);
        let p = plan(&s).persona.expect("an interview card");
        let q = p.closing_question.as_deref().unwrap();
        let stories = [
            GOOD_STAR,
            "When our checkout team and the fraud team disagreed about blocking new cards, I set up a one-week experiment with 5% of traffic. I wrote the analysis myself, and the data showed blocking cost us 3% of revenue for little fraud saved, so we kept cards open with a lower limit.",
            "I missed a deadline on the ledger migration once. I told my manager two weeks ahead, I split the work so the riskiest tables moved first, and we finished nine days late with no data loss; since then I plan migrations with a buffer of 20%.",
            "I learned Kafka in a month for the events project: I read the docs, I built a toy pipeline at home and I paired with our platform engineer, and in the end I shipped the consumer that now handles 2 million events a day.",
            "I had to pick a queue without load tests. I listed the three failure modes that would hurt most, I chose SQS because it removed two of them, and I set a review date; six months later we still had zero lost messages.",
            "A junior engineer on my team was struggling with code reviews. I paired with him twice a week for a month, I wrote a checklist with him, and his reviews went from 40% rework to under 10%.",
        ];
        let opening = next_message(&s);
        say(&mut s, Role::Ai, &opening);
        for k in 0..20 {
            if replies(&s).iter().any(|m| m.contains(q)) {
                break;
            }
            let _ = after_more(&mut s, &[stories[k % stories.len()]]);
        }
        let _ = after_more(
            &mut s,
            &[
                "Yes: what would you expect from me in the first ninety days?",
                "And how big is the team I'd join?",
                "No, that's everything, thank you.",
            ],
        );
        eprintln!("{}", transcript(&s));
        let r = replies(&s);
        let at = r
            .iter()
            .position(|m| m.contains(q))
            .expect("no closing question");
        let first90 = p.facts.iter().find(|f| f.topic == "first_90_days").unwrap();
        let team = p.facts.iter().find(|f| f.topic == "team").unwrap();
        assert!(r[at + 1].contains(&first90.answer), "{}", r[at + 1]);
        assert!(r[at + 2].contains(&team.answer), "{}", r[at + 2]);
        assert!(r[at + 3].contains(&plan(&s).closing), "{}", r[at + 3]);
    }

    #[test]
    fn a_question_back_is_answered_then_the_open_question_is_asked_again_whole() {
        let mut s = session(PreparationType::Interview, "behavioral", None);
        let p = plan(&s).persona.expect("a card");
        let _ = after(&mut s, &[GOOD_STAR, "How big is the team I'd join?"]);
        let r = replies(&s);
        let team = p.facts.iter().find(|f| f.topic == "team").unwrap();
        assert!(r[1].contains(&team.answer), "{}", r[1]);
        // The question just asked comes back whole, not only its last sentence.
        let pending = &plan(&s).items[1];
        assert!(r[0].ends_with(pending.as_str()), "{}", r[0]);
        assert!(r[1].ends_with(pending.as_str()), "{}", r[1]);
    }

    #[test]
    fn weak_answers_are_never_praised_even_when_the_moving_on_phrasings_run_out() {
        let mut s = session(PreparationType::Interview, "behavioral", None);
        let weak = [
            "It went fine generally.",
            "Various things, overall good.",
            "I guess it was okay in the end.",
            "Stuff happened and it worked out.",
            "Nothing special, we managed.",
            "It was a normal project really.",
            "Pretty standard, all good.",
            "Hard to say, it was fine.",
            "We just did it somehow.",
            "Things got sorted eventually.",
            "It was alright, nothing more.",
            "Not much to tell, honestly.",
            "It all went okay overall.",
            "Can't remember, it was fine.",
        ];
        let _ = after(&mut s, &weak);
        let praise = &bank::followups().acknowledge;
        for r in replies(&s) {
            assert!(!is_one_of(&r, praise), "praised a weak answer: {r}");
        }
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
#[cfg(test)]
mod topic_tests {
    use super::*;

    #[test]
    fn agendas_read_as_noun_phrases() {
        let b = bank::bank(PreparationType::Sales);
        for (agenda, want) in [
            (
                "Senior backend role at a fintech",
                "the senior backend role at a fintech",
            ),
            (
                "Selling an observability platform to fintechs",
                "an observability platform",
            ),
            ("AWS migration", "the AWS migration"),
            ("my Series A pitch.", "your Series A pitch"),
            ("Kubernetes", "Kubernetes"),
            ("Q3 roadmap review", "the Q3 roadmap review"),
            ("pricing", "pricing"),
            ("Pitching Ledgerly to seed investors", "Ledgerly"),
        ] {
            assert_eq!(topic(b, Some(agenda)), want, "{agenda}");
        }
        assert_eq!(topic(b, None), b.default_topic);
    }
}
