//! Reading transcripts from files for batch evaluation: JSON in the contract's Session shape, or
//! Markdown/plain text with turns marked `Interviewer:`/`Coach:`/`AI:` and `You:`/`Me:`/`User:`.
//! Pure parsing: nothing here touches the store.

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use uuid::Uuid;

use crate::domain::{self, ChatMessage, PreparationType, Role, Session, SessionStatus};

/// Speakers that are the counterpart (the coach's side) in a text transcript.
const AI_SPEAKERS: &[&str] = &[
    "interviewer",
    "coach",
    "ai",
    "assistant",
    "investor",
    "prospect",
    "customer",
    "manager",
    "stakeholder",
    "audience",
    "counterpart",
    "q",
];
/// Speakers that are the person practising.
const USER_SPEAKERS: &[&str] = &["you", "me", "user", "candidate", "a"];

#[derive(Deserialize)]
struct LooseSession {
    session_id: Option<Uuid>,
    preparation_type: Option<String>,
    meeting_subtype: Option<String>,
    agenda: Option<String>,
    tone: Option<String>,
    role_context: Option<String>,
    transcript: Vec<LooseMessage>,
    created_at: Option<DateTime<Utc>>,
}

#[derive(Deserialize)]
struct LooseMessage {
    message_id: Option<Uuid>,
    role: String,
    content: String,
    timestamp: Option<DateTime<Utc>>,
}

/// Parses a transcript file's content. `type_override` (from `--type`) wins over the file's own.
pub fn parse(content: &[u8], type_override: Option<PreparationType>) -> Result<Session, String> {
    let text = std::str::from_utf8(content)
        .map_err(|_| "not a text file: expected JSON, Markdown or plain text".to_string())?;
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    if trimmed.is_empty() {
        return Err("the file is empty".into());
    }
    if type_override.is_none() && !names_type(trimmed.as_bytes()) {
        return Err(NO_TYPE.into());
    }
    let mut session = if trimmed.starts_with('{') {
        parse_json(trimmed)?
    } else {
        parse_text(trimmed)?
    };
    if let Some(t) = type_override {
        session.preparation_type = t;
    }
    if !session.messages().iter().any(|m| m.role == Role::User) {
        return Err(
            "no user turns to evaluate: mark your answers with 'You:', 'Me:' or 'User:'".into(),
        );
    }
    session.turn_count = domain::count_turns(session.messages().iter().map(|m| m.role));
    Ok(session)
}

fn base(preparation_type: PreparationType, created: DateTime<Utc>) -> Session {
    Session {
        session_id: Uuid::now_v7(),
        user_id: Uuid::nil(),
        preparation_type,
        meeting_subtype: None,
        agenda: None,
        tone: None,
        role_context: None,
        status: SessionStatus::Completed,
        transcript: Some(Vec::new()),
        turn_count: 0,
        created_at: created,
        updated_at: created,
        completed_at: Some(created),
        evaluation_summary: None,
    }
}

const NO_TYPE: &str =
    "no preparation type: add \"preparation_type\" (JSON) or a 'Type:' line (text), or pass --type";

fn parse_type(s: &str) -> Result<PreparationType, String> {
    s.parse().map_err(|e: domain::UnknownValue| e.to_string())
}

fn parse_json(text: &str) -> Result<Session, String> {
    let invalid = |e: serde_json::Error| format!("not a valid session JSON: {e}");
    let mut value: serde_json::Value = serde_json::from_str(text).map_err(invalid)?;
    // `prapp session export --format json` wraps the session: {"session": …, "evaluation": …}.
    if value.get("transcript").is_none()
        && let Some(inner) = value.get_mut("session").filter(|v| v.is_object())
    {
        value = inner.take();
    }
    let loose: LooseSession = serde_json::from_value(value).map_err(invalid)?;
    let now = domain::now();
    let created = loose.created_at.unwrap_or(now);
    let mut s = base(
        match loose.preparation_type.as_deref() {
            Some(t) => parse_type(t)?,
            None => PreparationType::Other,
        },
        created,
    );
    s.session_id = loose.session_id.unwrap_or(s.session_id);
    s.meeting_subtype = loose.meeting_subtype;
    s.agenda = loose.agenda;
    s.tone = loose.tone;
    s.role_context = loose.role_context;
    let mut transcript = Vec::with_capacity(loose.transcript.len());
    for (i, m) in loose.transcript.into_iter().enumerate() {
        let role: Role = m
            .role
            .parse()
            .map_err(|e: domain::UnknownValue| format!("message {}: {e}", i + 1))?;
        transcript.push(ChatMessage {
            message_id: m.message_id.unwrap_or_else(Uuid::now_v7),
            role,
            content: m.content,
            timestamp: m
                .timestamp
                .unwrap_or(created + Duration::microseconds(i as i64)),
        });
    }
    s.transcript = Some(transcript);
    Ok(s)
}

/// A speaker label at the start of a line ("**Interviewer:** …", "> You: …"), and the rest.
fn speaker(line: &str) -> Option<(Role, &str)> {
    let l = line.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, '#' | '>' | '*' | '-' | '_')
    });
    let colon = l.find(':')?;
    let label = l[..colon]
        .trim()
        .trim_matches(|c| c == '*' || c == '_')
        .to_lowercase();
    let rest = l[colon + 1..].trim_start_matches(['*', '_']).trim();
    if AI_SPEAKERS.contains(&label.as_str()) {
        Some((Role::Ai, rest))
    } else if USER_SPEAKERS.contains(&label.as_str()) {
        Some((Role::User, rest))
    } else {
        None
    }
}

