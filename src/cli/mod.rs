//! The command line: clap definitions, one file per command group. Turns flags into domain
//! requests once, calls `practice`, and renders the answer as text or `--json`. No rules here.

mod analytics;
mod chart;
mod chat;
mod config;
mod dev;
mod doctor;
mod drill;
mod evaluate;
pub(crate) mod export;
mod model;
pub mod output;
mod plot;
mod profile;
mod remote;
mod retake;
pub mod serve;
mod session;
pub mod shell;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand, ValueEnum};

use crate::config::Paths;
use crate::engines::Engines;
use crate::practice::Practice;
use crate::store::Store;

const ABOUT: &str = "Rehearse interviews, meetings, pitches, sales calls and presentations against a coach, \
get scored feedback, and watch yourself improve. Works offline out of the box.";

const AFTER_HELP: &str = "\
Examples:
  prapp session new --type interview --subtype behavioral --agenda \"Backend role at a fintech\"
  prapp chat 0193a5b2 --message \"In my last role I led the migration of ...\"
  prapp session complete 0193a5b2
  prapp session list --status completed --json
  prapp analytics trends            # progress; also: analytics improvements|chart, drill, export
  prapp remote login --server https://prapp.example --email me@example.org && prapp sync

Exit codes: 0 ok, 1 failure, 2 usage or input error, 3 not found, 4 coach/provider/sync server
unavailable.
Environment: PRAPP_HOME (data dir), PRAPP_CONFIG (config file), PRAPP_PROVIDER, PRAPP_MODEL,
PRAPP_BASE_URL, PRAPP_API_KEY, PRAPP_LOG (e.g. debug), NO_COLOR, PAGER.
Settings in layers: defaults < config file < PRAPP_* environment < flags (`prapp config show`).";

#[derive(Debug, Parser)]
#[command(name = "prapp", version, about = ABOUT, after_help = AFTER_HELP, disable_version_flag = true)]
pub struct Cli {
    /// Where prapp keeps its database [env: PRAPP_HOME] [default: the platform data dir]
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// When to use colour
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,

    /// Print the version and the data and config dirs in use
    #[arg(short = 'V', long)]
    pub version: bool,

    /// Say less: no hints or progress, only results and errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Say more: what prapp is doing, on stderr (-vv for debug detail)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Never send long output through $PAGER
    #[arg(long, global = true)]
    pub no_pager: bool,

    /// The model provider [env: PRAPP_PROVIDER]
    #[arg(long, global = true, value_enum, help_heading = "Coach")]
    pub provider: Option<crate::config::Provider>,

    /// The model name [env: PRAPP_MODEL]
    #[arg(long, global = true, value_name = "NAME", help_heading = "Coach")]
    pub model: Option<String>,

    /// The OpenAI-compatible API root [env: PRAPP_BASE_URL]
    #[arg(long, global = true, value_name = "URL", help_heading = "Coach")]
    pub base_url: Option<String>,

    /// Who plays the counterpart: the built-in offline coach or the LLM [env: PRAPP_COACH]
    #[arg(long, global = true, value_enum, help_heading = "Coach")]
    pub coach: Option<crate::config::CoachChoice>,

