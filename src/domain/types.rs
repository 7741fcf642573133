use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A message's `content` after trimming: 1..=8000 characters.
pub const MAX_MESSAGE_CHARS: usize = 8000;
/// Text fields of the setup (subtype, agenda, tone).
pub const MAX_SETUP_CHARS: usize = 4000;
/// The role/CV context a user may paste or load from a file.
pub const MAX_ROLE_CONTEXT_CHARS: usize = 20000;
/// A session can be completed once it has this many turns.
pub const MIN_TURNS_TO_COMPLETE: usize = 3;

named_enum! {
    /// What the user is rehearsing for.
    pub enum PreparationType {
        Interview => "interview",
        Corporate => "corporate",
        Pitch => "pitch",
        Sales => "sales",
        Presentation => "presentation",
        Other => "other",
    }
}

/// The one-line message for a value that is not one of a fixed set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} '{given}' — valid: {valid}")]
pub struct UnknownValue {
    pub what: &'static str,
    pub given: String,
    pub valid: String,
}

impl FromStr for PreparationType {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == wanted)
            .ok_or_else(|| UnknownValue {
                what: "preparation type",
                given: s.to_string(),
                valid: Self::ALL.map(|t| t.as_str()).join(", "),
            })
    }
}

named_enum! {
    /// Where a session is in its life. `setup → in_progress → completed`, anything `→ archived`.
    pub enum SessionStatus {
        Setup => "setup",
        InProgress => "in_progress",
        Completed => "completed",
        Archived => "archived",
    }
}

impl SessionStatus {
    /// How far along the life cycle a status is; sync keeps the furthest.
    pub fn rank(self) -> u8 {
        match self {
            Self::Setup => 0,
            Self::InProgress => 1,
            Self::Completed => 2,
            Self::Archived => 3,
        }
    }
}

impl FromStr for SessionStatus {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace('-', "_");
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == wanted)
            .ok_or_else(|| UnknownValue {
                what: "status",
                given: s.to_string(),
                valid: Self::ALL.map(|t| t.as_str()).join(", "),
            })
    }
}

named_enum! {
    /// Who wrote a message: the coach (`ai`) or the person practising (`user`).
    pub enum Role {
        Ai => "ai",
        User => "user",
    }
}

impl FromStr for Role {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "ai" => Ok(Self::Ai),
            "user" => Ok(Self::User),
            _ => Err(UnknownValue {
                what: "role",
                given: s.to_string(),
                valid: "ai, user".into(),
            }),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatMessage {
    pub message_id: Uuid,
    pub role: Role,
    pub content: String,
    pub timestamp: DateTime<Utc>,
}

/// What the user asks for when starting a session, validated by [`SessionSetup::validate`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SessionSetup {
    pub preparation_type: Option<PreparationType>,
    pub meeting_subtype: Option<String>,
    pub agenda: Option<String>,
    pub tone: Option<String>,
    pub role_context: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EvaluationSummary {
    pub overall_score: f64,
}

/// A practice session as the contract shapes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Session {
    pub session_id: Uuid,
    pub user_id: Uuid,
    pub preparation_type: PreparationType,
    #[schema(required = true)]
    pub meeting_subtype: Option<String>,
    #[schema(required = true)]
    pub agenda: Option<String>,
    #[schema(required = true)]
    pub tone: Option<String>,
    #[schema(required = true)]
    pub role_context: Option<String>,
    pub status: SessionStatus,
    /// Absent in list answers, which leave the transcript out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcript: Option<Vec<ChatMessage>>,
    pub turn_count: usize,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[schema(required = true)]
    pub completed_at: Option<DateTime<Utc>>,
    #[schema(required = true)]
    pub evaluation_summary: Option<EvaluationSummary>,
}

impl Session {
    pub fn messages(&self) -> &[ChatMessage] {
        self.transcript.as_deref().unwrap_or_default()
    }
}

/// One page of sessions, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SessionPage {
    pub sessions: Vec<Session>,
    pub total: usize,
    pub page: usize,
    pub page_size: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct User {
    pub user_id: Uuid,
    #[schema(required = true)]
    pub email: Option<String>,
    #[schema(required = true)]
    pub full_name: Option<String>,
    pub is_activated: bool,
    pub created_at: DateTime<Utc>,
}

/// The answer to sending a message: both sides of the turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TurnReply {
    pub user_message: ChatMessage,
    pub ai_message: ChatMessage,
    pub turn_number: usize,
}

/// What an LLM reply cost: stored beside the AI message (`session show`, `prapp usage`). The
/// built-in coach has none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageUsage {
    pub model: String,
    pub prompt_tokens: Option<u32>,
    pub completion_tokens: Option<u32>,
    pub latency_ms: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Dimension, Priority};

    /// `as_str` is what the contract's JSON says (serde's snake_case), and parses back.
    #[test]
    fn wire_names_are_the_serde_names() {
        fn check<T: Serialize + Copy + std::fmt::Display>(all: &[T], name: fn(T) -> &'static str) {
            for v in all {
                assert_eq!(serde_json::to_value(v).unwrap(), name(*v));
                assert_eq!(v.to_string(), name(*v));
            }
        }
        check(&PreparationType::ALL, PreparationType::as_str);
        check(&SessionStatus::ALL, SessionStatus::as_str);
        check(&Role::ALL, Role::as_str);
        check(&Dimension::ALL, Dimension::as_str);
        check(&Priority::ALL, Priority::as_str);
        for t in PreparationType::ALL {
            assert_eq!(t.as_str().parse::<PreparationType>(), Ok(t));
        }
        for s in SessionStatus::ALL {
            assert_eq!(s.as_str().parse::<SessionStatus>(), Ok(s));
        }
        assert_eq!("in-progress".parse(), Ok(SessionStatus::InProgress));
        assert_eq!("user".parse(), Ok(Role::User));
        assert!("karaoke".parse::<PreparationType>().is_err());
    }
}
