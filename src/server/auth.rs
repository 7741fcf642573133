//! Authentication: argon2id password hashes, HS256 access tokens (`sub`, `exp`, `iat`, `jti`)
//! recorded in the store so they can be revoked, the `AuthUser` extractor, and the in-memory
//! limiter on failed logins. Passwords and tokens never reach a log line.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use jsonwebtoken::{DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::error::ApiError;
use super::state::AppState;
use crate::domain::{self, User};
use crate::practice::account::Accounts;
use crate::store::TokenRecord;

/// How passwords are hashed. Production uses argon2id with the OWASP parameters (19 MiB, 2
/// passes); tests may choose cheap ones, which only a caller of the library can do.
#[derive(Debug, Clone)]
pub struct PasswordHashing {
    params: Params,
}

impl PasswordHashing {
    /// Argon2id, m = 19456 KiB, t = 2, p = 1: OWASP's recommendation and the crate's default.
    pub fn owasp() -> Self {
        PasswordHashing {
            params: Params::default(),
        }
    }

    /// Fast and weak, for tests only: 8 KiB, one pass.
    pub fn cheap_for_tests() -> Self {
        PasswordHashing {
            params: Params::new(8, 1, 1, None).unwrap_or_default(),
        }
    }

    fn argon(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    /// A PHC string (`$argon2id$v=19$m=…`) with a fresh random salt.
    pub fn hash(&self, password: &str) -> Result<String, ApiError> {
        self.argon()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(ApiError::internal)
    }

    /// Whether `password` matches `hash`; the hash's own parameters are used.
    pub fn verify(&self, password: &str, hash: &str) -> bool {
        PasswordHash::new(hash)
            .map(|parsed| {
                self.argon()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    }
}

/// The JWT claims prapp issues.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub exp: i64,
    pub iat: i64,
    pub jti: String,
}

/// Signs and checks access tokens with one HS256 secret.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    pub ttl: Duration,
}

impl TokenKeys {
    pub fn new(secret: &[u8], ttl: Duration) -> Self {
        let mut validation = Validation::new(jsonwebtoken::Algorithm::HS256);
        // Clocks of one server agree with themselves: no grace after expiry.
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub", "iat"]);
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl,
        }
    }

    /// A new token for `user_id`, and the record to store so it can be revoked.
    pub fn issue(&self, user_id: Uuid) -> Result<(String, TokenRecord), ApiError> {
        let issued_at = domain::now();
        let expires_at = issued_at
            + chrono::Duration::from_std(self.ttl).unwrap_or_else(|_| chrono::Duration::hours(24));
        let record = TokenRecord {
            jti: Uuid::now_v7(),
            user_id,
            issued_at,
            expires_at,
        };
        let token = self.sign(&claims_of(&record))?;
        Ok((token, record))
    }

    pub fn sign(&self, claims: &Claims) -> Result<String, ApiError> {
        encode(&Header::default(), claims, &self.encoding).map_err(ApiError::internal)
    }

    /// The token's user id and jti, if its signature, algorithm and expiry are good.
    pub fn check(&self, token: &str) -> Option<(Uuid, Uuid)> {
        let data = decode::<Claims>(token, &self.decoding, &self.validation).ok()?;
        let sub = Uuid::parse_str(&data.claims.sub).ok()?;
        let jti = Uuid::parse_str(&data.claims.jti).ok()?;
        Some((sub, jti))
    }
}

fn claims_of(r: &TokenRecord) -> Claims {
    Claims {
        sub: r.user_id.to_string(),
        exp: r.expires_at.timestamp(),
        iat: r.issued_at.timestamp(),
        jti: r.jti.to_string(),
    }
}

/// The user a request's bearer token speaks for, and the token's id (for logout).
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub user: User,
    pub jti: Uuid,
}

const INVALID_TOKEN: &str = "could not validate credentials — log in again";

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| ApiError::unauthorized("not authenticated"))?;
        let token = match header.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
            _ => return Err(ApiError::unauthorized("not authenticated")),
        };
        let (user_id, jti) = state
            .tokens()
            .check(token)
            .ok_or_else(|| ApiError::unauthorized(INVALID_TOKEN))?;
        let user = state
            .run(move |store| Ok(Accounts::new(store).token_user(jti, user_id)?))
            .await?
            .ok_or_else(|| ApiError::unauthorized(INVALID_TOKEN))?;
        Ok(AuthUser { user, jti })
    }
}

/// How many failed logins are allowed per email and per client address in a window.
#[derive(Debug, Clone, Copy)]
pub struct LoginLimit {
    pub max_failures: usize,
    pub window: Duration,
}

impl Default for LoginLimit {
    /// 5 failures per 15 minutes.
    fn default() -> Self {
        LoginLimit {
            max_failures: 5,
            window: Duration::from_secs(15 * 60),
        }
    }
}

