//! `prapp config`: where the config lives, what is in effect and why, changing it (keeping the
//! file's comments), editing it with a check before saving, and the API key in the keyring.

use std::io::{IsTerminal, Read, Write};
use std::path::Path;

use anyhow::Result;
use clap::{Args, Subcommand};
use serde_json::json;

use super::output::{self, BOLD, DIM, WARN, paint};
use crate::config::{self, FileConfig, Paths, Provider, Settings};
use crate::engines::{api_key, key_name};
use crate::error::Error;
use crate::secrets::Secrets;

#[derive(Debug, Subcommand)]
pub enum ConfigCmd {
    /// Print the config file's path
    #[command(after_help = "Example:\n  $EDITOR \"$(prapp config path)\"")]
    Path,
    /// Show every setting, its value and where it comes from (default, file, env, flag)
    #[command(
        after_help = "Examples:\n  prapp config show\n  PRAPP_MODEL=llama3.1 prapp config show --json\n\nLayers: defaults < config file < PRAPP_* environment < flags."
    )]
    Show {
        #[arg(long)]
        json: bool,
    },
    /// Print one setting's value in effect
    #[command(after_help = "Example:\n  prapp config get model")]
    Get { key: String },
    /// Change a setting in the config file (comments and layout are kept)
    #[command(
        after_help = "Examples:\n  prapp config set provider ollama\n  prapp config set model gpt-4o-mini\n  prapp config set base-url http://localhost:8080/v1\n\nSettings: provider, model, base-url, coach, judge, connect-timeout, request-timeout,\nidle-timeout, max-retries, context-window. See also: prapp config set-key"
    )]
    Set { key: String, value: String },
    /// Remove a setting from the config file, back to its default
    #[command(after_help = "Example:\n  prapp config unset base-url")]
    Unset { key: String },
    /// Open the config file in $VISUAL/$EDITOR; it is checked before it is saved
    #[command(after_help = "Example:\n  EDITOR=nano prapp config edit")]
    Edit,
    /// Store the provider's API key in the OS keyring (prompted without echo, or --stdin)
    #[command(
        after_help = "Examples:\n  prapp config set-key\n  pass show openai | prapp config set-key --stdin\n\nThe key never goes to the config file, logs or the database. PRAPP_API_KEY (and\nOPENAI_API_KEY for openai/custom) override the stored key."
    )]
    SetKey(KeyArgs),
    /// Remove the provider's stored API key
    #[command(after_help = "Example:\n  prapp config delete-key --provider openai")]
    DeleteKey,
}

#[derive(Debug, Args)]
pub struct KeyArgs {
    /// Read the key from stdin instead of prompting
    #[arg(long)]
    stdin: bool,
}

/// "set (…f3a9)": enough to tell two keys apart, never enough to use one.
fn masked(key: &str) -> String {
    let tail: String = key
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if key.chars().count() >= 12 {
        format!("set (…{tail})")
    } else {
        "set".into()
    }
}