fn parse_text(text: &str) -> Result<Session, String> {
    let now = domain::now();
    let mut header: Vec<(String, String)> = Vec::new();
    let mut turns: Vec<(Role, String)> = Vec::new();
    for line in text.lines() {
        if let Some((role, rest)) = speaker(line) {
            turns.push((role, rest.to_string()));
            continue;
        }
        match turns.last_mut() {
            Some((_, content)) => {
                if !content.is_empty() || !line.trim().is_empty() {
                    content.push('\n');
                    content.push_str(line);
                }
            }
            None => {
                if let Some((k, v)) = line.split_once(':') {
                    let key = k.trim().trim_matches(['*', '#', ' ']).to_lowercase();
                    // "**Type:** pitch" (bold label) as well as "Type: pitch".
                    let value = v.trim().trim_start_matches('*').trim();
                    header.push((key, value.to_string()));
                }
            }
        }
    }
    if turns.is_empty() {
        return Err("no turns found: mark lines with 'Interviewer:'/'Coach:'/'AI:' and 'You:'/'Me:'/'User:'".into());
    }
    let get = |keys: &[&str]| {
        header
            .iter()
            .find(|(k, _)| keys.contains(&k.as_str()))
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
    };
    let t = get(&["type", "preparation type", "preparation_type"]);
    let mut s = base(
        match t.as_deref() {
            Some(t) => parse_type(t)?,
            None => PreparationType::Other,
        },
        now,
    );
    s.meeting_subtype = get(&["subtype", "meeting subtype", "meeting_subtype"]);
    s.agenda = get(&["agenda", "topic"]);
    s.tone = get(&["tone"]);
    s.transcript = Some(
        turns
            .into_iter()
            .filter(|(_, c)| !c.trim().is_empty())
            .enumerate()
            .map(|(i, (role, content))| ChatMessage {
                message_id: Uuid::now_v7(),
                role,
                content: content.trim().to_string(),
                timestamp: now + Duration::microseconds(i as i64),
            })
            .collect(),
    );
    Ok(s)
}

/// Whether a file's own content named its preparation type (else `--type` is needed).
pub fn names_type(content: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(content) else {
        return false;
    };
    let t = text.trim_start();
    if t.starts_with('{') {
        return t.contains("\"preparation_type\"");
    }
    t.lines().take_while(|l| speaker(l).is_none()).any(|l| {
        l.split_once(':').is_some_and(|(k, _)| {
            matches!(
                k.trim()
                    .trim_matches(['*', '#', ' '])
                    .to_lowercase()
                    .as_str(),
                "type" | "preparation type" | "preparation_type"
            )
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_turns_with_continuations_and_header() {
        let md = "# Mock interview\nType: interview\nAgenda: Staff engineer at a bank\n\n**Interviewer:** Tell me about yourself.\n\n**You:** I build payment systems.\nI led the ledger rewrite.\n\nCoach: What was the result?\nMe: Settlement time fell by 40%.\n";
        let s = parse(md.as_bytes(), None).unwrap();
        assert_eq!(s.preparation_type, PreparationType::Interview);
        assert_eq!(s.agenda.as_deref(), Some("Staff engineer at a bank"));
        let roles: Vec<Role> = s.messages().iter().map(|m| m.role).collect();
        assert_eq!(roles, [Role::Ai, Role::User, Role::Ai, Role::User]);
        assert_eq!(
            s.messages()[1].content,
            "I build payment systems.\nI led the ledger rewrite."
        );
        assert_eq!(
            s.turn_count, 1,
            "the last answer is not answered by the coach"
        );
        assert!(names_type(md.as_bytes()));
    }

    #[test]
    fn json_in_the_contract_shape() {
        let j = r#"{"preparation_type":"pitch","transcript":[{"role":"ai","content":"Why now?"},{"role":"user","content":"Because costs fell 10x."}]}"#;
        let s = parse(j.as_bytes(), None).unwrap();
        assert_eq!(s.preparation_type, PreparationType::Pitch);
        assert_eq!(s.messages().len(), 2);
        let s = parse(j.as_bytes(), Some(PreparationType::Sales)).unwrap();
        assert_eq!(s.preparation_type, PreparationType::Sales, "--type wins");
    }

    #[test]
    fn bad_files_say_what_is_wrong() {
        assert!(
            parse(&[0xff, 0x00, 0x12], None)
                .unwrap_err()
                .contains("not a text file")
        );
        assert!(
            parse(
                b"just some notes\nno speakers here",
                Some(PreparationType::Other)
            )
            .unwrap_err()
            .contains("no turns found")
        );
        assert!(
            parse(
                b"Interviewer: hello?\nCoach: anyone?",
                Some(PreparationType::Other)
            )
            .unwrap_err()
            .contains("no user turns")
        );
        assert!(
            parse(br#"{"preparation_type":"dance","transcript":[]}"#, None)
                .unwrap_err()
                .contains("unknown preparation type 'dance'")
        );
        assert!(
            parse(b"Type: dance\nAI: hi\nYou: hello there", None)
                .unwrap_err()
                .contains("unknown preparation type")
        );
        assert!(
            parse(b"{not json", Some(PreparationType::Other))
                .unwrap_err()
                .contains("not a valid session JSON")
        );
        assert!(
            parse(b"AI: hi\nYou: hello there", None)
                .unwrap_err()
                .contains("--type")
        );
    }
}
