//! The LLM coach: plays the counterpart through any OpenAI-compatible model ([`crate::llm`]).
//!
//! The system prompt comes from templates in `assets/prompts/` (a persona per preparation type,
//! the setup, the tone, the role/CV context and the local profile). The history is fitted to a
//! token budget so long sessions never fail for context length: the system prompt, the opening
//! question and as many recent messages as fit are kept — never fewer than the last ten.

use std::collections::BTreeMap;
use std::sync::LazyLock;
use std::time::Duration;

use serde::Deserialize;

use super::{Cancel, Coach, CoachError, Reply, Sink};
use crate::domain::{MessageUsage, Role as Speaker, Session};
use crate::llm::{BlockingClient, ChatRequest, LlmError, Message, Role};

const COACH_TEMPLATE: &str = include_str!("../../assets/prompts/coach.md");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Persona {
    pub persona: String,
    pub counterpart: String,
    pub occasion: String,
}

/// The personas by preparation type, parsed once (a unit test checks every type has one).
pub static PERSONAS: LazyLock<BTreeMap<String, Persona>> = LazyLock::new(|| {
    toml::from_str(include_str!("../../assets/prompts/personas.toml")).unwrap_or_default()
});

pub fn persona(session_type: &str) -> Persona {
    PERSONAS
        .get(session_type)
        .or_else(|| PERSONAS.get("other"))
        .map(|p| Persona {
            persona: p.persona.clone(),
            counterpart: p.counterpart.clone(),
            occasion: p.occasion.clone(),
        })
        .unwrap_or(Persona {
            persona: "the counterpart in a professional conversation".into(),
            counterpart: "counterpart".into(),
            occasion: "a professional conversation".into(),
        })
}

/// The longest reply asked for; a small context window gets a quarter of it at most.
pub const REPLY_TOKENS: u32 = 400;
/// The seed always sent at least this many recent messages.
pub const MIN_RECENT: usize = 10;
/// How many answers the coach plans for before wrapping up.
const PLANNED_TURNS: usize = 6;
/// Role/CV context beyond this many characters is cut (it can be 20,000).
const MAX_CONTEXT_CHARS: usize = 6000;

/// A rough token count: ~4 bytes per token for English, and a few tokens of framing per message.
/// Deliberately pessimistic for CJK text (3 bytes per character, about one token each).
pub fn estimate_tokens(text: &str) -> usize {
    text.len().div_ceil(3) + 4
}

fn cut(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((i, _)) => format!("{}… (cut)", &text[..i]),
        None => text.to_string(),
    }
}

/// The system prompt for a session; `about_user` is the local profile, already worded.
pub fn system_prompt(session: &Session, about_user: Option<&str>, omitted: usize) -> String {
    let p = persona(session.preparation_type.as_str());
    let mut setup = String::from("The setup the user gave for this rehearsal:\n");
    setup.push_str(&format!("- Type: {}", session.preparation_type));
    if let Some(sub) = session.meeting_subtype.as_deref().filter(|s| !s.is_empty()) {
        setup.push_str(&format!(" ({sub})"));
    }
    setup.push('\n');
    if let Some(a) = session.agenda.as_deref().filter(|s| !s.trim().is_empty()) {
        setup.push_str(&format!("- Agenda: {}\n", cut(a.trim(), 2000)));
    }
    if let Some(r) = session
        .role_context
        .as_deref()
        .filter(|s| !s.trim().is_empty())
    {
        setup.push_str(&format!(
            "- Role and background (CV) of the user: {}\n",
            cut(r.trim(), MAX_CONTEXT_CHARS)
        ));
    }
    if let Some(u) = about_user.filter(|s| !s.trim().is_empty()) {
        setup.push_str(&format!("- About the user: {}\n", u.trim()));
    }
    let brief = super::builtin::brief_for_llm(session);
    if !brief.is_empty() {
        setup.push('\n');
        setup.push_str(&brief);
    }
    if omitted > 0 {
        setup.push_str(&format!(
            "- Note: {omitted} messages from the middle of this conversation are left out for length; carry on from the latest ones.\n"
        ));
    }
    let tone = match session.tone.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) if t.eq_ignore_ascii_case("challenging") => {
            "Be challenging: probe weak points, push back on claims without evidence, and do not accept vague answers.".to_string()
        }
        Some(t) => format!("Keep a {t} tone throughout."),
        None => "Be professional, warm and natural.".to_string(),
    };
    COACH_TEMPLATE
        .replace("{persona}", &p.persona)
        .replace("{occasion}", &p.occasion)
        .replace("{counterpart}", &p.counterpart)
        .replace("{setup}", &setup)
        .replace("{tone}", &tone)
        .replace("{turns}", &PLANNED_TURNS.to_string())
}