/// Failed logins per key ("email:…", "addr:…") in memory: a restart forgets them, which is
/// acceptable for one process; several processes would need the store.
pub struct LoginLimiter {
    limit: LoginLimit,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl LoginLimiter {
    pub fn new(limit: LoginLimit) -> Self {
        LoginLimiter {
            limit,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// `Some(seconds to wait)` when any key has used up its failures.
    pub fn check(&self, keys: &[String]) -> Option<u64> {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        keys.iter()
            .filter_map(|k| {
                let q = map.get_mut(k)?;
                while q
                    .front()
                    .is_some_and(|t| now.duration_since(*t) >= self.limit.window)
                {
                    q.pop_front();
                }
                if q.len() >= self.limit.max_failures {
                    let oldest = *q.front()?;
                    let wait = self.limit.window.saturating_sub(now.duration_since(oldest));
                    Some(wait.as_secs().max(1))
                } else {
                    None
                }
            })
            .max()
    }

    /// Counts an attempt against every key before its password is checked, or says how long to
    /// wait when a key has none left — in one step under the lock, so parallel guesses can never
    /// all pass a check made before any of them is counted. A good password then clears its
    /// account's key with [`succeed`](Self::succeed); a wrong one stays counted.
    pub fn reserve(&self, keys: &[String]) -> Result<(), u64> {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let mut wait = None;
        for k in keys {
            let Some(q) = map.get_mut(k) else { continue };
            while q
                .front()
                .is_some_and(|t| now.duration_since(*t) >= self.limit.window)
            {
                q.pop_front();
            }
            if q.len() >= self.limit.max_failures
                && let Some(oldest) = q.front()
            {
                let w = self
                    .limit
                    .window
                    .saturating_sub(now.duration_since(*oldest));
                wait = wait.max(Some(w.as_secs().max(1)));
            }
        }
        if let Some(w) = wait {
            return Err(w);
        }
        if map.len() > 10_000 {
            let window = self.limit.window;
            map.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < window));
        }
        for k in keys {
            map.entry(k.clone()).or_default().push_back(now);
        }
        Ok(())
    }

    /// Gives back the attempt [`reserve`](Self::reserve) counted for `keys`: a good password
    /// costs its address nothing (one client logging in often is not guessing).
    pub fn release(&self, keys: &[String]) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for k in keys {
            if let Some(q) = map.get_mut(k) {
                q.pop_back();
            }
        }
    }

    pub fn fail(&self, keys: &[String]) {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        // Keep memory bounded under a spray of emails: drop keys with nothing recent.
        if map.len() > 10_000 {
            let window = self.limit.window;
            map.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < window));
        }
        for k in keys {
            let q = map.entry(k.clone()).or_default();
            q.push_back(now);
            while q.len() > self.limit.max_failures {
                q.pop_front();
            }
        }
    }

    /// A good login clears the email's failures (not the address's: one address may be spraying).
    pub fn succeed(&self, key: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Vec<String> {
        vec!["email:ada@example.org".into(), "addr:127.0.0.1".into()]
    }

    #[test]
    fn parallel_attempts_are_counted_before_any_password_is_checked() {
        let limiter = std::sync::Arc::new(LoginLimiter::new(LoginLimit {
            max_failures: 5,
            window: Duration::from_secs(60),
        }));
        let passed = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..100 {
                s.spawn(|| {
                    if limiter.reserve(&keys()).is_ok() {
                        passed.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    }
                });
            }
        });
        assert_eq!(passed.into_inner(), 5, "only five passwords may be checked");
        assert!(limiter.reserve(&keys()).is_err());
    }

    #[test]
    fn the_limiter_stops_after_the_allowed_failures_and_forgets_after_the_window() {
        let limiter = LoginLimiter::new(LoginLimit {
            max_failures: 3,
            window: Duration::from_millis(300),
        });
        for _ in 0..3 {
            assert_eq!(limiter.check(&keys()), None);
            limiter.fail(&keys());
        }
        let wait = limiter.check(&keys()).unwrap();
        assert!(wait >= 1, "Retry-After is at least a second: {wait}");
        // Another address for the same email is still stopped; another email from the address too.
        assert!(limiter.check(&["email:ada@example.org".into()]).is_some());
        assert!(limiter.check(&["addr:127.0.0.1".into()]).is_some());
        assert!(limiter.check(&["email:bob@example.org".into()]).is_none());
        std::thread::sleep(Duration::from_millis(350));
        assert_eq!(limiter.check(&keys()), None);
    }

    #[test]
    fn a_success_clears_the_email_but_not_the_address() {
        let limiter = LoginLimiter::new(LoginLimit {
            max_failures: 2,
            window: Duration::from_secs(60),
        });
        limiter.fail(&keys());
        limiter.fail(&keys());
        limiter.succeed("email:ada@example.org");
        assert!(limiter.check(&["email:ada@example.org".into()]).is_none());
        assert!(limiter.check(&["addr:127.0.0.1".into()]).is_some());
    }

    #[test]
    fn hashes_verify_and_tokens_round_trip() {
        let h = PasswordHashing::cheap_for_tests();
        let hash = h.hash("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(h.verify("correct horse", &hash));
        assert!(!h.verify("wrong horse", &hash));
        assert!(!h.verify("correct horse", "not a hash"));
        let owasp = PasswordHashing::owasp();
        assert_eq!(owasp.params.m_cost(), 19 * 1024);
        assert_eq!(owasp.params.t_cost(), 2);

        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef", Duration::from_secs(60));
        let user = Uuid::now_v7();
        let (token, record) = keys.issue(user).unwrap();
        assert_eq!(keys.check(&token), Some((user, record.jti)));
        let other = TokenKeys::new(b"fedcba9876543210fedcba9876543210", Duration::from_secs(60));
        assert_eq!(other.check(&token), None);
    }
}