pub fn run(paths: &Paths, flags: &config::Flags, cmd: ConfigCmd) -> Result<i32> {
    let file = paths.config_file();
    let mut out = output::stdout();
    match cmd {
        ConfigCmd::Path => writeln!(out, "{}", file.display())?,
        ConfigCmd::Show { json } => {
            let settings = Settings::resolve(paths, flags)?;
            let secrets = Secrets::open(paths);
            let key = api_key(&settings, &secrets)?;
            if json {
                let mut map = serde_json::Map::new();
                for (k, v, src) in settings.rows() {
                    map.insert(k.into(), json!({"value": v, "source": src.to_string()}));
                }
                output::json(
                    &mut out,
                    &json!({
                        "config_file": file,
                        "config_file_exists": file.exists(),
                        "settings": map,
                        "api_key": {"set": key.is_some(), "source": key.as_ref().map(|k| &k.1)},
                        "secrets": secrets.describe(),
                    }),
                )?;
            } else {
                let exists = if file.exists() {
                    ""
                } else {
                    " (not created yet)"
                };
                writeln!(
                    out,
                    "{} {}{}",
                    paint(BOLD, "config file"),
                    file.display(),
                    paint(DIM, exists)
                )?;
                for (k, v, src) in settings.rows() {
                    writeln!(out, "{k:<16} {v:<36} {}", paint(DIM, src))?;
                }
                let (v, src) = match &key {
                    Some((k, src)) => (masked(k), src.clone()),
                    None if settings.provider.value.needs_key() => (
                        paint(WARN, "not set — run `prapp config set-key`"),
                        String::new(),
                    ),
                    None => ("not set".into(), String::new()),
                };
                writeln!(out, "{:<16} {v:<36} {}", "api-key", paint(DIM, src))?;
                writeln!(out, "{:<16} {}", "secrets", secrets.describe())?;
            }
        }
        ConfigCmd::Get { key } => {
            let settings = Settings::resolve(paths, flags)?;
            let value = settings
                .rows()
                .into_iter()
                .find(|(k, _, _)| *k == key)
                .map(|(_, v, _)| v)
                .ok_or_else(|| config::unknown_key(&key))?;
            writeln!(out, "{value}")?;
        }
        ConfigCmd::Set { key, value } => {
            let v = config::toml_value(&key, &value)?;
            let shown = v.to_string().trim().to_string();
            edit_file(&file, |doc| {
                doc[key.as_str()] = toml_edit::Item::Value(v);
            })?;
            writeln!(out, "{key} = {shown}   {}", paint(DIM, file.display()))?;
            if key == "provider" {
                hint_after_provider(paths, flags)?;
            }
        }
        ConfigCmd::Unset { key } => {
            if !config::KEYS.iter().any(|(k, _, _)| *k == key) {
                return Err(config::unknown_key(&key).into());
            }
            let mut had = false;
            if file.exists() {
                edit_file(&file, |doc| had = doc.remove(&key).is_some())?;
            }
            if had {
                writeln!(out, "{key} unset   {}", paint(DIM, file.display()))?;
            } else {
                writeln!(out, "{key} was not set in {}", file.display())?;
            }
        }
        ConfigCmd::Edit => return edit(&file),
        ConfigCmd::SetKey(args) => {
            // Whose key: --provider, else the configured provider.
            let provider = Settings::resolve(paths, flags)?.provider.value;
            if provider == Provider::None {
                return Err(Error::Input(
                    "no provider is configured — run `prapp config set provider openai` (or ollama, llamacpp, custom) first, or pass --provider".into(),
                )
                .into());
            }
            let key = read_key(args.stdin, provider)?;
            let secrets = Secrets::open(paths);
            secrets.set(&key_name(provider), &key)?;
            if let Some(w) = secrets.fallback_warning() {
                // Always said, even under -q: the user must know where the key went.
                writeln!(output::stderr(), "{} {w}", paint(WARN, "note:"))?;
            }
            writeln!(
                out,
                "API key for {provider} stored ({}) — `prapp doctor` checks it works",
                masked(&key)
            )?;
        }
        ConfigCmd::DeleteKey => {
            let provider = Settings::resolve(paths, flags)?.provider.value;
            if Secrets::open(paths).delete(&key_name(provider))? {
                writeln!(out, "API key for {provider} removed")?;
            } else {
                writeln!(out, "no API key for {provider} was stored")?;
            }
        }
    }
    Ok(0)
}

/// After `config set provider`: what is still missing.
fn hint_after_provider(paths: &Paths, flags: &config::Flags) -> Result<()> {
    let settings = Settings::resolve(paths, flags)?;
    let p = settings.provider.value;
    let mut err = output::hints();
    if let (Some(url), Some(model)) = (&settings.base_url.value, &settings.model.value) {
        writeln!(err, "{}", paint(DIM, format!("using {url}, model {model}")))?;
    } else if p == Provider::Custom {
        writeln!(
            err,
            "next: prapp config set base-url <URL>; prapp config set model <NAME>"
        )?;
    }
    if p.needs_key() && api_key(&settings, &Secrets::open(paths))?.is_none() {
        writeln!(err, "next: prapp config set-key")?;
    }
    Ok(())
}