    /// Who evaluates: the heuristic evaluator or the LLM [env: PRAPP_JUDGE]
    #[arg(long, global = true, value_enum, help_heading = "Coach")]
    pub judge: Option<crate::config::JudgeChoice>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start, list, show and manage practice sessions
    #[command(subcommand)]
    Session(session::SessionCmd),
    /// Open the practice screen (also what `prapp` alone does on a terminal)
    #[command(after_help = "Example:\n  prapp tui\n\nSee also: prapp chat, prapp session new")]
    Tui,
    /// Answer the coach: interactively, with --message, or from stdin
    Chat(chat::ChatArgs),
    /// Answer one question of a completed session again, and see how it compares
    #[command(
        after_help = "Examples:\n  prapp retake 0193a5b2 --weakest --message \"...\"\n  prapp retake 0193a5b2 --question 3 < answer.txt\n\nSee also: prapp session answers"
    )]
    Retake(retake::RetakeArgs),
    /// Evaluate many sessions at once: every completed one, or transcript files
    Evaluate(evaluate::EvaluateArgs),
    /// Your progress: trends, what to work on next, charts
    #[command(subcommand)]
    Analytics(analytics::AnalyticsCmd),
    /// Start a session aimed at one dimension: your weakest, or the one you name
    Drill(drill::DrillArgs),
    /// Run the REST server (the contract's API) on this machine's database
    #[command(
        after_help = "Examples:\n  prapp serve --bind 127.0.0.1:8000 --cors-origin https://app.example\n  PRAPP_JWT_SECRET=$(openssl rand -hex 32) prapp serve --bind 0.0.0.0:8000 --token-ttl 12h\n\nThe signing secret is PRAPP_JWT_SECRET, else one generated on first start and kept (0600) in\nthe data dir. Logs go to stderr; RUST_LOG sets the level."
    )]
    Serve(serve::ServeArgs),
    /// Your profile: the role you are preparing for, your experience, your industry
    #[command(subcommand)]
    Profile(profile::ProfileCmd),
    /// A summary of your account: sessions, completed sessions, evaluations
    #[command(after_help = "Example:\n  prapp account --json")]
    Account(profile::JsonArg),
    /// Check the setup: data dir, database, config, keyring, and whether the model answers
    Doctor(doctor::DoctorArgs),
    /// Tokens used by LLM replies, by day and model
    Usage(doctor::UsageArgs),
    /// The sentence-embedding model the judge reads answers with: pull, import, status, remove
    #[command(subcommand)]
    Model(model::ModelCmd),
    /// Show or change settings: provider, model, API key…
    #[command(subcommand)]
    Config(config::ConfigCmd),
    /// Print a shell completion script
    Completions(shell::CompletionsArgs),
    /// Print the man page, or write one per command with --out
    Man(shell::ManArgs),
    /// An account on a prapp server, to sync with: signup, login, status, logout
    #[command(subcommand)]
    Remote(remote::RemoteCmd),
    /// Push this machine's changed sessions to the server and pull the others' (after `prapp remote login`)
    #[command(after_help = remote::SYNC_AFTER_HELP)]
    Sync(remote::SyncArgs),
    /// A throwaway store with a realistic history to explore analytics and charts (yours is untouched)
    #[command(
        after_help = "Example:\n  prapp demo\n  prapp --data-dir /tmp/prapp-demo-… analytics trends"
    )]
    Demo(dev::DemoArgs),
    /// Developer tools (seeding data for benchmarks)
    #[command(hide = true, subcommand)]
    Dev(dev::DevCmd),
}

/// Everything a command needs: the resolved paths and settings, the open store, and the
/// engines (coaches, judge) built from the settings as they are needed.
pub struct Ctx {
    pub paths: Paths,
    pub settings: crate::config::Settings,
    pub store: Store,
    pub engines: Engines,
    /// The local profile in a sentence, for the LLM coach.
    about: Option<String>,
}

impl Ctx {
    fn open(paths: Paths, flags: &crate::config::Flags) -> crate::Result<Ctx> {
        let settings = crate::config::Settings::resolve(&paths, flags)?;
        let store = Store::open(&paths.data_dir)?;
        let about = Practice::local(&store, &crate::coach::builtin::BuiltinCoach::lexical())?
            .profile()?
            .describe();
        let engines = Engines::new(settings.clone(), paths.clone()).with_about_user(about.clone());
        Ok(Ctx {
            paths,
            settings,
            store,
            engines,
            about,
        })
    }

    /// The practice screen's keys, with the config file's `[keys]` remapping.
    pub fn keymap(&self) -> crate::Result<crate::tui::keys::Keymap> {
        crate::tui::keys::Keymap::from_config(&self.settings.keys).map_err(|e| {
            crate::Error::Input(format!(
                "config file {}: {e}",
                self.paths.config_file().display()
            ))
        })
    }

    /// Engines of their own for the practice screen's worker thread.
    pub fn engines_for_screen(&self) -> Engines {
        Engines::new(self.settings.clone(), self.paths.clone()).with_about_user(self.about.clone())
    }

    /// The use cases, for commands that never ask a coach for a reply.
    pub fn practice(&self) -> crate::Result<Practice<'_>> {
        Practice::local(&self.store, self.engines.builtin())
    }

    /// The use cases with the coach that answers session `id` (its pin, a flag or the setting).
    pub fn practice_for(&self, id: uuid::Uuid) -> crate::Result<Practice<'_>> {
        let pinned = self.practice()?.pinned_coach(id)?;
        Practice::local(&self.store, self.engines.coach(pinned.as_deref())?)
    }

    /// The use cases with the coach that opens a new session.
    pub fn practice_new(&self) -> crate::Result<Practice<'_>> {
        Practice::local(&self.store, self.engines.coach(None)?)
    }
}

/// An optional flag value parsed into a domain type ("interview", "completed", "engagement"…),
/// with the domain's one-line error listing the valid values.
pub(crate) fn parse_opt<T>(value: Option<&str>) -> crate::Result<Option<T>>
where
    T: std::str::FromStr<Err = crate::domain::UnknownValue>,
{
    Ok(value.map(str::parse).transpose()?)
}

