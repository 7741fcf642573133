//! Logs for when something needs explaining: `PRAPP_LOG=debug` (tracing's env-filter syntax, e.g.
//! `prapp=debug,hyper=info`) writes to a daily-rotated file in the state dir (a week is kept);
//! `-v`/`-vv` print prapp's own info/debug events on stderr. Nothing is logged otherwise.
//!
//! Log calls carry ids, sizes, hosts, models, status codes and timings — never message contents,
//! passwords, API keys or tokens.

use std::path::{Path, PathBuf};

use tracing_subscriber::EnvFilter;
use tracing_subscriber::Layer as _;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

pub const FILE_PREFIX: &str = "prapp.log";

/// The HTTP and TLS stacks log request details at debug/trace; they stay at info unless named
/// in `PRAPP_LOG` explicitly.
const NOISY: &[&str] = &[
    "hyper",
    "hyper_util",
    "h2",
    "reqwest",
    "rustls",
    "tower",
    "zbus",
];

/// Sets up logging; returns the log file's directory when file logging is on. A `server` logs
/// its requests to stderr as well (`RUST_LOG` sets that level, `info` by default).
pub fn init(log_dir: &Path, verbose: u8, server: bool) -> Option<PathBuf> {
    let spec = crate::config::env_var("PRAPP_LOG");
    let file_layer = spec.as_deref().and_then(|spec| {
        let mut directives = spec.to_string();
        for target in NOISY {
            if !spec.contains(target) {
                directives.push_str(&format!(",{target}=info"));
            }
        }
        let filter = match EnvFilter::try_new(&directives) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("prapp: PRAPP_LOG={spec} is not a valid filter ({e}); not logging");
                return None;
            }
        };
        if let Err(e) = crate::store::create_private_dir(log_dir) {
            eprintln!("prapp: cannot create the log dir: {e}; not logging");
            return None;
        }
        let appender = tracing_appender::rolling::Builder::new()
            .rotation(tracing_appender::rolling::Rotation::DAILY)
            .filename_prefix(FILE_PREFIX)
            .max_log_files(7)
            .build(log_dir)
            .map_err(|e| {
                eprintln!(
                    "prapp: cannot open a log file in {}: {e}",
                    log_dir.display()
                )
            })
            .ok()?;
        private_logs(log_dir);
        Some(
            tracing_subscriber::fmt::layer()
                .with_writer(appender)
                .with_ansi(false)
                .with_filter(filter),
        )
    });
    let logging_to_file = file_layer.is_some();
    let stderr_layer = (verbose > 0 && !server).then(|| {
        let level = if verbose > 1 { "debug" } else { "info" };
        tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .without_time()
            .with_target(false)
            .with_filter(EnvFilter::new(format!("prapp={level}")))
    });
    let server_layer = server.then(|| {
        let default = match verbose {
            0 => "info",
            1 => "prapp=debug,info",
            _ => "debug",
        };
        tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .with_filter(
                EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default)),
            )
    });
    if logging_to_file || stderr_layer.is_some() || server_layer.is_some() {
        let _ = tracing_subscriber::registry()
            .with(file_layer)
            .with(stderr_layer)
            .with(server_layer)
            .try_init();
    }
    logging_to_file.then(|| log_dir.to_path_buf())
}

/// The appender creates its files with the process umask (0666 under `umask 000`): logs can hold
/// what a user typed, so they are made owner-only, like the database.
fn private_logs(log_dir: &Path) {
    #[cfg(unix)]
    if let Ok(entries) = std::fs::read_dir(log_dir) {
        use std::os::unix::fs::PermissionsExt;
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(FILE_PREFIX) {
                let _ = std::fs::set_permissions(e.path(), std::fs::Permissions::from_mode(0o600));
            }
        }
    }
}
