//! The only place with SQL. Opens (and creates, 0700/0600) the SQLite file, applies the embedded
//! migrations, and holds one repository file per aggregate: its trait and the SQLite impl of it
//! ([`Repository`] gathers them). Knows `domain`, nothing above it.
//!
//! Every query is scoped by `user_id`: the same store serves one local user on a laptop and many
//! users behind `prapp serve`.

mod analytics;
mod attempts;
mod drafts;
mod embeddings;
mod evaluations;
mod sessions;
mod sync;
mod sync_state;
mod usage;
mod users;

pub use analytics::{AnalyticsFilter, AnalyticsRepo, DrillRow, ScorePoint};
pub use attempts::AttemptRepo;
pub use drafts::DraftRepo;
pub use embeddings::EmbeddingCache;
pub use evaluations::EvaluationRepo;
pub use sessions::{IdHint, ListFilter, SessionRepo, SessionRow};
pub use sync::SyncRepo;
pub use sync_state::{Applied, Received, RemoteState, SyncStateRepo};
pub use usage::{UsageRepo, UsageRow};
pub use users::{Credentials, TokenRecord, UserRepo};

/// Everything the use cases persist, one trait per aggregate. [`Store`] (SQLite) implements it;
/// another database would implement the same traits, so no use case assumes SQLite and no SQL
/// leaves this module. Use cases hold a `&dyn Repository`.
pub trait Repository:
    AttemptRepo
    + SessionRepo
    + EvaluationRepo
    + DraftRepo
    + UserRepo
    + UsageRepo
    + SyncRepo
    + SyncStateRepo
    + AnalyticsRepo
{
    /// Checks that the database answers (`/healthz`, `prapp doctor`).
    fn ping(&self) -> Result<()>;
}

impl Repository for Store {
    fn ping(&self) -> Result<()> {
        Store::ping(self)
    }
}

/// The repository traits, to `use prapp::store::prelude::*` where their methods are called.
pub mod prelude {
    pub use super::{
        AnalyticsRepo, AttemptRepo, DraftRepo, EvaluationRepo, Repository, SessionRepo, SyncRepo,
        SyncStateRepo, UsageRepo, UserRepo,
    };
}

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension};

use crate::error::{Error, Result};

/// `PRAGMA application_id` of a prapp database ("PRAP"), so a stranger's SQLite file is refused.
pub const APPLICATION_ID: i32 = 0x5052_4150;

