//! Who speaks for the AI. [`Coach`] is the seam: the built-in offline coach ([`builtin`]) is the
//! default; LLM coaches plug in behind the same trait. Coaches know `domain`, never the store.

pub mod bank;
pub mod builtin;
pub mod llm;

use crate::domain::{MessageUsage, Session};
pub use crate::llm::Cancel;

/// A coach's whole message, and what it cost when a model wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub text: String,
    pub usage: Option<MessageUsage>,
}

/// Receives a reply as it is produced, piece by piece. Returning `false` cancels the reply.
pub type Sink<'a> = &'a mut dyn FnMut(&str) -> bool;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoachError {
    #[error("cancelled")]
    Cancelled,
    #[error("{0}")]
    Failed(String),
}

pub trait Coach: Send + Sync {
    /// How the coach is named in status bars and `session show`: "built-in" or "provider/model".
    fn name(&self) -> String;

    /// The coach's next message for `session`: the opening when the transcript is empty,
    /// otherwise a reply to the user's latest answer. Streams through `sink` and returns the whole
    /// text. `cancel` (or the sink returning false) abandons the reply at once.
    fn respond(
        &self,
        session: &Session,
        sink: Sink<'_>,
        cancel: &Cancel,
    ) -> Result<Reply, CoachError>;
}
