//! Account use cases: the profile and the account summary of the user a `Practice` acts for, and
//! the parts of signing up, logging in and changing a password that touch the store. Hashing and
//! tokens are the server's (`server::auth`); the rules on emails and passwords live in `domain`.

use uuid::Uuid;

use super::Practice;
use crate::domain::{self, AccountSummary, Profile, ProfileUpdate, User};
use crate::error::Result;
use crate::store::{Credentials, Repository, TokenRecord};

impl Practice<'_> {
    pub fn profile(&self) -> Result<Profile> {
        self.store.profile(self.user.user_id)
    }

    /// Applies a partial profile (absent fields stay, empty ones clear) and returns the result.
    pub fn update_profile(&self, update: &ProfileUpdate) -> Result<Profile> {
        let profile = update.apply(self.profile()?)?;
        self.store.save_profile(self.user.user_id, &profile)?;
        Ok(profile)
    }

    /// The user with how many sessions, completed sessions and evaluations they have.
    pub fn account(&self) -> Result<AccountSummary> {
        // Re-read: activation may have happened since this Practice was made.
        let user = self
            .store
            .user(self.user.user_id)?
            .unwrap_or_else(|| self.user.clone());
        self.store.account_summary(user)
    }
}

/// Accounts of `prapp serve`, before there is a user to act for.
pub struct Accounts<'a> {
    store: &'a dyn Repository,
}

impl<'a> Accounts<'a> {
    pub fn new(store: &'a dyn Repository) -> Self {
        Accounts { store }
    }

    /// Creates an account; `email` must already be normalised and the password hashed.
    pub fn sign_up(
        &self,
        email: &str,
        full_name: Option<&str>,
        password_hash: &str,
    ) -> Result<User> {
        let full_name =
            domain::validate_setup_field("full_name", full_name, domain::MAX_PROFILE_LINE_CHARS)?;
        self.store
            .create_account(email, full_name.as_deref(), password_hash)
    }

    pub fn credentials_by_email(&self, email: &str) -> Result<Option<Credentials>> {
        self.store.credentials_by_email(email)
    }

    pub fn credentials_by_id(&self, user_id: Uuid) -> Result<Option<Credentials>> {
        self.store.credentials_by_id(user_id)
    }

    /// Records a new token; expired ones are forgotten on the way, so the table stays small on a
    /// server that runs for months.
    pub fn record_token(&self, token: &TokenRecord) -> Result<()> {
        self.store.purge_expired_tokens(domain::now())?;
        self.store.insert_token(token)
    }

    /// The user a token speaks for, if it is still good.
    pub fn token_user(&self, jti: Uuid, user_id: Uuid) -> Result<Option<User>> {
        self.store.token_user(jti, user_id, domain::now())
    }

    pub fn revoke(&self, jti: Uuid) -> Result<()> {
        self.store.revoke_token(jti)
    }

    /// Stores the new password hash and revokes every other token of the user.
    pub fn change_password(&self, user_id: Uuid, new_hash: &str, keep: Uuid) -> Result<usize> {
        self.store.set_password_hash(user_id, new_hash)?;
        self.store.revoke_other_tokens(user_id, keep)
    }

    /// Whether the database answers (for `/healthz`).
    pub fn ping(&self) -> Result<()> {
        self.store.ping()
    }
}
