//! The library's typed errors and the exit code each one maps to.
//!
//! Every message reads as one line: what went wrong, then what to do about it.

use std::path::PathBuf;

use crate::domain::{RuleError, UnknownValue};

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Exit codes, documented in README and `--help`.
pub mod exit {
    pub const OK: i32 = 0;
    /// Something failed that was not the user's input (I/O, database, some files of a batch).
    pub const FAILURE: i32 = 1;
    /// Bad usage or input, or an operation the rules refuse.
    pub const USAGE: i32 = 2;
    /// The session (or evaluation) asked for does not exist.
    pub const NOT_FOUND: i32 = 3;
    /// The model provider (or the sync server) could not be reached or failed.
    pub const PROVIDER: i32 = 4;
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Rule(#[from] RuleError),
    #[error(transparent)]
    Unknown(#[from] UnknownValue),
    #[error("no session '{0}' — `prapp session list` shows your sessions")]
    NoSession(String),
    #[error("ambiguous prefix '{prefix}', matches: {matches} — type more of the id")]
    Ambiguous { prefix: String, matches: String },
    #[error("{0}")]
    Input(String),
    #[error("{0}")]
    NotFound(String),
    /// The request clashes with what is stored (an email that is taken, a concurrent change).
    #[error("{0}")]
    Conflict(String),
    #[error("{path}: {message}")]
    Database { path: PathBuf, message: String },
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error(
        "coach failed: {0} — your message is saved; run `prapp chat <id> --retry` to ask again"
    )]
    Coach(String),
    /// The coach could not open a new session (nothing was stored).
    #[error("the coach could not start the session: {0}")]
    CoachSetup(String),
    /// The sync server could not be reached, failed, or is not a prapp server we can talk to.
    #[error("{0}")]
    Server(String),
    /// The sync server refused the credentials or the token: the user must log in (again).
    #[error("{0}")]
    Auth(String),
}

impl Error {
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Rule(_)
            | Error::Unknown(_)
            | Error::Input(_)
            | Error::Ambiguous { .. }
            | Error::Conflict(_)
            | Error::Auth(_) => exit::USAGE,
            Error::NoSession(_) | Error::NotFound(_) => exit::NOT_FOUND,
            Error::Coach(_) | Error::CoachSetup(_) | Error::Server(_) => exit::PROVIDER,
            Error::Database { .. } | Error::Io { .. } | Error::Sqlite(_) => exit::FAILURE,
        }
    }
}
