//! `prapp completions <shell>` and `prapp man`: generated from the clap definitions, so they
//! never drift from the real flags.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, CommandFactory};
use std::ffi::OsStr;

use clap_complete::Shell;
use clap_complete::engine::{ArgValueCandidates, ArgValueCompleter, CompletionCandidate};

use super::{Cli, output};
use crate::error::Error;
use crate::store::prelude::*;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  prapp completions bash > ~/.local/share/bash-completion/completions/prapp\n  prapp completions zsh > \"${fpath[1]}/_prapp\"\n  prapp completions fish > ~/.config/fish/completions/prapp.fish"
)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, powershell or elvish
    #[arg(value_enum)]
    pub shell: Shell,
    /// Print a script that asks prapp itself at each <Tab>, so session ids and prefixes come
    /// from your store (the binary must be on PATH)
    #[arg(long)]
    pub dynamic: bool,
}

/// The environment variable the dynamic completion scripts set when they call prapp.
pub const COMPLETE_VAR: &str = "PRAPP_COMPLETE";

/// Answers a dynamic completion request and exits, when the shell script is asking.
pub fn complete_if_asked() {
    clap_complete::CompleteEnv::with_factory(Cli::command)
        .var(COMPLETE_VAR)
        .complete();
}

/// Completes session ids (and prefixes) from the local store, newest first, with a short
/// description where the shell shows one (zsh, fish).
pub fn session_ids() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| -> Vec<CompletionCandidate> {
        let Some(prefix) = current.to_str() else {
            return Vec::new();
        };
        let Ok(paths) = crate::config::Paths::resolve(None) else {
            return Vec::new();
        };
        // Completion never creates a database.
        if !paths.data_dir.join(crate::store::DB_FILE).exists() {
            return Vec::new();
        }
        let Ok(store) = crate::store::Store::open(&paths.data_dir) else {
            return Vec::new();
        };
        let Ok(user) = store.local_user() else {
            return Vec::new();
        };
        store
            .sessions_with_prefix(user.user_id, prefix, 50)
            .unwrap_or_default()
            .into_iter()
            .map(|s| {
                let mut help = format!(
                    "{} {} · {}",
                    s.kind,
                    s.subtype.unwrap_or_default(),
                    s.status
                );
                if let Some(a) = s.agenda.filter(|a| !a.is_empty()) {
                    help.push_str(" · ");
                    help.push_str(&output::truncate(&a, 40));
                }
                CompletionCandidate::new(s.id).help(Some(help.into()))
            })
            .collect()
    })
}

/// Completes preparation types.
pub fn preparation_types() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        crate::domain::PreparationType::ALL
            .iter()
            .map(|t| CompletionCandidate::new(t.as_str()))
            .collect::<Vec<_>>()
    })
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  prapp man | man -l -\n  prapp man --out ~/.local/share/man/man1"
)]
pub struct ManArgs {
    /// Write prapp.1 and one page per subcommand (prapp-session-new.1, …) into this directory
    /// instead of printing prapp.1
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

pub fn completions(args: CompletionsArgs) -> Result<i32> {
    let mut cmd = Cli::command();
    let mut out = std::io::stdout().lock();
    if args.dynamic {
        let shells = clap_complete::env::Shells::builtins();
        let name = args.shell.to_string();
        let shell = shells.completer(&name).ok_or_else(|| {
            Error::Input(format!(
                "no dynamic completion for {name} — one of {}",
                shells.names().collect::<Vec<_>>().join(", ")
            ))
        })?;
        shell.write_registration(COMPLETE_VAR, "prapp", "prapp", "prapp", &mut out)?;
        out.flush()?;
        return Ok(0);
    }
    // Into memory first: clap_complete panics on a write error, and `| head -1` closes the pipe.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "prapp", &mut script);
    out.write_all(&script)?;
    out.flush()?;
    Ok(0)
}

pub fn man(args: ManArgs) -> Result<i32> {
    let cmd = Cli::command();
    let Some(dir) = args.out else {
        let mut out = std::io::stdout().lock();
        clap_mangen::Man::new(cmd).render(&mut out)?;
        return Ok(0);
    };
    std::fs::create_dir_all(&dir)
        .map_err(|e| Error::io(format!("cannot create {}", dir.display()), e))?;
    let mut written = 0;
    let mut pages = vec![("prapp".to_string(), cmd.clone())];
    while let Some((name, c)) = pages.pop() {
        let path = dir.join(format!("{name}.1"));
        let mut file = std::fs::File::create(&path)
            .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))?;
        clap_mangen::Man::new(c.clone().name(name.clone())).render(&mut file)?;
        written += 1;
        for sub in c.get_subcommands().filter(|s| !s.is_hide_set()) {
            pages.push((format!("{name}-{}", sub.get_name()), sub.clone()));
        }
    }
    writeln!(
        output::hints(),
        "wrote {written} man pages to {}",
        dir.display()
    )?;
    Ok(0)
}
