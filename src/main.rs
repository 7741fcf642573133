//! prapp's entry point: parse the command line, run it, turn errors into one line and an exit code.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;
use prapp::cli::{self, Cli};
use prapp::error::{Error, exit};

fn main() -> ExitCode {
    // A shell asking for completions (`prapp completions bash --dynamic`) is answered and exits.
    cli::shell::complete_if_asked();
    let cli = Cli::parse();
    let code = match cli::run(cli) {
        Ok(code) => code,
        Err(err) => report(&err),
    };
    ExitCode::from(code.clamp(0, 255) as u8)
}

/// `prapp: <what went wrong> — <what to do>` on stderr; a closed pipe is not an error.
fn report(err: &anyhow::Error) -> i32 {
    for cause in err.chain() {
        if let Some(io) = cause.downcast_ref::<io::Error>()
            && io.kind() == io::ErrorKind::BrokenPipe
        {
            return exit::OK;
        }
    }
    let code = err
        .downcast_ref::<Error>()
        .map(Error::exit_code)
        .unwrap_or(exit::FAILURE);
    let mut msg = err.to_string();
    // Causes that the top message does not already say.
    for cause in err.chain().skip(1) {
        let c = cause.to_string();
        if !msg.contains(&c) {
            msg.push_str(": ");
            msg.push_str(&c);
        }
    }
    let _ = writeln!(io::stderr(), "prapp: {msg}");
    code
}
