//! Users: the local user of this machine (created on first run) and, for `prapp serve`, accounts.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};
use uuid::Uuid;

use super::{Store, parse_col, parse_ts, ts};
use crate::domain::{self, AccountSummary, Preferences, Profile, User};
use crate::error::{Error, Result};

const USER_COLS: &str = "user_id, email, full_name, is_activated, created_at";

fn user_from_row(r: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        user_id: parse_col(&r.get::<_, String>(0)?)?,
        email: r.get(1)?,
        full_name: r.get(2)?,
        is_activated: r.get(3)?,
        created_at: parse_ts(&r.get::<_, String>(4)?)?,
    })
}

/// A user with the password hash to check a login against.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub user: User,
    pub password_hash: String,
}

/// An access token the server issued, by its `jti`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    pub jti: Uuid,
    pub user_id: Uuid,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// The local user, accounts, profiles and access tokens.
pub trait UserRepo {
    /// The user this machine practises as; created on first use.
    fn local_user(&self) -> Result<User>;

    /// A new account for `prapp serve`. `email` is already normalised; a taken one is a conflict.
    fn create_account(
        &self,
        email: &str,
        full_name: Option<&str>,
        password_hash: &str,
    ) -> Result<User>;

    /// The account with this (normalised) email and its password hash.
    fn credentials_by_email(&self, email: &str) -> Result<Option<Credentials>>;

    fn credentials_by_id(&self, user_id: Uuid) -> Result<Option<Credentials>>;

    fn user(&self, user_id: Uuid) -> Result<Option<User>>;

    fn set_password_hash(&self, user_id: Uuid, hash: &str) -> Result<()>;

    fn profile(&self, user_id: Uuid) -> Result<Profile>;

    fn save_profile(&self, user_id: Uuid, p: &Profile) -> Result<()>;

    /// How many sessions (archived ones included), completed sessions and evaluations a user has.
    fn account_summary(&self, user: User) -> Result<AccountSummary>;

    fn insert_token(&self, t: &TokenRecord) -> Result<()>;

    /// The user of a token that was issued to them, is not revoked and has not expired at `now`.
    fn token_user(&self, jti: Uuid, user_id: Uuid, now: DateTime<Utc>) -> Result<Option<User>>;

    fn revoke_token(&self, jti: Uuid) -> Result<()>;

    /// Revokes every token of the user but `keep` (the one that changed the password).
    fn revoke_other_tokens(&self, user_id: Uuid, keep: Uuid) -> Result<usize>;

    /// Forgets tokens that expired before `before`: they can no longer be used anyway.
    fn purge_expired_tokens(&self, before: DateTime<Utc>) -> Result<usize>;
}

impl UserRepo for Store {
    fn local_user(&self) -> Result<User> {
        if let Some(u) = self.find_local_user()? {
            return Ok(u);
        }
        self.conn().execute(
            "INSERT OR IGNORE INTO users (user_id, is_local, is_activated, created_at) VALUES (?1, 1, 0, ?2)",
            params![Uuid::now_v7().to_string(), ts(&domain::now())],
        )?;
        // Another process may have won the race: read back whichever row exists.
        Ok(self
            .find_local_user()?
            .expect("local user row was just inserted"))
    }