/// Runs the parsed command line; returns the exit code.
pub fn run(cli: Cli) -> Result<i32> {
    match cli.color {
        ColorWhen::Always => anstream::ColorChoice::Always.write_global(),
        ColorWhen::Never => anstream::ColorChoice::Never.write_global(),
        ColorWhen::Auto => {}
    }
    output::set_quiet(cli.quiet);
    output::set_no_pager(cli.no_pager);
    let paths = Paths::resolve(cli.data_dir)?;
    let serving = matches!(cli.command, Some(Command::Serve(_)));
    crate::logging::init(&paths.log_dir, cli.verbose, serving);
    tracing::debug!(data_dir = %paths.data_dir.display(), "prapp {}", env!("CARGO_PKG_VERSION"));
    let flags = crate::config::Flags {
        provider: cli.provider,
        model: cli.model,
        base_url: cli.base_url,
        coach: cli.coach,
        judge: cli.judge,
    };
    if cli.version {
        let mut out = output::stdout();
        writeln!(out, "prapp {}", env!("CARGO_PKG_VERSION"))?;
        writeln!(out, "data dir:   {}", paths.data_dir.display())?;
        writeln!(out, "config dir: {}", paths.config_dir.display())?;
        return Ok(0);
    }
    let interactive = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let command = match cli.command {
        Some(c) => c,
        None if interactive => Command::Tui,
        None => {
            let help = <Cli as clap::CommandFactory>::command().render_help();
            writeln!(output::stdout(), "{}", help.ansi())?;
            return Ok(0);
        }
    };
    // These need no store (and `config` must work with a broken config file, to fix it).
    let command = match command {
        Command::Completions(args) => return shell::completions(args),
        Command::Man(args) => return shell::man(args),
        Command::Config(cmd) => return config::run(&paths, &flags, cmd),
        Command::Model(cmd) => return model::run(&paths, cmd),
        // Never opens the user's store.
        Command::Demo(args) => return dev::demo(args),
        other => other,
    };
    let ctx = match (Ctx::open(paths.clone(), &flags), command) {
        (Ok(ctx), command) => (ctx, command),
        // The doctor still examines what it can when the settings are broken.
        (Err(e), Command::Doctor(args)) => return doctor::doctor_without_ctx(&paths, &e, &args),
        (Err(e), _) => return Err(e.into()),
    };
    let (ctx, command) = ctx;
    match command {
        Command::Session(cmd) => session::run(&ctx, cmd),
        Command::Tui => {
            // Make sure the store opens (and say why not) before taking over the terminal.
            drop(ctx.practice()?);
            crate::tui::run(
                &ctx.paths.data_dir,
                crate::tui::Start::Sessions,
                ctx.keymap()?,
                ctx.engines_for_screen(),
            )?;
            Ok(0)
        }
        Command::Chat(args) => chat::run(&ctx, args),
        Command::Retake(args) => retake::run(&ctx, args),
        Command::Evaluate(args) => evaluate::batch(&ctx, args),
        Command::Analytics(cmd) => analytics::run(&ctx, cmd),
        Command::Drill(args) => drill::run(&ctx, args),
        Command::Dev(cmd) => dev::run(&ctx, cmd),
        Command::Doctor(args) => doctor::doctor(&ctx, args),
        Command::Usage(args) => doctor::usage(&ctx, args),
        Command::Serve(args) => serve::run(&ctx, args),
        Command::Profile(cmd) => profile::run(&ctx, cmd),
        Command::Account(args) => profile::account(&ctx, args),
        Command::Remote(cmd) => remote::run(&ctx, cmd),
        Command::Sync(args) => remote::sync(&ctx, args),
        Command::Completions(_)
        | Command::Man(_)
        | Command::Config(_)
        | Command::Model(_)
        | Command::Demo(_) => Ok(0),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn cli_definition_is_valid() {
        <super::Cli as clap::CommandFactory>::command().debug_assert();
    }

    /// Every visible command's --help ends with at least one example.
    #[test]
    fn every_command_has_an_example() {
        fn walk(cmd: &clap::Command, path: String, missing: &mut Vec<String>) {
            let has = cmd
                .get_after_help()
                .is_some_and(|h| h.to_string().contains("Example"));
            if !has && cmd.get_subcommands().next().is_none() {
                missing.push(path.clone());
            }
            for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
                if sub.get_name() != "help" {
                    walk(sub, format!("{path} {}", sub.get_name()), missing);
                }
            }
        }
        let mut missing = Vec::new();
        walk(
            &<super::Cli as clap::CommandFactory>::command(),
            "prapp".into(),
            &mut missing,
        );
        assert!(missing.is_empty(), "no example in --help of: {missing:?}");
    }
}
