//! What every handler shares: a small pool of `Store`s (one SQLite connection each) used only
//! from blocking threads, the coach and the judge, the token keys, password hashing and the login
//! limiter.
//!
//! SQLite and argon2 are blocking work: handlers never touch them on the async runtime, only
//! through [`AppState::run`] and [`AppState::hash`], which go through `spawn_blocking` behind
//! semaphores so a burst of requests neither opens a connection per request nor hashes
//! passwords on every core at once.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Semaphore;

use super::auth::{LoginLimit, LoginLimiter, PasswordHashing, TokenKeys};
use super::error::ApiError;
use crate::coach::Coach;
use crate::domain::User;
use crate::eval::Evaluator;
use crate::practice::Practice;
use crate::store::Store;
use crate::store::prelude::*;

/// How the server is set up; `prapp serve` fills it from flags and the environment, tests by hand.
pub struct ServerConfig {
    pub data_dir: PathBuf,
    /// The HS256 signing secret (at least 32 bytes).
    pub jwt_secret: Vec<u8>,
    pub token_ttl: Duration,
    pub hashing: PasswordHashing,
    pub login_limit: LoginLimit,
    /// Origins allowed by CORS; none means no CORS headers at all.
    pub cors_origins: Vec<String>,
    /// How many connections to the database at most (and blocking jobs using them at once).
    pub connections: usize,
}

impl ServerConfig {
    /// Production defaults for `data_dir`: OWASP hashing, 24 h tokens, 5 failed logins per 15 min.
    pub fn new(data_dir: PathBuf, jwt_secret: Vec<u8>) -> Self {
        ServerConfig {
            data_dir,
            jwt_secret,
            token_ttl: Duration::from_secs(24 * 3600),
            hashing: PasswordHashing::owasp(),
            login_limit: LoginLimit::default(),
            cors_origins: Vec::new(),
            connections: 8,
        }
    }
}

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    data_dir: PathBuf,
    idle: Mutex<Vec<Store>>,
    db_slots: Semaphore,
    hash_slots: Semaphore,
    coach: Arc<dyn Coach>,
    judge: Arc<dyn Evaluator>,
    tokens: TokenKeys,
    hashing: PasswordHashing,
    limiter: LoginLimiter,
    /// A hash of nothing in particular, verified against when the email is unknown so that a
    /// login takes as long whether or not the account exists.
    dummy_hash: String,
    cors_origins: Vec<String>,
}

impl AppState {
    /// Opens (and migrates) the database once, so a bad data dir fails at start, not on the first
    /// request.
    pub fn new(
        config: ServerConfig,
        coach: Arc<dyn Coach>,
        judge: Arc<dyn Evaluator>,
    ) -> crate::Result<AppState> {
        let store = Store::open(&config.data_dir)?;
        // Expired tokens can never be used again: forget them, so the table stays small.
        store.purge_expired_tokens(crate::domain::now())?;
        let dummy_hash = config
            .hashing
            .hash("prapp dummy password for unknown emails")
            .map_err(|e| crate::Error::Input(format!("cannot hash: {:?}", e.detail)))?;
        let connections = config.connections.max(1);
        Ok(AppState(Arc::new(Inner {
            data_dir: config.data_dir,
            idle: Mutex::new(vec![store]),
            db_slots: Semaphore::new(connections),
            // Each argon2 hash takes 19 MiB and one core for ~30 ms: at most one per core.
            hash_slots: Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())),
            coach,
            judge,
            tokens: TokenKeys::new(&config.jwt_secret, config.token_ttl),
            hashing: config.hashing,
            limiter: LoginLimiter::new(config.login_limit),
            dummy_hash,
            cors_origins: config.cors_origins,
        })))
    }

    pub fn tokens(&self) -> &TokenKeys {
        &self.0.tokens
    }

    pub fn limiter(&self) -> &LoginLimiter {
        &self.0.limiter
    }

    pub fn cors_origins(&self) -> &[String] {
        &self.0.cors_origins
    }

    pub fn coach(&self) -> Arc<dyn Coach> {
        self.0.coach.clone()
    }

    /// Runs `f` with a store on a blocking thread. At most `connections` run at once; a store is
    /// taken from the idle list, or opened when none is idle, and put back afterwards.
    pub async fn run<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> Result<T, ApiError> + Send + 'static,
    {
        let _slot = self
            .0
            .db_slots
            .acquire()
            .await
            .map_err(ApiError::internal)?;
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let store = state.checkout()?;
            let out = f(&store);
            state.checkin(store);
            out
        })
        .await
        .map_err(ApiError::internal)?
    }

    /// Runs a use case for `user` on a blocking thread.
    pub async fn practice<T, F>(&self, user: User, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Practice<'_>) -> crate::Result<T> + Send + 'static,
    {
        let coach = self.coach();
        let judge = self.0.judge.clone();
        self.run(move |store| {
            let practice = Practice::for_user(store, &*coach, user).with_judge(&*judge);
            f(&practice).map_err(ApiError::from)
        })
        .await
    }

    fn checkout(&self) -> Result<Store, ApiError> {
        let idle = self.0.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        match idle {
            Some(s) => Ok(s),
            None => Store::open(&self.0.data_dir).map_err(ApiError::internal),
        }
    }

    fn checkin(&self, store: Store) {
        self.0
            .idle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(store);
    }

    /// Hashes a password on a blocking thread.
    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        let _slot = self
            .0
            .hash_slots
            .acquire()
            .await
            .map_err(ApiError::internal)?;
        let state = self.clone();
        tokio::task::spawn_blocking(move || state.0.hashing.hash(&password))
            .await
            .map_err(ApiError::internal)?
    }

    /// Checks a password on a blocking thread; `None` checks against the dummy hash (and fails).
    pub async fn verify(&self, password: String, hash: Option<String>) -> Result<bool, ApiError> {
        let _slot = self
            .0
            .hash_slots
            .acquire()
            .await
            .map_err(ApiError::internal)?;
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let known = hash.is_some();
            let hash = hash.unwrap_or_else(|| state.0.dummy_hash.clone());
            state.0.hashing.verify(&password, &hash) && known
        })
        .await
        .map_err(ApiError::internal)
    }
}
