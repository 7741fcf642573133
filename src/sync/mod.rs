//! `prapp sync`: the client side of the contract's sync extension. Pushes the sessions this
//! machine changed, then pulls what changed on the server, merging both ways by the domain's rule
//! (`domain::merge`). Local-first: the local store stays the user's truth; every write here is a
//! merge that only adds (messages, a further status, a newer evaluation).
//!
//! Owns the algorithm only: HTTP is `client`, SQL is `store` (`sync_state.rs`), the token and
//! the flags are the CLI's.
//!
//! Why push first, then pull: every push moves the session on the server's change sequence, so a
//! pull that came first would see our own pushes as news on the *next* sync — the second sync
//! would transfer everything again. Pushing first, the pull that follows brings our pushes back
//! once (merged with whatever another device added in between, which is how this machine learns
//! of the server's newer evaluations) and leaves the cursor past them: the next sync transfers
//! nothing. A push that meets a server copy with more in it gets the merged session back and
//! applies it here at once.
//!
//! Failure: the push marks each session synced in the transaction that applies the server's
//! answer; a pulled page is applied and its cursor saved in one transaction. So a sync that stops
//! anywhere (server down, slow, 5xx, garbage) has lost nothing and redoes only what it had not
//! finished; pushing or pulling something twice changes nothing (the merge is idempotent).
//!
//! A server whose database was replaced, or restored from a backup older than our cursor, answers
//! the pull with 409: what this machine believes the server holds is then unknown, so it forgets
//! its progress (`start_over`), pushes every session and pulls from the beginning — merges all,
//! so nothing is doubled. `--full` does the same by hand.

pub mod client;

use uuid::Uuid;

use crate::error::{Error, Result};
use crate::store::{Applied, Received, Repository};
use client::{Client, ClientError};

/// Sessions per read of the local "to push" list: never the whole store in memory.
pub const PUSH_BATCH: usize = 100;
/// Sessions per pulled page (the server allows up to 500).
pub const PULL_PAGE: usize = 500;
/// Pushes on their way at once: over a network the round trips overlap while the server writes
/// one at a time. (On one 2-core machine running client and server, one at a time measured ~12%
/// faster — benches/sync_10k.sh — but a real server is across a network.)
pub const PUSH_IN_FLIGHT: usize = 4;

/// What to do after a transient failure.
pub const AGAIN: &str = "nothing lost; run `prapp sync` again";

#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Work out what would be pushed and pulled; write nothing here or there (pulls are GETs).
    pub dry_run: bool,
    /// Start over first: push every session, pull from the beginning.
    pub full: bool,
    pub push_batch: usize,
    pub pull_page: usize,
    pub in_flight: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            dry_run: false,
            full: false,
            push_batch: PUSH_BATCH,
            pull_page: PULL_PAGE,
            in_flight: PUSH_IN_FLIGHT,
        }
    }
}

/// A session the server (or this machine) refused; the rest of the sync went on.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SessionError {
    pub session_id: Uuid,
    pub message: String,
}

/// What a sync did (or, with `dry_run`, would do).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Report {
    pub dry_run: bool,
    /// Sessions sent to the server (dry run: that would be sent).
    pub pushed: u64,
    /// Sessions the server sent that changed (or created) a local one.
    pub pulled: u64,
    /// Sessions the server sent that this machine already held whole (our own pushes coming
    /// back, mostly).
    pub unchanged: u64,
    pub errors: Vec<SessionError>,
    /// The server's history was not the one this machine had synced with (its database was
    /// replaced or restored from a backup), so everything was pushed and pulled again (dry run:
    /// would be).
    pub started_over: bool,
    /// HTTP requests sent.
    pub requests: u64,
}

/// Progress for a bar: the phase and how far it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Pushing: `done` of `total` sessions.
    Push { done: u64, total: u64 },
    /// Pulling: sessions received so far (the total is not known in advance).
    Pull { received: u64 },
}

/// A sync that stopped: the error to show and what had been done before it.
#[derive(Debug)]
pub struct Stopped {
    pub error: Error,
    pub report: Report,
}

/// Pushes then pulls (see the module doc for why this order). Per-session refusals are in the
/// report; anything else stops the sync, with everything finished so far kept.
pub fn sync(
    store: &dyn Repository,
    client: &Client,
    opts: Options,
    progress: &mut dyn FnMut(Progress),
) -> std::result::Result<Report, Box<Stopped>> {
    let mut report = Report {
        dry_run: opts.dry_run,
        ..Report::default()
    };
    let result = run(store, client, opts, progress, &mut report);
    report.requests = client.requests();
    match result {
        Ok(()) => Ok(report),
        Err(error) => Err(Box::new(Stopped { error, report })),
    }
}

