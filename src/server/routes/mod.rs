//! The contract's endpoints, one file per resource group.

pub mod analytics;
pub mod auth;
pub mod sessions;
pub mod sync;
pub mod users;
