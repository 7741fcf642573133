//! prapp: a terminal-first practice coach. Rehearse interviews, meetings, pitches, sales calls and
//! presentations against a coach, get scored feedback, and watch yourself improve.
//!
//! Data flows one way: faces (`cli`) → use cases (`practice`) → engines (`coach`) and `store` →
//! `domain`. Nothing reaches upward.

pub mod analysis;
pub mod analytics;
pub mod cli;
pub mod coach;
pub mod config;
pub mod domain;
pub mod editor;
pub mod engines;
pub mod error;
pub mod eval;
pub mod llm;
pub mod logging;
pub mod practice;
pub mod secrets;
pub mod semantic;
pub mod server;
pub mod store;
pub mod sync;
pub mod text;
pub mod tui;

pub use error::{Error, Result};
