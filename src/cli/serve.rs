//! `prapp serve`: runs the REST server on this machine's database until SIGINT/SIGTERM.

use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Args;

use super::Ctx;
use crate::coach::Coach;
use crate::config::env_var;
use crate::error::Error;
use crate::eval::Evaluator;
use crate::server::{self, AppState, ServerConfig};

/// The file in the data dir that keeps the generated signing secret (0600).
pub const SECRET_FILE: &str = "jwt_secret";

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port (printed on stderr)
    #[arg(long, default_value = "127.0.0.1:8000", value_name = "ADDR")]
    pub bind: SocketAddr,
    /// An origin allowed to call the API from a browser (repeatable); none: no CORS at all
    #[arg(long = "cors-origin", value_name = "URL")]
    pub cors_origins: Vec<String>,
    /// How long an access token lasts: 30m, 12h, 7d, or seconds (at most 365d)
    #[arg(long, default_value = "24h", value_name = "DURATION", value_parser = parse_ttl)]
    pub token_ttl: Duration,
}

/// The longest `--token-ttl`: a year.
pub const MAX_TOKEN_TTL_DAYS: u64 = 365;

/// "90s", "30m", "24h", "7d", or a bare number of seconds, up to [`MAX_TOKEN_TTL_DAYS`].
pub fn parse_ttl(s: &str) -> std::result::Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => s.split_at(i),
        None => (s, "s"),
    };
    let n: u64 = num
        .parse()
        .map_err(|_| format!("'{s}' is not a duration — use e.g. 30m, 24h or 7d"))?;
    let per = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86400,
        _ => return Err(format!("'{s}': unknown unit '{unit}' — use s, m, h or d")),
    };
    // Bounded here, at start: an expiry past what a date can hold panicked at the first login.
    match n.checked_mul(per) {
        Some(0) => Err("a token must last at least one second".into()),
        Some(secs) if secs <= MAX_TOKEN_TTL_DAYS * 86400 => Ok(Duration::from_secs(secs)),
        _ => Err(format!(
            "'{s}' is too long for a token — at most {MAX_TOKEN_TTL_DAYS}d (a token that never expires can't be taken back from a stolen device)"
        )),
    }
}

/// `PRAPP_JWT_SECRET`, else the secret generated on first start and kept 0600 in the data dir.
pub fn jwt_secret(data_dir: &Path) -> crate::Result<Vec<u8>> {
    if let Some(s) = env_var("PRAPP_JWT_SECRET") {
        if s.len() < 32 {
            return Err(Error::Input(
                "PRAPP_JWT_SECRET is shorter than 32 characters — use a long random value, e.g. `openssl rand -hex 32`".into(),
            ));
        }
        return Ok(s.into_bytes());
    }
    let path = data_dir.join(SECRET_FILE);
    match std::fs::read_to_string(&path) {
        Ok(s) if s.trim().len() >= 32 => return Ok(s.trim().as_bytes().to_vec()),
        Ok(_) => {
            return Err(Error::Input(format!(
                "{} is too short to be a signing secret — delete it to have a new one made",
                path.display()
            )));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io(format!("cannot read {}", path.display()), e)),
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::Input(format!("no randomness from the OS for a secret: {e}")))?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    match opts.open(&path) {
        Ok(mut f) => {
            f.write_all(hex.as_bytes())
                .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))?;
            Ok(hex.into_bytes())
        }
        // Another server started at the same moment and wrote it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Ok(std::fs::read_to_string(&path)
                .map_err(|e| Error::io(format!("cannot read {}", path.display()), e))?
                .trim()
                .as_bytes()
                .to_vec())
        }
        Err(e) => Err(Error::io(format!("cannot create {}", path.display()), e)),
    }
}

/// Who answers for the AI on the server: the configured LLM coach when the settings say so (the
/// same `provider`/`coach` settings as the CLI), else the built-in one. Every handler only knows
/// `Arc<dyn Coach>`; the model is called on blocking threads that hold no database connection.
fn coach(ctx: &Ctx) -> crate::Result<Arc<dyn Coach>> {
    if !ctx.settings.coach_is_llm(None) {
        return Ok(Arc::new(crate::engines::builtin_coach(&ctx.paths)));
    }
    let coach = crate::engines::llm_coach(&ctx.settings, &ctx.paths, None)?;
    eprintln!("prapp: coach: {}", coach.name());
    Ok(Arc::new(coach))
}

/// Who evaluates sessions on the server: the configured LLM judge (with the heuristic one as its
/// fallback) when the settings say so, else the heuristic one.
fn judge(ctx: &Ctx) -> crate::Result<Arc<dyn Evaluator>> {
    let builtin = crate::engines::builtin_judge(&ctx.paths);
    if !ctx.settings.judge_is_llm() {
        tracing::info!(semantic = builtin.is_semantic(), "judge: built-in");
        return Ok(Arc::new(builtin));
    }
    let judge = crate::engines::llm_judge(&ctx.settings, &ctx.paths)?.with_fallback(builtin);
    eprintln!(
        "prapp: judge: {}/{}",
        ctx.settings.provider.value,
        ctx.settings.model.value.as_deref().unwrap_or("?")
    );
    Ok(Arc::new(judge))
}

pub fn run(ctx: &Ctx, args: ServeArgs) -> Result<i32> {
    let data_dir = ctx.paths.data_dir.clone();
    let mut config = ServerConfig::new(data_dir.clone(), jwt_secret(&data_dir)?);
    config.token_ttl = args.token_ttl;
    config.cors_origins = args.cors_origins;
    let state = AppState::new(config, coach(ctx)?, judge(ctx)?)?;
    // Logging (stderr, RUST_LOG; plus the PRAPP_LOG file) was set up in `cli::run`.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.bind)
            .await
            .map_err(|e| Error::io(format!("cannot listen on {}", args.bind), e))?;
        let addr = listener.local_addr()?;
        // Tests and scripts read this line to find the port.
        eprintln!("prapp: listening on http://{addr}");
        if !addr.ip().is_loopback() {
            eprintln!(
                "prapp: note: this is plain HTTP — put a TLS proxy in front before exposing it beyond this machine"
            );
        }
        server::serve(listener, state, server::shutdown_signal()).await?;
        eprintln!("prapp: stopped");
        anyhow::Ok(0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttl_units() {
        assert_eq!(parse_ttl("24h"), Ok(Duration::from_secs(86400)));
        assert_eq!(parse_ttl("30m"), Ok(Duration::from_secs(1800)));
        assert_eq!(parse_ttl("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_ttl("7d"), Ok(Duration::from_secs(7 * 86400)));
        assert!(parse_ttl("0").is_err());
        assert!(parse_ttl("1w").is_err());
        assert!(parse_ttl("h").is_err());
    }

    #[test]
    fn a_token_ttl_past_a_year_is_refused_at_start_not_at_the_first_login() {
        assert_eq!(parse_ttl("365d"), Ok(Duration::from_secs(365 * 86400)));
        for too_long in [
            "366d",
            "200000000d",
            "18446744073709551615",
            "99999999999999999999d",
        ] {
            let err = parse_ttl(too_long).unwrap_err();
            assert!(err.contains(too_long), "{err}");
        }
        assert!(parse_ttl("366d").unwrap_err().contains("at most 365d"));
    }
}