fn run(
    store: &dyn Repository,
    client: &Client,
    opts: Options,
    progress: &mut dyn FnMut(Progress),
    report: &mut Report,
) -> Result<()> {
    let remote = store.remote()?.ok_or_else(not_logged_in)?;
    let user = store.local_user()?.user_id;
    client.check_server().map_err(|e| e.into_error(AGAIN))?;
    let mut cursor = remote.cursor.as_str();
    if opts.full && !opts.dry_run {
        store.start_over()?;
        cursor = "";
    }
    push(store, client, user, opts, progress, report)?;
    if !pull(store, client, user, cursor, opts, progress, report)? {
        report.started_over = true;
        if opts.dry_run {
            return Ok(());
        }
        // Whatever this machine pushed or learned before is not known to be on the server now.
        store.start_over()?;
        push(store, client, user, opts, progress, report)?;
        if !pull(store, client, user, "", opts, progress, report)? {
            return Err(Error::Server(
                "the server refused to sync from the beginning (409) — try again later".into(),
            ));
        }
    }
    if !opts.dry_run {
        store.record_sync(crate::domain::now(), report.pushed, report.pulled)?;
    }
    Ok(())
}

pub fn not_logged_in() -> Error {
    Error::Auth(
        "not logged in to a sync server — run `prapp remote login --server URL --email E` (or `prapp remote signup …`)"
            .into(),
    )
}

fn push(
    store: &dyn Repository,
    client: &Client,
    user: Uuid,
    opts: Options,
    progress: &mut dyn FnMut(Progress),
    report: &mut Report,
) -> Result<()> {
    let total = store.count_to_push(user)?;
    if opts.dry_run {
        report.pushed = total;
        return Ok(());
    }
    progress(Progress::Push { done: 0, total });
    let mut after = 0i64;
    let mut done = 0u64;
    loop {
        let batch = store.sessions_to_push(user, after, opts.push_batch)?;
        let Some(&(last, _)) = batch.last() else {
            break;
        };
        after = last;
        let mut items = Vec::with_capacity(batch.len());
        for &(_, id) in &batch {
            items.push(store.synced(user, id)?);
        }
        let results = client.push_all(&items, opts.in_flight, &mut || {
            done += 1;
            progress(Progress::Push {
                done,
                total: total.max(done),
            });
        });
        let mut answers = Vec::with_capacity(results.len());
        let mut failure = None;
        for ((seq, id), result) in batch.into_iter().zip(results) {
            match result {
                Ok(answer) => answers.push(Received::Pushed {
                    answer: Box::new(answer),
                    pushed_seq: seq,
                }),
                // This session only: said at the end, the session stays to push.
                Err(e @ ClientError::Refused { .. }) => report.errors.push(SessionError {
                    session_id: id,
                    message: format!("not pushed: {e}"),
                }),
                Err(e) => failure = Some(e),
            }
        }
        // What the server took before a failure is applied all the same: a later sync need not
        // send it again.
        let pushed = answers.len() as u64;
        let outcomes = store.apply_received(user, answers, None, false)?;
        report.pushed += pushed;
        refused_here(&outcomes, report);
        if let Some(e) = failure {
            return Err(stopped(e, report, "pushing"));
        }
    }
    Ok(())
}

/// Pulls every page after `cursor`. False when the server says the cursor is from another
/// history of its database (pages applied before that are kept): the caller starts over.
fn pull(
    store: &dyn Repository,
    client: &Client,
    user: Uuid,
    cursor: &str,
    opts: Options,
    progress: &mut dyn FnMut(Progress),
    report: &mut Report,
) -> Result<bool> {
    let mut cursor = cursor.to_string();
    let mut received = 0u64;
    progress(Progress::Pull { received });
    loop {
        let page = match client.pull(&cursor, opts.pull_page) {
            Ok(page) => page,
            Err(ClientError::OtherHistory(_)) => return Ok(false),
            Err(e) => return Err(stopped(e, report, "pulling")),
        };
        let n = page.items.len();
        received += n as u64;
        let items = page
            .items
            .into_iter()
            .map(|s| Received::Pulled(Box::new(s)))
            .collect();
        let outcomes = store.apply_received(user, items, Some(&page.next_cursor), opts.dry_run)?;
        for o in &outcomes {
            match o {
                Applied::Created | Applied::Updated => report.pulled += 1,
                Applied::Unchanged => report.unchanged += 1,
                Applied::Refused { .. } => {}
            }
        }
        refused_here(&outcomes, report);
        progress(Progress::Pull { received });
        // A short page is the last; a cursor that did not move would ask for the same again.
        if n < opts.pull_page || page.next_cursor == cursor {
            break;
        }
        cursor = page.next_cursor;
    }
    Ok(true)
}

fn refused_here(outcomes: &[Applied], report: &mut Report) {
    for o in outcomes {
        if let Applied::Refused {
            session_id,
            message,
        } = o
        {
            report.errors.push(SessionError {
                session_id: *session_id,
                message: message.clone(),
            });
        }
    }
}

/// The error of a sync that stopped, saying how far it got.
fn stopped(e: ClientError, report: &Report, phase: &str) -> Error {
    if !e.is_transient() {
        return e.into_error(AGAIN);
    }
    let done = if report.pushed + report.pulled + report.unchanged == 0 {
        String::new()
    } else {
        format!(
            " (while {phase}; {} pushed and {} pulled before that are kept)",
            report.pushed,
            report.pulled + report.unchanged
        )
    };
    Error::Server(format!("{e}{done} — {AGAIN}"))
}
