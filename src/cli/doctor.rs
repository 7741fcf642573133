//! `prapp doctor`: is everything where it should be, and does the model answer? And `prapp usage`:
//! what the LLM replies cost, by day and model.

use std::io::Write;
use std::time::Instant;

use anyhow::Result;
use clap::Args;
use serde_json::json;

use super::Ctx;
use super::output::{self, BOLD, DIM, OK, WARN, paint};
use crate::config::{Paths, Provider};
use crate::engines;
use crate::error::exit;
use crate::llm::{Cancel, ChatRequest, LlmError, Message, Role};
use crate::secrets::Secrets;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  prapp doctor\n  prapp doctor --offline      # skip the provider checks\n  prapp --provider ollama doctor --json\n\nExit code 0 when all is well, 1 when something local is wrong, 4 when the provider is not usable."
)]
pub struct DoctorArgs {
    /// Skip the checks that talk to the provider
    #[arg(long)]
    offline: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  prapp usage\n  prapp usage --days 7 --json\n\nSee also: prapp session show (tokens under each reply)"
)]
pub struct UsageArgs {
    /// How many days back, today included
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=3650))]
    days: u32,
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Ok,
    Info,
    Fail,
}

struct Check {
    name: &'static str,
    level: Level,
    detail: String,
}

/// Local checks that need no store: the config, secrets and log file.
fn local_checks(paths: &Paths, checks: &mut Vec<Check>) {
    let mut add = |name, level, detail: String| {
        checks.push(Check {
            name,
            level,
            detail,
        })
    };
    add(
        "version",
        Level::Info,
        format!("prapp {}", env!("CARGO_PKG_VERSION")),
    );
    let file = paths.config_file();
    match paths.load_config() {
        Ok(_) if file.exists() => add("config", Level::Ok, file.display().to_string()),
        Ok(_) => add(
            "config",
            Level::Info,
            format!("{} (not created; defaults apply)", file.display()),
        ),
        Err(e) => add("config", Level::Fail, e.to_string()),
    }
    add("secrets", Level::Info, Secrets::open(paths).describe());
    let log = match crate::config::env_var("PRAPP_LOG") {
        Some(spec) => format!(
            "PRAPP_LOG={spec} → {}",
            paths.log_dir.join(crate::logging::FILE_PREFIX).display()
        ),
        None => format!(
            "off (PRAPP_LOG=debug writes to {})",
            paths.log_dir.join(crate::logging::FILE_PREFIX).display()
        ),
    };
    add("log", Level::Info, log);
}

pub fn doctor(ctx: &Ctx, args: DoctorArgs) -> Result<i32> {
    let mut checks = Vec::new();
    local_checks(&ctx.paths, &mut checks);
    let mut add = |name, level, detail: String| {
        checks.push(Check {
            name,
            level,
            detail,
        })
    };
    let db = ctx.store.path().display().to_string();
    match ctx.practice().and_then(|p| {
        p.list(&crate::store::ListFilter {
            page_size: Some(1),
            ..Default::default()
        })
    }) {
        Ok(page) => add(
            "database",
            Level::Ok,
            format!(
                "{db} (schema {}, {} session{})",
                crate::store::SCHEMA_VERSION,
                page.total,
                if page.total == 1 { "" } else { "s" }
            ),
        ),
        Err(e) => add("database", Level::Fail, format!("{db}: {e}")),
    }
    let model = crate::semantic::files::status(&ctx.paths.data_dir, false);
    if model.installed {
        add(
            "judge model",
            Level::Ok,
            format!(
                "{} in {} — answers judged by meaning (`prapp model status` loads it)",
                model.name,
                model.path.display()
            ),
        );
    } else {
        add(
            "judge model",
            Level::Info,
            "not installed — the judge reads answers by shared words; `prapp model pull` (90 MB)"
                .into(),
        );
    }
    let s = &ctx.settings;
    let provider = s.provider.value;
    add(
        "coach",
        Level::Info,
        format!(
            "{} (coach = {}, judge = {})",
            if s.coach_is_llm(None) {
                "LLM"
            } else {
                "built-in, offline"
            },
            s.coach.value,
            s.judge.value
        ),
    );
    let mut provider_failed = false;
    if provider == Provider::None {
        add(
            "provider",
            Level::Info,
            "none — `prapp config set provider ollama` (or openai, llamacpp, custom) for an LLM"
                .into(),
        );
    } else {
        add(
            "provider",
            Level::Info,
            format!(
                "{provider} at {} with model {}",
                s.base_url.value.as_deref().unwrap_or("(no base-url)"),
                s.model.value.as_deref().unwrap_or("(no model)")
            ),
        );
        match engines::api_key(s, &Secrets::open(&ctx.paths))? {
            Some((_, src)) => add("api key", Level::Ok, format!("set ({src})")),
            None if provider.needs_key() => {
                provider_failed = true;
                add(
                    "api key",
                    Level::Fail,
                    "not set — run `prapp config set-key`".into(),
                )
            }
            None => add("api key", Level::Info, "none (not needed locally)".into()),
        }
        if !args.offline && !provider_failed {
            match engines::client(s, &ctx.paths) {
                Err(e) => {
                    add("reachable", Level::Fail, e.to_string());
                }
                Ok((client, _label, model)) => {
                    let started = Instant::now();
                    match client.models() {
                        Ok(models) => {
                            add(
                                "reachable",
                                Level::Ok,
                                format!(
                                    "GET /models answered in {} ms ({} models)",
                                    started.elapsed().as_millis(),
                                    models.len()
                                ),
                            );
                            if models.iter().any(|m| m == &model) {
                                add("model", Level::Ok, format!("{model} is listed"));
                            } else if models.is_empty() {
                                add("model", Level::Info, "the server lists no models".into());
                            } else {
                                add(
                                    "model",
                                    Level::Info,
                                    format!(
                                        "{model} is not listed; the server has: {}",
                                        models
                                            .iter()
                                            .take(8)
                                            .cloned()
                                            .collect::<Vec<_>>()
                                            .join(", ")
                                    ),
                                );
                            }
                        }
                        Err(e @ (LlmError::Connect { .. } | LlmError::Timeout { .. })) => {
                            provider_failed = true;
                            add("reachable", Level::Fail, e.to_string());
                        }
                        // Some servers have no /models; the completion below decides.
                        Err(e) => add("reachable", Level::Info, format!("GET /models: {e}")),
                    }
                    if provider_failed {
                        return finish(checks, &args);
                    }
                    let req = ChatRequest {
                        messages: vec![Message {
                            role: Role::User,
                            content: "Say OK.".into(),
                        }],
                        max_tokens: Some(1),
                        temperature: Some(0.0),
                        response_format: None,
                    };
                    let started = Instant::now();
                    match client.complete(&req, &Cancel::default()) {
                        Ok(done) => add(
                            "completion",
                            Level::Ok,
                            format!(
                                "a 1-token test completion took {} ms ({})",
                                started.elapsed().as_millis(),
                                done.model
                            ),
                        ),
                        Err(e) => {
                            add("completion", Level::Fail, e.to_string());
                        }
                    }
                }
            }
        }
    }
    finish(checks, &args)
}