/// The messages to send: the system prompt, then the transcript fitted to `budget` tokens.
/// The conversation opens with a short user line so every chat template sees user/assistant
/// turns alternate.
pub fn conversation(session: &Session, about_user: Option<&str>, budget: usize) -> Vec<Message> {
    let msg = |role, content: &str| Message {
        role,
        content: content.to_string(),
    };
    let transcript = session.messages();
    let as_message = |m: &crate::domain::ChatMessage| {
        msg(
            match m.role {
                Speaker::Ai => Role::Assistant,
                Speaker::User => Role::User,
            },
            &m.content,
        )
    };
    let start = msg(
        Role::User,
        "(The user has joined. Open the conversation: greet them briefly and ask your first question.)",
    );
    if transcript.is_empty() {
        return vec![
            msg(Role::System, &system_prompt(session, about_user, 0)),
            start,
        ];
    }
    // The opening (first message) always stays; then the newest messages that fit.
    let first = &transcript[0];
    let rest = &transcript[1..];
    let fixed = estimate_tokens(&system_prompt(session, about_user, rest.len()))
        + estimate_tokens(&start.content)
        + estimate_tokens(&first.content);
    let mut used = fixed;
    let mut keep = 0;
    for m in rest.iter().rev() {
        let cost = estimate_tokens(&m.content);
        if keep >= MIN_RECENT && used + cost > budget {
            break;
        }
        used += cost;
        keep += 1;
    }
    let mut from = rest.len() - keep;
    // After the (assistant) opening, the kept tail must start with a user message: drop the
    // oldest kept one when there are more than ten, else reach back to one.
    if from < rest.len() && rest[from].role == Speaker::Ai {
        if keep > MIN_RECENT {
            from += 1;
        } else {
            while from > 0 && rest[from].role == Speaker::Ai {
                from -= 1;
            }
        }
    }
    let omitted = from;
    let mut out = vec![
        msg(Role::System, &system_prompt(session, about_user, omitted)),
        start,
        as_message(first),
    ];
    out.extend(rest[from..].iter().map(as_message));
    out
}

/// An LLM playing the counterpart, streaming its reply.
pub struct LlmCoach {
    client: BlockingClient,
    label: String,
    model: String,
    about_user: Option<String>,
    /// Tokens for the prompt (system prompt and history), and for the reply.
    budget: usize,
    reply_tokens: u32,
}

impl LlmCoach {
    /// `label` names it in status bars ("ollama/llama3.2"); `about_user` is the local profile;
    /// `context_window` is the model's context in tokens, which prompt and reply share.
    pub fn new(
        client: BlockingClient,
        label: String,
        model: String,
        about_user: Option<String>,
        context_window: usize,
    ) -> Self {
        let reply_tokens = REPLY_TOKENS.min((context_window / 4) as u32);
        LlmCoach {
            client,
            label,
            model,
            about_user,
            budget: context_window.saturating_sub(reply_tokens as usize),
            reply_tokens,
        }
    }
}

/// The user-facing message for a failed model call (the client's errors are already one line
/// with what to do).
pub fn failure(e: LlmError) -> CoachError {
    match e {
        LlmError::Cancelled => CoachError::Cancelled,
        other => CoachError::Failed(other.to_string()),
    }
}

impl Coach for LlmCoach {
    fn name(&self) -> String {
        self.label.clone()
    }

    fn respond(
        &self,
        session: &Session,
        sink: Sink<'_>,
        cancel: &Cancel,
    ) -> Result<Reply, CoachError> {
        let req = ChatRequest {
            messages: conversation(session, self.about_user.as_deref(), self.budget),
            max_tokens: Some(self.reply_tokens),
            temperature: Some(0.7),
            response_format: None,
        };
        tracing::debug!(session = %session.session_id, messages = req.messages.len(), model = %self.model, "coach request");
        let done = self
            .client
            .stream(&req, &mut |delta| sink(delta), cancel)
            .map_err(failure)?;
        let text = done.text.trim().to_string();
        if text.is_empty() {
            return Err(CoachError::Failed(format!(
                "{} answered with an empty message — try again, or another model (`prapp config set model`)",
                self.label
            )));
        }
        tracing::info!(
            session = %session.session_id,
            model = %done.model,
            latency_ms = done.latency.as_millis() as u64,
            prompt_tokens = done.usage.as_ref().map(|u| u.prompt_tokens),
            completion_tokens = done.usage.as_ref().map(|u| u.completion_tokens),
            "coach reply"
        );
        Ok(Reply {
            text,
            usage: Some(MessageUsage {
                model: done.model,
                prompt_tokens: done.usage.as_ref().map(|u| u.prompt_tokens),
                completion_tokens: done.usage.as_ref().map(|u| u.completion_tokens),
                latency_ms: duration_ms(done.latency),
            }),
        })
    }
}

