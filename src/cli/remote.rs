//! `prapp remote …` and `prapp sync`: an account on a prapp server, and syncing this machine's
//! sessions with it. The token goes to the keyring (`secrets.rs`) under `token:<server url>`,
//! never to the database, the config file or the logs. The algorithm is `crate::sync`'s.

use std::io::{IsTerminal, Read, Write};

use anyhow::Result;
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use super::output::{self, DIM, OK, WARN, paint};
use super::{Ctx, profile::JsonArg};
use crate::error::{Error, exit};
use crate::secrets::Secrets;
use crate::store::prelude::*;
use crate::sync::client::{Client, ClientError, Login, Timeouts, normalise_url};
use crate::sync::{self, Progress};

#[derive(Debug, Subcommand)]
pub enum RemoteCmd {
    /// Create an account on a prapp server and log in to it
    #[command(
        after_help = "Examples:\n  prapp remote signup --server https://prapp.example --email me@example.org\n  pass show prapp | prapp remote signup --server http://127.0.0.1:8000 --email me@example.org --password-stdin\n\nThe password is asked twice without echo (or read from stdin); the server's token is kept in\nthe OS keyring. Then: prapp sync"
    )]
    Signup(AuthArgs),
    /// Log in to a prapp server (again); the token goes to the OS keyring
    #[command(
        after_help = "Examples:\n  prapp remote login --server https://prapp.example --email me@example.org\n  prapp remote login            # the server and email of the last login\n\nThen: prapp sync"
    )]
    Login(AuthArgs),
    /// The server, the account, the last sync, what is waiting to be pushed, whether the login works
    #[command(after_help = "Examples:\n  prapp remote status\n  prapp remote status --json")]
    Status(JsonArg),
    /// Revoke the token on the server and remove it here (removed here even when the server is down)
    #[command(after_help = "Example:\n  prapp remote logout")]
    Logout,
}

#[derive(Debug, Args)]
pub struct AuthArgs {
    /// The server's URL, e.g. https://prapp.example (login: the last one used)
    #[arg(long, value_name = "URL")]
    server: Option<String>,
    /// Your account's email (login: the last one used)
    #[arg(long, value_name = "EMAIL")]
    email: Option<String>,
    /// Read the password from stdin instead of prompting
    #[arg(long)]
    password_stdin: bool,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Say what would be pushed and pulled; change nothing here or on the server
    #[arg(long)]
    dry_run: bool,
    /// Push every session and pull from the beginning, as on the first sync (after the server
    /// was restored from a backup); merges, so nothing is doubled
    #[arg(long, conflicts_with = "dry_run")]
    full: bool,
    /// The report as JSON on stdout
    #[arg(long)]
    json: bool,
}

pub const SYNC_AFTER_HELP: &str = "\
Examples:
  prapp sync
  prapp sync --dry-run
  prapp sync --json -q
  prapp sync --full          # after the server was restored from a backup

Pushes the sessions changed here, then pulls those changed on the server; transcripts merge by
message, the furthest status and the newer evaluation win. A sync that stops (server down,
slow, failing) loses nothing: run it again. PRAPP_SYNC_TIMEOUT sets the seconds to wait for an
answer (default 30). Exit codes: 1 some sessions were refused, 2 log in (again), 4 the server is
unreachable or failed.";

/// The keyring entry of a server's token.
fn token_name(url: &str) -> String {
    format!("token:{url}")
}

pub fn run(ctx: &Ctx, cmd: RemoteCmd) -> Result<i32> {
    match cmd {
        RemoteCmd::Signup(args) => auth(ctx, args, true),
        RemoteCmd::Login(args) => auth(ctx, args, false),
        RemoteCmd::Status(args) => status(ctx, args.json),
        RemoteCmd::Logout => logout(ctx),
    }
}