/// The schema steps, applied in order; the index + 1 is the `user_version` after the step.
const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_init", include_str!("../../migrations/0001_init.sql")),
    (
        "0002_analytics",
        include_str!("../../migrations/0002_analytics.sql"),
    ),
    (
        "0003_drafts",
        include_str!("../../migrations/0003_drafts.sql"),
    ),
    (
        "0004_usage",
        include_str!("../../migrations/0004_usage.sql"),
    ),
    (
        "0005_accounts",
        include_str!("../../migrations/0005_accounts.sql"),
    ),
    (
        "0006_sync_client",
        include_str!("../../migrations/0006_sync_client.sql"),
    ),
    (
        "0007_sync_history",
        include_str!("../../migrations/0007_sync_history.sql"),
    ),
    (
        "0008_embeddings",
        include_str!("../../migrations/0008_embeddings.sql"),
    ),
    (
        "0009_attempts",
        include_str!("../../migrations/0009_attempts.sql"),
    ),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub const DB_FILE: &str = "prapp.db";

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens `data_dir/prapp.db`, creating the directory (0700) and file (0600) on first use.
    pub fn open(data_dir: &Path) -> Result<Store> {
        create_private_dir(data_dir)?;
        let path = data_dir.join(DB_FILE);
        create_private_file(&path)?;
        Self::open_file(&path)
    }

    /// Opens an existing database file (or a fresh empty one) and brings its schema up to date.
    /// A file that is not a prapp database, or is from a newer prapp, is refused and left as it is.
    pub fn open_file(path: &Path) -> Result<Store> {
        let db_err = |message: String| Error::Database {
            path: path.to_path_buf(),
            message,
        };
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| {
            db_err(format!(
                "cannot open: {e} — check the path and its permissions"
            ))
        })?;
        conn.busy_timeout(Duration::from_secs(10))?;

        let (app_id, version) = read_header(&conn).map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase => {
                db_err("is not a SQLite database — refusing to touch it; move it away or use another --data-dir".into())
            }
            other => db_err(format!("cannot read: {other}")),
        })?;
        check_header(&conn, app_id, version).map_err(db_err)?;

        // WAL lets readers and one writer work at once; two prapp processes can both write
        // thanks to the busy timeout above and IMMEDIATE write transactions.
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| writable_err(path, e))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // Analytics scans indexes of 100,000 evaluations: reading them through a memory map
        // instead of copying page by page makes a cold scan about a third faster.
        conn.pragma_update(None, "mmap_size", 256 * 1024 * 1024)?;

        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        if version < SCHEMA_VERSION {
            store.migrate().map_err(|e| writable_err(path, e))?;
        }
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn migrate(&mut self) -> rusqlite::Result<()> {
        // The common case, up to date: no write lock at all.
        let current: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?;
        if current >= SCHEMA_VERSION {
            return Ok(());
        }
        for (i, (name, sql)) in MIGRATIONS.iter().enumerate() {
            let target = i as i64 + 1;
            let tx = self
                .conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            // Another process may have migrated while we waited for the lock.
            let current: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
            if current >= target {
                continue;
            }
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", target)?;
            tx.pragma_update(None, "application_id", APPLICATION_ID)?;
            tx.commit()?;
            tracing::info!(migration = name, path = %self.path.display(), "schema step applied");
        }
        Ok(())
    }

    /// A write transaction that takes the write lock up front, so two processes never deadlock
    /// upgrading a read lock.
    pub(crate) fn write_tx(&self) -> rusqlite::Result<rusqlite::Transaction<'_>> {
        rusqlite::Transaction::new_unchecked(&self.conn, rusqlite::TransactionBehavior::Immediate)
    }

    /// Whether the database answers (health checks): a read of a real table, so a file that is
    /// gone or unreadable fails where `SELECT 1` would not even look at it.
    pub fn ping(&self) -> Result<()> {
        self.conn
            .query_row("SELECT seq FROM sync_clock WHERE id = 1", [], |r| {
                r.get::<_, i64>(0)
            })?;
        Ok(())
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}

fn read_header(conn: &Connection) -> rusqlite::Result<(i32, i64)> {
    let app_id: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    Ok((app_id, version))
}

fn check_header(conn: &Connection, app_id: i32, version: i64) -> std::result::Result<(), String> {
    if app_id != APPLICATION_ID {
        let has_tables: Option<i64> = conn
            .query_row("SELECT 1 FROM sqlite_schema LIMIT 1", [], |r| r.get(0))
            .optional()
            .map_err(|e| format!("cannot read: {e}"))?;
        if app_id != 0 || version != 0 || has_tables.is_some() {
            return Err(
                "is not a prapp database — refusing to touch it; move it away or use another --data-dir"
                    .into(),
            );
        }
    }
    if version > SCHEMA_VERSION {
        return Err(format!(
            "was written by a newer prapp (schema v{version}, this build knows v{SCHEMA_VERSION}) — upgrade prapp; the file was left untouched"
        ));
    }
    Ok(())
}

fn writable_err(path: &Path, e: rusqlite::Error) -> Error {
    Error::Database {
        path: path.to_path_buf(),
        message: format!(
            "cannot write: {e} — check that the data dir is writable or choose another with --data-dir"
        ),
    }
}

pub(crate) fn create_private_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| {
        Error::io(
            format!(
                "cannot create data dir {} — choose a writable one with --data-dir or PRAPP_HOME",
                dir.display()
            ),
            e,
        )
    })
}

fn create_private_file(path: &Path) -> Result<()> {
    if path.exists() {
        return Ok(());
    }
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    match opts.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(Error::io(
            format!(
                "cannot create {} — the data dir must be writable (choose another with --data-dir or PRAPP_HOME)",
                path.display()
            ),
            e,
        )),
    }
}

/// Timestamps are stored as fixed-width RFC 3339 text so they sort as text.
pub(crate) fn ts(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

pub(crate) fn parse_ts(s: &str) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
        })
}

pub(crate) fn parse_col<T: std::str::FromStr>(s: &str) -> rusqlite::Result<T>
where
    T::Err: std::error::Error + Send + Sync + 'static,
{
    s.parse().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}
