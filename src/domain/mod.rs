//! The contract's types and the rules that hold whatever face drives them.
//!
//! Plain data and pure functions only: no I/O, no SQL, no terminal. Field names follow
//! `../shared/CONTRACT.md` exactly so the CLI's `--json` and the server speak the same shapes.

/// A closed set of values with one wire name each (the contract's snake_case): the enum with its
/// derives, `ALL` in declaration order, `as_str` and `Display`. Parsing stays with each type, as
/// each accepts its own spellings.
macro_rules! named_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            Hash,
            PartialOrd,
            Ord,
            serde::Serialize,
            serde::Deserialize,
            utoipa::ToSchema,
        )]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            pub const ALL: [$name; [$($text),+].len()] = [$(Self::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text),+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

mod account;
mod evaluation;
pub mod merge;
mod session;
mod types;

pub use account::*;
pub use evaluation::*;
pub use session::*;
pub use types::*;

use chrono::{DateTime, SubsecRound, Utc};

/// The clock everything in prapp stamps with: UTC, microsecond precision, so timestamps written to
/// the store and read back compare equal.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Errors of the rules themselves: every face maps these to its own shape (a stderr line, a status
/// bar message, a JSON `detail`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("{field} is empty — write something to send")]
    Empty { field: &'static str },
    #[error("{field} is too long: {len} characters, the limit is {max} — shorten it")]
    TooLong {
        field: &'static str,
        len: usize,
        max: usize,
    },
    #[error("the session is {status}, so it takes no new messages{hint}")]
    NotInProgress { status: SessionStatus, hint: String },
    #[error(
        "the session needs at least {min} turns to be completed, has {has} — answer {left} more question{plural}"
    )]
    TooFewTurns {
        min: usize,
        has: usize,
        left: usize,
        plural: &'static str,
    },
    #[error(
        "the session is {status}, not completed — complete it first with `prapp session complete <id>`"
    )]
    NotCompleted { status: SessionStatus },
    #[error("{field} {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("cannot move a session from {from} to {to}{hint}")]
    Transition {
        from: SessionStatus,
        to: SessionStatus,
        hint: &'static str,
    },
}