fn auth(ctx: &Ctx, args: AuthArgs, signup: bool) -> Result<i32> {
    let last = ctx.store.remote()?;
    let server = args
        .server
        .or_else(|| last.as_ref().map(|r| r.server_url.clone()))
        .ok_or_else(|| Error::Input("which server? — pass --server URL".into()))?;
    let url = normalise_url(&server)?;
    let email = args
        .email
        .or_else(|| {
            last.as_ref()
                .filter(|r| r.server_url == url)
                .map(|r| r.email.clone())
        })
        .map(|e| e.trim().to_string())
        .filter(|e| !e.is_empty())
        .ok_or_else(|| Error::Input("which account? — pass --email EMAIL".into()))?;
    let password = read_password(args.password_stdin, signup, &email)?;

    let client = Client::new(&url, None, Timeouts::from_env())?;
    let nothing_stored = "check the URL and that the server runs; nothing was stored";
    client
        .check_server()
        .map_err(|e| e.into_error(nothing_stored))?;
    let answer = if signup {
        client.signup(&email, &password)
    } else {
        client.login(&email, &password)
    };
    let login: Login = answer.map_err(|e| match e {
        ClientError::Refused { status: 401, .. } => Error::Auth(
            "login refused: incorrect email or password — check them and try again".into(),
        ),
        ClientError::Refused { status: 409, .. } => Error::Input(format!(
            "{url} already has an account for {email} — log in instead: `prapp remote login --server {url} --email {email}`"
        )),
        ClientError::Refused { status: 429, .. } => Error::Auth(
            "too many failed logins for this account — wait a few minutes, then try again".into(),
        ),
        ClientError::Refused { status: 422, detail } => Error::Input(format!(
            "the server refused it: {detail} — passwords need at least 8 characters, emails an @"
        )),
        other => other.into_error(nothing_stored),
    })?;

    let secrets = Secrets::open(&ctx.paths);
    secrets.set(&token_name(&url), &login.access_token)?;
    if let Some(w) = secrets.fallback_warning() {
        // Always said, even under -q: the user must know where the token went.
        writeln!(output::stderr(), "{} {w}", paint(WARN, "note:"))?;
    }
    let email = login.user.email.unwrap_or(email);
    ctx.store.set_remote(&url, &email, login.user.user_id)?;
    let user = ctx.store.local_user()?.user_id;
    let pending = ctx.store.count_to_push(user)?;
    writeln!(
        output::stdout(),
        "{} {url} as {email}{}",
        if signup {
            "account created and logged in to"
        } else {
            "logged in to"
        },
        paint(
            DIM,
            format!(" — `prapp sync` pushes {pending} session(s) and pulls the account's")
        )
    )?;
    Ok(0)
}

/// The password: from stdin with --password-stdin, else prompted without echo (twice on signup).
fn read_password(from_stdin: bool, confirm: bool, email: &str) -> Result<String> {
    let password = if from_stdin {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        // Only the line break a pipe adds: spaces may be part of a password.
        s.trim_end_matches(['\n', '\r']).to_string()
    } else if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!("Password for {email}: "))?;
        if confirm {
            let again = rpassword::prompt_password("Once more: ")?;
            if again != first {
                return Err(Error::Input(
                    "the two passwords differ — nothing was sent; try again".into(),
                )
                .into());
            }
        }
        first
    } else {
        return Err(Error::Input(
            "no terminal to ask for the password — pipe it in with --password-stdin".into(),
        )
        .into());
    };
    if password.is_empty() {
        return Err(Error::Input("the password is empty — nothing was sent".into()).into());
    }
    Ok(password)
}

fn status(ctx: &Ctx, json: bool) -> Result<i32> {
    let mut out = output::stdout();
    let user = ctx.store.local_user()?.user_id;
    let pending = ctx.store.count_to_push(user)?;
    let Some(remote) = ctx.store.remote()? else {
        if json {
            output::json(
                &mut out,
                &json!({"server": null, "logged_in": false, "pending": pending}),
            )?;
        } else {
            writeln!(
                out,
                "no sync server — `prapp remote signup --server URL --email E` or `prapp remote login …`"
            )?;
            writeln!(
                out,
                "{pending} session(s) would be pushed on the first sync"
            )?;
        }
        return Ok(0);
    };
    let token = Secrets::open(&ctx.paths).get(&token_name(&remote.server_url))?;
    // A quick question: status must not hang on a server that is away.
    let (login, login_text) = match token {
        None => (
            "logged_out",
            "logged out — `prapp remote login`".to_string(),
        ),
        Some(t) => {
            let timeouts = Timeouts {
                connect: std::time::Duration::from_secs(3),
                request: std::time::Duration::from_secs(5),
            };
            match Client::new(&remote.server_url, Some(t), timeouts)?.me() {
                Ok(_) => ("ok", "works".to_string()),
                Err(ClientError::Unauthorized) => (
                    "expired",
                    "expired or revoked — log in again: `prapp remote login`".to_string(),
                ),
                Err(e) => ("unknown", format!("not checked: {e}")),
            }
        }
    };
    let last = remote.last_sync_at.map(|t| t.to_rfc3339());
    if json {
        output::json(
            &mut out,
            &json!({
                "server": remote.server_url,
                "email": remote.email,
                "remote_user_id": remote.remote_user_id,
                "logged_in": login == "ok",
                "login": login,
                "last_sync_at": last,
                "last_pushed": remote.last_pushed,
                "last_pulled": remote.last_pulled,
                "pending": pending,
            }),
        )?;
    } else {
        writeln!(out, "{:<10} {}", "server", remote.server_url)?;
        writeln!(out, "{:<10} {}", "account", remote.email)?;
        let login_text = if login == "ok" {
            paint(OK, login_text)
        } else {
            paint(WARN, login_text)
        };
        writeln!(out, "{:<10} {login_text}", "login")?;
        match last {
            Some(t) => writeln!(
                out,
                "{:<10} {t} (pushed {}, pulled {})",
                "last sync", remote.last_pushed, remote.last_pulled
            )?,
            None => writeln!(out, "{:<10} never", "last sync")?,
        }
        writeln!(out, "{:<10} {pending} session(s) to push", "pending")?;
    }
    Ok(0)
}