fn read_key(from_stdin: bool, provider: Provider) -> Result<String> {
    let key = if from_stdin || !std::io::stdin().is_terminal() {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        s
    } else {
        rpassword::prompt_password(format!("API key for {provider} (input hidden): "))?
    };
    let key = key.trim().to_string();
    if key.is_empty() {
        return Err(Error::Input("the key is empty — nothing was stored".into()).into());
    }
    if key.chars().any(char::is_whitespace) {
        return Err(Error::Input(
            "the key contains spaces or line breaks — paste only the key itself".into(),
        )
        .into());
    }
    Ok(key)
}

/// Reads the file (or starts an empty one), applies `change` with toml_edit so comments and
/// layout stay, checks the result parses as a config, and writes it atomically.
fn edit_file(path: &Path, change: impl FnOnce(&mut toml_edit::DocumentMut)) -> Result<()> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::io(format!("cannot read {}", path.display()), e).into()),
    };
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        Error::Input(format!(
            "config file {} does not parse: {} — fix it with `prapp config edit`",
            path.display(),
            e.message()
        ))
    })?;
    change(&mut doc);
    let new = doc.to_string();
    FileConfig::parse(&new, path)?;
    write_atomically(path, &new)
}

fn write_atomically(path: &Path, text: &str) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    create_config_dir(dir)?;
    Ok(config::write_atomically(path, text)?)
}

const TEMPLATE: &str = "\
# prapp configuration — `prapp config show` lists every setting and where it comes from.
# Layers: built-in defaults < this file < PRAPP_* environment < flags.
#
# provider = \"ollama\"        # none (offline), openai, ollama, llamacpp, custom
# model = \"llama3.2\"
# base-url = \"http://localhost:11434/v1\"
# coach = \"auto\"             # auto, builtin, llm
# judge = \"auto\"             # auto, heuristic, llm
# idle-timeout = 30          # seconds a streamed reply may stall
# context-window = 8192      # the model's context in tokens (llama.cpp -c, Ollama num_ctx)
#
# [keys]                     # the practice screen's keys: action = \"key\"
# quit = \"q\"
";

/// `crontab -e` style: edit a copy, check it, then replace the file. An invalid edit is never
/// saved and never lost: on a terminal you may edit again; otherwise the copy's path is printed.
fn edit(path: &Path) -> Result<i32> {
    let original = match std::fs::read_to_string(path) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io(format!("cannot read {}", path.display()), e).into()),
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    create_config_dir(dir)?;
    let copy = tempfile::Builder::new()
        .prefix(".config.")
        .suffix(".toml")
        .tempfile_in(dir)
        .map_err(|e| Error::io("cannot create a temp copy of the config", e))?;
    std::fs::write(copy.path(), original.as_deref().unwrap_or(TEMPLATE))
        .map_err(|e| Error::io("cannot write the temp copy of the config", e))?;
    loop {
        crate::editor::open(copy.path()).map_err(Error::Input)?;
        let text = std::fs::read_to_string(copy.path())
            .map_err(|e| Error::io("cannot read the edited config", e))?;
        if original.as_deref() == Some(text.as_str()) || (original.is_none() && text == TEMPLATE) {
            writeln!(output::hints(), "no changes")?;
            return Ok(0);
        }
        match FileConfig::parse(&text, path) {
            Ok(_) => {
                copy.persist(path)
                    .map_err(|e| Error::io(format!("cannot save {}", path.display()), e.error))?;
                writeln!(output::hints(), "saved {}", path.display())?;
                return Ok(0);
            }
            Err(e) => {
                let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
                if interactive {
                    write!(output::hints(), "{e}\nEdit again? [Y/n] ")?;
                    let mut answer = String::new();
                    std::io::stdin().read_line(&mut answer)?;
                    if !answer.trim().to_ascii_lowercase().starts_with('n') {
                        continue;
                    }
                }
                // Keep the edit for the user; the original stays untouched.
                let kept = copy
                    .keep()
                    .map_err(|e| Error::io("cannot keep the edited copy", e.error))?
                    .1;
                let e = e
                    .to_string()
                    .replace(" — fix it with `prapp config edit`", "");
                return Err(Error::Input(format!(
                    "{e}; not saved — your edit is in {}",
                    kept.display()
                ))
                .into());
            }
        }
    }
}

/// The config dir, owner-only (0700) whatever the umask, as the data dir is.
fn create_config_dir(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .map_err(|e| Error::io(format!("cannot create {}", dir.display()), e))?;
    Ok(())
}