fn duration_ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ChatMessage, PreparationType, SessionStatus};
    use uuid::Uuid;

    fn session(n: usize, words_each: usize) -> Session {
        let now = crate::domain::now();
        Session {
            session_id: Uuid::now_v7(),
            user_id: Uuid::now_v7(),
            preparation_type: PreparationType::Pitch,
            meeting_subtype: Some("seed".into()),
            agenda: Some("Raising a seed round for a logistics startup".into()),
            tone: Some("challenging".into()),
            role_context: Some("Founder, ex-Amazon ops lead".into()),
            status: SessionStatus::InProgress,
            transcript: Some(
                (0..n)
                    .map(|i| ChatMessage {
                        message_id: Uuid::now_v7(),
                        role: if i % 2 == 0 {
                            Speaker::Ai
                        } else {
                            Speaker::User
                        },
                        content: format!("m{i} {}", "word ".repeat(words_each)),
                        timestamp: now,
                    })
                    .collect(),
            ),
            turn_count: n / 2,
            created_at: now,
            updated_at: now,
            completed_at: None,
            evaluation_summary: None,
        }
    }

    #[test]
    fn every_type_has_a_persona() {
        for t in PreparationType::ALL {
            assert!(PERSONAS.contains_key(t.as_str()), "{t}");
        }
    }

    #[test]
    fn the_system_prompt_carries_the_setup() {
        let s = session(0, 1);
        let p = system_prompt(&s, Some("Target role: CTO"), 0);
        assert!(p.contains("venture investor"), "{p}");
        assert!(p.contains("seed") && p.contains("logistics startup"));
        assert!(p.contains("ex-Amazon") && p.contains("Target role: CTO"));
        assert!(p.contains("Be challenging"));
        assert!(!p.contains('{'), "unfilled placeholder: {p}");
    }

    #[test]
    fn the_system_prompt_carries_the_persona_card_and_what_the_answer_gave() {
        let mut s = session(2, 1);
        s.preparation_type = crate::domain::PreparationType::Sales;
        s.meeting_subtype = Some("discovery".into());
        let p = system_prompt(&s, None, 0);
        let card = crate::coach::builtin::plan(&s).persona.expect("a card");
        assert!(p.contains(&card.name), "{p}");
        assert!(p.contains(&card.facts[0].answer), "{p}");
        assert!(p.contains(&card.next_step.accept), "{p}");
        assert!(p.contains("the user leads"), "{p}");
        if let Some(m) = s.transcript.as_mut().and_then(|t| t.last_mut()) {
            m.role = crate::domain::Role::User;
            m.content =
                "I led the rollout myself, and churn fell from 9% to 4% in a quarter.".into();
        }
        let p = system_prompt(&s, None, 0);
        assert!(p.contains("don't ask for a number"), "{p}");
        assert!(p.contains("don't ask for their own part"), "{p}");
    }

    #[test]
    fn an_empty_transcript_asks_for_the_opening() {
        let m = conversation(&session(0, 1), None, 4000);
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].role, Role::System);
        assert_eq!(m[1].role, Role::User);
    }

    #[test]
    fn short_sessions_go_whole() {
        let s = session(9, 20);
        let m = conversation(&s, None, 8000);
        assert_eq!(m.len(), 2 + 9);
        assert!(m[2].content.starts_with("m0 "));
        assert!(m.last().unwrap().content.starts_with("m8 "));
    }

    #[test]
    fn long_sessions_keep_the_opening_and_the_newest_that_fit() {
        // 401 messages of ~200 words: far beyond the budget.
        let s = session(401, 200);
        let m = conversation(&s, None, 8000);
        let total: usize = m.iter().map(|m| estimate_tokens(&m.content)).sum();
        // Never fewer than the last ten, even when they alone exceed the budget.
        assert!(m.len() >= 2 + 1 + MIN_RECENT, "{}", m.len());
        assert!(total <= 8000, "{total}");
        assert!(m[2].content.starts_with("m0 "), "opening kept");
        assert!(
            m.last().unwrap().content.starts_with("m400 "),
            "newest kept"
        );
        // Roles alternate after the system prompt: user, assistant, user…
        for (i, msg) in m[1..].iter().enumerate() {
            let want = if i % 2 == 0 {
                Role::User
            } else {
                Role::Assistant
            };
            assert_eq!(msg.role, want, "message {i}");
        }
        assert!(m[0].content.contains("left out for length"));
    }

    #[test]
    fn never_fewer_than_ten_recent_even_with_a_tiny_budget() {
        let s = session(41, 50);
        let m = conversation(&s, None, 10);
        assert!(m.len() - 3 >= MIN_RECENT, "{}", m.len());
        assert!(m.last().unwrap().content.starts_with("m40 "));
    }
}