    fn create_account(
        &self,
        email: &str,
        full_name: Option<&str>,
        password_hash: &str,
    ) -> Result<User> {
        let user = User {
            user_id: Uuid::now_v7(),
            email: Some(email.to_string()),
            full_name: full_name.map(str::to_string),
            is_activated: false,
            created_at: domain::now(),
        };
        let inserted = self.conn().execute(
            "INSERT INTO users (user_id, email, full_name, password_hash, is_activated, is_local, created_at)
             VALUES (?1, ?2, ?3, ?4, 0, 0, ?5)",
            params![
                user.user_id.to_string(),
                email,
                user.full_name,
                password_hash,
                ts(&user.created_at)
            ],
        );
        match inserted {
            Ok(_) => Ok(user),
            Err(rusqlite::Error::SqliteFailure(f, _))
                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                Err(Error::Conflict(
                    "an account with this email already exists — log in instead".into(),
                ))
            }
            Err(e) => Err(e.into()),
        }
    }

    fn credentials_by_email(&self, email: &str) -> Result<Option<Credentials>> {
        self.credentials("email = ?1", email)
    }

    fn credentials_by_id(&self, user_id: Uuid) -> Result<Option<Credentials>> {
        self.credentials("user_id = ?1", &user_id.to_string())
    }

    fn user(&self, user_id: Uuid) -> Result<Option<User>> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {USER_COLS} FROM users WHERE user_id = ?1"),
                [user_id.to_string()],
                user_from_row,
            )
            .optional()?)
    }

    fn set_password_hash(&self, user_id: Uuid, hash: &str) -> Result<()> {
        self.conn().execute(
            "UPDATE users SET password_hash = ?1 WHERE user_id = ?2",
            params![hash, user_id.to_string()],
        )?;
        Ok(())
    }

    fn profile(&self, user_id: Uuid) -> Result<Profile> {
        self.conn()
            .query_row(
                "SELECT full_name, target_role, experience_level, industry, bio,
                    default_preparation_type, default_tone
                 FROM users WHERE user_id = ?1",
                [user_id.to_string()],
                |r| {
                    let t: Option<String> = r.get(5)?;
                    Ok(Profile {
                        full_name: r.get(0)?,
                        target_role: r.get(1)?,
                        experience_level: r.get(2)?,
                        industry: r.get(3)?,
                        bio: r.get(4)?,
                        preferences: Preferences {
                            default_preparation_type: t.as_deref().map(parse_col).transpose()?,
                            default_tone: r.get(6)?,
                        },
                    })
                },
            )
            .optional()?
            .ok_or_else(|| Error::NotFound("no such user".into()))
    }

    fn save_profile(&self, user_id: Uuid, p: &Profile) -> Result<()> {
        self.conn().execute(
            "UPDATE users SET full_name = ?1, target_role = ?2, experience_level = ?3,
                industry = ?4, bio = ?5, default_preparation_type = ?6, default_tone = ?7
             WHERE user_id = ?8",
            params![
                p.full_name,
                p.target_role,
                p.experience_level,
                p.industry,
                p.bio,
                p.preferences.default_preparation_type.map(|t| t.as_str()),
                p.preferences.default_tone,
                user_id.to_string(),
            ],
        )?;
        Ok(())
    }

    fn account_summary(&self, user: User) -> Result<AccountSummary> {
        let id = user.user_id.to_string();
        let (sessions, completed): (i64, i64) = self.conn().query_row(
            "SELECT COALESCE(SUM(n), 0), COALESCE(SUM(CASE WHEN status = 'completed' THEN n END), 0)
             FROM session_counts WHERE user_id = ?1",
            [&id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let evaluations: i64 = self.conn().query_row(
            "SELECT COUNT(*) FROM evaluations WHERE user_id = ?1",
            [&id],
            |r| r.get(0),
        )?;
        Ok(AccountSummary {
            user,
            session_count: sessions as usize,
            completed_session_count: completed as usize,
            evaluation_count: evaluations as usize,
        })
    }

    fn insert_token(&self, t: &TokenRecord) -> Result<()> {
        self.conn().execute(
            "INSERT INTO auth_tokens (jti, user_id, issued_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
            params![
                t.jti.to_string(),
                t.user_id.to_string(),
                ts(&t.issued_at),
                ts(&t.expires_at)
            ],
        )?;
        Ok(())
    }

    fn token_user(&self, jti: Uuid, user_id: Uuid, now: DateTime<Utc>) -> Result<Option<User>> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT u.user_id, u.email, u.full_name, u.is_activated, u.created_at
                 FROM auth_tokens t JOIN users u ON u.user_id = t.user_id
                 WHERE t.jti = ?1 AND t.user_id = ?2 AND t.revoked_at IS NULL AND t.expires_at > ?3",
            )?
            .query_row(
                params![jti.to_string(), user_id.to_string(), ts(&now)],
                user_from_row,
            )
            .optional()?)
    }

    fn revoke_token(&self, jti: Uuid) -> Result<()> {
        self.conn().execute(
            "UPDATE auth_tokens SET revoked_at = ?1 WHERE jti = ?2 AND revoked_at IS NULL",
            params![ts(&domain::now()), jti.to_string()],
        )?;
        Ok(())
    }

    fn revoke_other_tokens(&self, user_id: Uuid, keep: Uuid) -> Result<usize> {
        Ok(self.conn().execute(
            "UPDATE auth_tokens SET revoked_at = ?1
             WHERE user_id = ?2 AND jti != ?3 AND revoked_at IS NULL",
            params![ts(&domain::now()), user_id.to_string(), keep.to_string()],
        )?)
    }

    fn purge_expired_tokens(&self, before: DateTime<Utc>) -> Result<usize> {
        Ok(self.conn().execute(
            "DELETE FROM auth_tokens WHERE expires_at < ?1",
            [ts(&before)],
        )?)
    }
}

impl Store {
    fn find_local_user(&self) -> Result<Option<User>> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {USER_COLS} FROM users WHERE is_local = 1"),
                [],
                user_from_row,
            )
            .optional()?)
    }

    fn credentials(&self, cond: &str, arg: &str) -> Result<Option<Credentials>> {
        Ok(self
            .conn()
            .query_row(
                &format!(
                    "SELECT {USER_COLS}, password_hash FROM users
                     WHERE {cond} AND password_hash IS NOT NULL"
                ),
                [arg],
                |r| {
                    Ok(Credentials {
                        user: user_from_row(r)?,
                        password_hash: r.get(5)?,
                    })
                },
            )
            .optional()?)
    }
}
