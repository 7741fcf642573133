//! Who judges a session. [`Evaluator`] is the seam: the deterministic [`heuristic`] evaluator is
//! the default and the fallback; an LLM judge plugs in behind the same trait. Knows `domain` only.

pub mod heuristic;
pub mod llm;

use crate::domain::{Assessment, ChatMessage, PreparationType, Session};

/// What an evaluator looks at: the setup and the transcript.
#[derive(Debug, Clone, Copy)]
pub struct EvalInput<'a> {
    pub preparation_type: PreparationType,
    pub meeting_subtype: Option<&'a str>,
    pub agenda: Option<&'a str>,
    pub tone: Option<&'a str>,
    pub role_context: Option<&'a str>,
    pub transcript: &'a [ChatMessage],
}

impl<'a> EvalInput<'a> {
    pub fn of(session: &'a Session) -> Self {
        EvalInput {
            preparation_type: session.preparation_type,
            meeting_subtype: session.meeting_subtype.as_deref(),
            agenda: session.agenda.as_deref(),
            tone: session.tone.as_deref(),
            role_context: session.role_context.as_deref(),
            transcript: session.messages(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    #[error("the transcript has no answers of yours to evaluate")]
    NoUserTurns,
    #[error("{0}")]
    Failed(String),
}

pub trait Evaluator: Send + Sync {
    fn evaluate(&self, input: &EvalInput<'_>) -> Result<Assessment, EvalError>;
}