fn finish(checks: Vec<Check>, args: &DoctorArgs) -> Result<i32> {
    let provider_failed = checks.iter().any(|c| {
        c.level == Level::Fail && matches!(c.name, "api key" | "reachable" | "completion")
    });
    let local_failed = checks.iter().any(|c| {
        c.level == Level::Fail && !matches!(c.name, "api key" | "reachable" | "completion")
    });
    print(&checks, args.json)?;
    Ok(if local_failed {
        exit::FAILURE
    } else if provider_failed {
        exit::PROVIDER
    } else {
        exit::OK
    })
}

/// When the settings themselves are broken: the local checks and what is wrong.
pub fn doctor_without_ctx(paths: &Paths, error: &crate::Error, args: &DoctorArgs) -> Result<i32> {
    let mut checks = Vec::new();
    local_checks(paths, &mut checks);
    checks.push(Check {
        name: "settings",
        level: Level::Fail,
        detail: error.to_string(),
    });
    print(&checks, args.json)?;
    Ok(exit::FAILURE)
}

fn print(checks: &[Check], json: bool) -> Result<()> {
    let mut out = output::stdout();
    if json {
        let list: Vec<_> = checks
            .iter()
            .map(|c| {
                json!({
                    "check": c.name,
                    "status": match c.level { Level::Ok => "ok", Level::Info => "info", Level::Fail => "fail" },
                    "detail": c.detail,
                })
            })
            .collect();
        output::json(&mut out, &json!({ "checks": list }))?;
    } else {
        for c in checks {
            let mark = match c.level {
                Level::Ok => paint(OK, "✓"),
                Level::Info => paint(DIM, "·"),
                Level::Fail => paint(WARN, "✗"),
            };
            let name = format!("{:<11}", c.name);
            writeln!(out, "{mark} {} {}", paint(BOLD, name), c.detail)?;
        }
    }
    Ok(())
}

pub fn usage(ctx: &Ctx, args: UsageArgs) -> Result<i32> {
    let rows = ctx.practice()?.usage_by_day(args.days)?;
    let mut out = output::stdout();
    if args.json {
        output::json(&mut out, &json!({ "days": args.days, "usage": rows }))?;
        return Ok(0);
    }
    if rows.is_empty() {
        writeln!(
            output::hints(),
            "no LLM replies in the last {} days — the built-in coach costs nothing",
            args.days
        )?;
        return Ok(0);
    }
    let mut table: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.day.clone(),
                r.model.clone(),
                r.replies.to_string(),
                r.prompt_tokens.to_string(),
                r.completion_tokens.to_string(),
                format!("{:.1} s", r.avg_latency_ms as f64 / 1000.0),
            ]
        })
        .collect();
    let sum = |f: fn(&crate::store::UsageRow) -> u64| rows.iter().map(f).sum::<u64>();
    table.push(vec![
        paint(BOLD, "total"),
        String::new(),
        sum(|r| r.replies).to_string(),
        sum(|r| r.prompt_tokens).to_string(),
        sum(|r| r.completion_tokens).to_string(),
        String::new(),
    ]);
    output::table(
        &mut out,
        &[
            "DAY",
            "MODEL",
            "REPLIES",
            "PROMPT",
            "COMPLETION",
            "AVG LATENCY",
        ],
        &table,
    )?;
    Ok(0)
}