fn logout(ctx: &Ctx) -> Result<i32> {
    let Some(remote) = ctx.store.remote()? else {
        writeln!(
            output::stdout(),
            "not logged in to any server — nothing to do"
        )?;
        return Ok(0);
    };
    let url = remote.server_url;
    let secrets = Secrets::open(&ctx.paths);
    let name = token_name(&url);
    let Some(token) = secrets.get(&name)? else {
        writeln!(output::stdout(), "not logged in to {url} — nothing to do")?;
        return Ok(0);
    };
    let said = match Client::new(&url, Some(token), Timeouts::from_env())?.logout() {
        Ok(()) => format!("logged out of {url}: the token is revoked there and removed here"),
        Err(ClientError::Unauthorized) => {
            format!("logged out of {url}: the server had already revoked the token; removed here")
        }
        Err(e) => format!(
            "the token was only removed here — {e}; it stops working on the server when it expires"
        ),
    };
    secrets.delete(&name)?;
    writeln!(output::stdout(), "{said}")?;
    Ok(0)
}

pub fn sync(ctx: &Ctx, args: SyncArgs) -> Result<i32> {
    let remote = ctx.store.remote()?.ok_or_else(sync::not_logged_in)?;
    let url = remote.server_url;
    let token = Secrets::open(&ctx.paths)
        .get(&token_name(&url))?
        .ok_or_else(|| {
            Error::Auth(format!(
                "not logged in to {url} (no token here) — log in again: `prapp remote login`"
            ))
        })?;
    let client = Client::new(&url, Some(token), Timeouts::from_env())?;
    let opts = sync::Options {
        dry_run: args.dry_run,
        full: args.full,
        ..sync::Options::default()
    };
    let bar = progress_bar();
    let mut on_progress = |p: Progress| match p {
        Progress::Push { done, total } => {
            bar.set_message("pushing");
            bar.set_length(total);
            bar.set_position(done);
        }
        Progress::Pull { received } => {
            bar.set_message("pulling");
            bar.set_length(received);
            bar.set_position(received);
        }
    };
    let result = sync::sync(&ctx.store, &client, opts, &mut on_progress);
    bar.finish_and_clear();
    let report = match result {
        Ok(r) => r,
        Err(stopped) => return Err(stopped.error.into()),
    };
    let mut err = output::stderr();
    for e in &report.errors {
        writeln!(
            err,
            "{} session {}: {}",
            paint(WARN, "warning:"),
            e.session_id,
            e.message
        )?;
    }
    if report.started_over {
        writeln!(
            err,
            "{} the server's history is not the one this machine synced with (its database was \
             replaced or restored from a backup): {} everything again",
            paint(WARN, "note:"),
            if report.dry_run {
                "a sync would push and pull"
            } else {
                "pushed and pulled"
            }
        )?;
    }
    if args.json {
        let mut value = serde_json::to_value(&report)?;
        value["server"] = json!(url);
        output::json(&mut output::stdout(), &value)?;
    } else {
        let line = if report.dry_run {
            format!(
                "dry run: would push {}, would pull {} ({} already up to date), errors {} — nothing was changed",
                report.pushed,
                report.pulled,
                report.unchanged,
                report.errors.len()
            )
        } else {
            format!(
                "pushed {}, pulled {}, unchanged {}, errors {}",
                report.pushed,
                report.pulled,
                report.unchanged,
                report.errors.len()
            )
        };
        writeln!(
            output::stdout(),
            "{line}{}",
            paint(DIM, format!("  ({url}, {} requests)", report.requests))
        )?;
    }
    Ok(if report.errors.is_empty() {
        exit::OK
    } else {
        exit::FAILURE
    })
}

fn progress_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() || output::quiet() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {pos}/{len} {wide_bar}") {
        bar.set_style(style);
    }
    // The spinner keeps turning while a page is on its way.
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}
