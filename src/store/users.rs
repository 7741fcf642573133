//! Users: the local user of this machine (created on first run) and, for `prapp serve`, accounts.

use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use super::{Store, parse_col, parse_ts, ts};
use crate::domain::{self, User};
use crate::error::Result;

impl Store {
    /// The user this machine practises as; created on first use.
    pub fn local_user(&self) -> Result<User> {
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

    fn find_local_user(&self) -> Result<Option<User>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT user_id, email, full_name, is_activated, created_at FROM users WHERE is_local = 1",
                [],
                |r| {
                    Ok(User {
                        user_id: parse_col(&r.get::<_, String>(0)?)?,
                        email: r.get(1)?,
                        full_name: r.get(2)?,
                        is_activated: r.get(3)?,
                        created_at: parse_ts(&r.get::<_, String>(4)?)?,
                    })
                },
            )
            .optional()?)
    }
}
