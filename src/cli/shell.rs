//! `prapp completions <shell>` and `prapp man`: generated from the clap definitions, so they
//! never drift from the real flags.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::{Cli, output};
use crate::error::Error;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  prapp completions bash > ~/.local/share/bash-completion/completions/prapp\n  prapp completions zsh > \"${fpath[1]}/_prapp\"\n  prapp completions fish > ~/.config/fish/completions/prapp.fish"
)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, powershell or elvish
    #[arg(value_enum)]
    pub shell: Shell,
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
    clap_complete::generate(args.shell, &mut cmd, "prapp", &mut out);
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
