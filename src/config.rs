//! Where prapp keeps things and how it is configured.
//!
//! Paths come from the platform conventions via `directories`, overridden by `--data-dir` /
//! `PRAPP_HOME` (and `PRAPP_CONFIG_DIR`, `PRAPP_CONFIG`). Settings come in layers, each one
//! overriding the one before: built-in defaults < the config file (TOML) < `PRAPP_*` environment
//! < flags. [`Settings`] remembers where every value came from, for `prapp config show`.
//! API keys are never settings: they live in the keyring ([`crate::secrets`]).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub struct Paths {
    pub data_dir: PathBuf,
    pub config_dir: PathBuf,
    /// Logs (`PRAPP_LOG`): the platform state dir where there is one, else the cache dir.
    pub log_dir: PathBuf,
}

/// An environment variable, with an empty value counted as unset (as XDG asks).
pub fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl Paths {
    /// `flag` is `--data-dir`; then `PRAPP_HOME`; then the platform data dir.
    pub fn resolve(flag: Option<PathBuf>) -> Result<Paths> {
        let dirs = directories::ProjectDirs::from("", "", "prapp");
        let data_dir = flag
            .or_else(|| env_var("PRAPP_HOME").map(PathBuf::from))
            .or_else(|| dirs.as_ref().map(|d| d.data_dir().to_path_buf()))
            .ok_or_else(|| {
                Error::Input(
                    "cannot find a home directory for prapp's data — set PRAPP_HOME or pass --data-dir"
                        .into(),
                )
            })?;
        let config_dir = env_var("PRAPP_CONFIG_DIR")
            .map(PathBuf::from)
            .or_else(|| dirs.as_ref().map(|d| d.config_dir().to_path_buf()))
            .unwrap_or_else(|| data_dir.clone());
        let log_dir = env_var("PRAPP_LOG_DIR")
            .map(PathBuf::from)
            .or_else(|| {
                dirs.as_ref()
                    .map(|d| d.state_dir().unwrap_or_else(|| d.cache_dir()).join("logs"))
            })
            .unwrap_or_else(|| data_dir.join("logs"));
        Ok(Paths {
            data_dir,
            config_dir,
            log_dir,
        })
    }

    /// `PRAPP_CONFIG`, else `config.toml` in the config dir.
    pub fn config_file(&self) -> PathBuf {
        env_var("PRAPP_CONFIG")
            .map(PathBuf::from)
            .unwrap_or_else(|| self.config_dir.join("config.toml"))
    }

    /// Reads the config file; a missing file is the defaults. Errors name the file, line and key.
    pub fn load_config(&self) -> Result<FileConfig> {
        let path = self.config_file();
        match std::fs::read_to_string(&path) {
            Ok(text) => FileConfig::parse(&text, &path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(FileConfig::default()),
            Err(e) => Err(Error::io(
                format!("cannot read config file {}", path.display()),
                e,
            )),
        }
    }
}

/// Replaces `path` with `text` atomically: a temp file in the same dir (mode 0600 on Unix, as
/// tempfile creates them), renamed over the old one, so a crash never leaves half a file. The
/// dir must exist.
pub fn write_atomically(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    let io = |e| Error::io(format!("cannot write {}", path.display()), e);
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    tmp.write_all(text.as_bytes()).map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// Who answers for the AI, when an LLM is configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// No model: the built-in offline coach and judge.
    None,
    #[value(name = "openai")]
    #[serde(rename = "openai")]
    OpenAi,
    Ollama,
    #[value(name = "llamacpp")]
    #[serde(rename = "llamacpp")]
    LlamaCpp,
    /// Any other OpenAI-compatible server (vLLM, LM Studio, a proxy…): set base-url and model.
    Custom,
}

impl Provider {
    pub const ALL: [Provider; 5] = [
        Provider::None,
        Provider::OpenAi,
        Provider::Ollama,
        Provider::LlamaCpp,
        Provider::Custom,
    ];

    /// The base URL a provider's server listens on out of the box.
    pub fn preset_base_url(self) -> Option<&'static str> {
        match self {
            Provider::OpenAi => Some("https://api.openai.com/v1"),
            Provider::Ollama => Some("http://localhost:11434/v1"),
            Provider::LlamaCpp => Some("http://localhost:8080/v1"),
            Provider::None | Provider::Custom => None,
        }
    }

    /// A sensible model to start with (llama.cpp serves whatever it loaded, whatever the name).
    pub fn preset_model(self) -> Option<&'static str> {
        match self {
            Provider::OpenAi => Some("gpt-4o-mini"),
            Provider::Ollama => Some("llama3.2"),
            Provider::LlamaCpp => Some("local"),
            Provider::None | Provider::Custom => None,
        }
    }

    /// Whether the provider refuses requests without a key (local servers take none).
    pub fn needs_key(self) -> bool {
        self == Provider::OpenAi
    }

    /// Whether `OPENAI_API_KEY` / `OPENAI_BASE_URL` apply (they would be surprising for a local
    /// Ollama or llama.cpp).
    fn reads_openai_env(self) -> bool {
        matches!(self, Provider::OpenAi | Provider::Custom)
    }
}

/// Which coach speaks: `auto` is the LLM when a provider is configured, else the built-in one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum CoachChoice {
    Auto,
    Builtin,
    Llm,
}

/// Which judge evaluates: `auto` is the LLM when a provider is configured, else the heuristic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum JudgeChoice {
    Auto,
    Heuristic,
    Llm,
}

macro_rules! str_enum {
    ($t:ty, $what:literal, [$($v:ident => $s:literal),+]) => {
        impl $t {
            pub fn name(self) -> &'static str {
                match self { $(Self::$v => $s),+ }
            }
        }
        impl FromStr for $t {
            type Err = String;
            fn from_str(s: &str) -> std::result::Result<Self, String> {
                match s.trim().to_ascii_lowercase().as_str() {
                    $($s => Ok(Self::$v),)+
                    _ => Err(format!(
                        "unknown {} '{}' — one of {}",
                        $what,
                        s.trim(),
                        [$($s),+].join(", ")
                    )),
                }
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

str_enum!(Provider, "provider", [None => "none", OpenAi => "openai", Ollama => "ollama", LlamaCpp => "llamacpp", Custom => "custom"]);
str_enum!(CoachChoice, "coach", [Auto => "auto", Builtin => "builtin", Llm => "llm"]);
str_enum!(JudgeChoice, "judge", [Auto => "auto", Heuristic => "heuristic", Llm => "llm"]);

/// The config file (TOML, kebab-case keys as on the command line). Only what is implemented is
/// accepted, so a typo is an error, not a silently ignored setting.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FileConfig {
    pub provider: Option<Provider>,
    pub model: Option<String>,
    pub base_url: Option<String>,
    pub coach: Option<CoachChoice>,
    pub judge: Option<JudgeChoice>,
    pub connect_timeout: Option<u64>,
    pub request_timeout: Option<u64>,
    pub idle_timeout: Option<u64>,
    pub max_retries: Option<u32>,
    pub context_window: Option<u64>,
    /// The practice screen's key remapping: action = "key".
    #[serde(default)]
    pub keys: BTreeMap<String, String>,
}

impl FileConfig {
    pub fn parse(text: &str, path: &Path) -> Result<FileConfig> {
        toml::from_str(text).map_err(|e| {
            let start = e.span().map(|s| s.start.min(text.len())).unwrap_or(0);
            let line = text[..start].matches('\n').count() + 1;
            let mut message = e.message().trim().replace('\n', " ");
            // Type errors point at the value: name the key it belongs to.
            let line_text = text.lines().nth(line - 1).unwrap_or("");
            if let Some((key, _)) = line_text.split_once('=') {
                let key = key.trim().trim_matches('"');
                if !key.is_empty() && !message.contains(key) {
                    message = format!("{key}: {message}");
                }
            }
            Error::Input(format!(
                "config file {}, line {line}: {message} — fix it with `prapp config edit`",
                path.display(),
            ))
        })
    }
}

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Default,
    File,
    Env(&'static str),
    Flag(&'static str),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Default => f.write_str("default"),
            Source::File => f.write_str("config file"),
            Source::Env(v) => write!(f, "env {v}"),
            Source::Flag(v) => write!(f, "flag {v}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layered<T> {
    pub value: T,
    pub source: Source,
}

/// What the command line said; `None` leaves the lower layers in charge.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    pub provider: Option<Provider>,
    pub model: Option<String>,
    pub base_url: Option<String>,
    pub coach: Option<CoachChoice>,
    pub judge: Option<JudgeChoice>,
}

/// Every setting with its value and where it came from.
#[derive(Debug, Clone)]
pub struct Settings {
    pub provider: Layered<Provider>,
    /// None only for `custom` (or `none`) with nothing set.
    pub model: Layered<Option<String>>,
    pub base_url: Layered<Option<String>>,
    pub coach: Layered<CoachChoice>,
    pub judge: Layered<JudgeChoice>,
    pub connect_timeout: Layered<u64>,
    pub request_timeout: Layered<u64>,
    pub idle_timeout: Layered<u64>,
    pub max_retries: Layered<u32>,
    /// The model's context window in tokens: what the coach's history and the judge's transcript
    /// are fitted to.
    pub context_window: Layered<u64>,
    pub keys: BTreeMap<String, String>,
    pub file: PathBuf,
}

/// The settings `prapp config set/get/unset` know, with their environment variables.
pub const KEYS: &[(&str, &str, &str)] = &[
    (
        "provider",
        "PRAPP_PROVIDER",
        "none (offline), openai, ollama, llamacpp or custom",
    ),
    (
        "model",
        "PRAPP_MODEL",
        "the model name the provider knows, e.g. gpt-4o-mini",
    ),
    (
        "base-url",
        "PRAPP_BASE_URL",
        "the OpenAI-compatible API root, e.g. http://localhost:11434/v1",
    ),
    (
        "coach",
        "PRAPP_COACH",
        "auto (LLM when a provider is set), builtin or llm",
    ),
    (
        "judge",
        "PRAPP_JUDGE",
        "auto (LLM when a provider is set), heuristic or llm",
    ),
    (
        "connect-timeout",
        "PRAPP_CONNECT_TIMEOUT",
        "seconds to wait for a connection",
    ),
    (
        "request-timeout",
        "PRAPP_REQUEST_TIMEOUT",
        "seconds a whole (non-streamed) request may take",
    ),
    (
        "idle-timeout",
        "PRAPP_IDLE_TIMEOUT",
        "seconds a streamed reply may stall",
    ),
    (
        "max-retries",
        "PRAPP_MAX_RETRIES",
        "retries on connection errors, 429 and 5xx",
    ),
    (
        "context-window",
        "PRAPP_CONTEXT_WINDOW",
        "the model's context in tokens (llama.cpp -c, Ollama num_ctx), default 8192",
    ),
];

fn env_name(key: &str) -> &'static str {
    KEYS.iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, e, _)| *e)
        .unwrap_or("")
}

/// flag > environment (`vars` in order) > file > default, parsing environment values with the
/// variable named in the error.
fn pick<T: FromStr<Err = E>, E: fmt::Display>(
    flag: Option<(T, &'static str)>,
    vars: &[&'static str],
    file: Option<T>,
    default: T,
) -> Result<Layered<T>> {
    if let Some((value, name)) = flag {
        return Ok(Layered {
            value,
            source: Source::Flag(name),
        });
    }
    for var in vars {
        if let Some(raw) = env_var(var) {
            let value = raw
                .parse::<T>()
                .map_err(|e| Error::Input(format!("{var}={raw}: {e}")))?;
            return Ok(Layered {
                value,
                source: Source::Env(var),
            });
        }
    }
    Ok(match file {
        Some(value) => Layered {
            value,
            source: Source::File,
        },
        None => Layered {
            value: default,
            source: Source::Default,
        },
    })
}

/// A string setting whose "unset" is `None` (model, base URL).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Text(String);

impl FromStr for Text {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Ok(Text(s.trim().to_string()))
    }
}

/// A whole number of seconds or retries, with a range.
fn number<T: FromStr + Into<u64> + Copy>(key: &str, l: Layered<T>, max: u64) -> Result<Layered<T>> {
    let v: u64 = l.value.into();
    if v > max || (v == 0 && key.ends_with("timeout")) {
        return Err(Error::Input(format!(
            "{key} = {v} ({}) is out of range — use 1..={max}",
            l.source
        )));
    }
    Ok(l)
}

/// The context window assumed when none is set: what current models offer at the least.
pub const DEFAULT_CONTEXT_WINDOW: u64 = 8192;
/// Below this the judge's instructions and a short transcript do not fit.
pub const MIN_CONTEXT_WINDOW: u64 = 1024;
pub const MAX_CONTEXT_WINDOW: u64 = 10_000_000;

fn context_window(l: Layered<u64>) -> Result<Layered<u64>> {
    if !(MIN_CONTEXT_WINDOW..=MAX_CONTEXT_WINDOW).contains(&l.value) {
        return Err(Error::Input(format!(
            "context-window = {} ({}) is out of range — use {MIN_CONTEXT_WINDOW}..={MAX_CONTEXT_WINDOW} tokens",
            l.value, l.source
        )));
    }
    Ok(l)
}

impl Settings {
    /// Resolves every layer. The config file must parse; a bad environment value is named.
    pub fn resolve(paths: &Paths, flags: &Flags) -> Result<Settings> {
        let file = paths.load_config()?;
        Self::from_layers(file, paths.config_file(), flags)
    }

    pub fn from_layers(file: FileConfig, path: PathBuf, flags: &Flags) -> Result<Settings> {
        let provider = pick(
            flags.provider.map(|p| (p, "--provider")),
            &["PRAPP_PROVIDER"],
            file.provider,
            Provider::None,
        )?;
        let p = provider.value;
        let openai_vars = |prapp: &'static str, openai: &'static str| -> Vec<&'static str> {
            if p.reads_openai_env() {
                vec![prapp, openai]
            } else {
                vec![prapp]
            }
        };
        let text = |l: Layered<Text>| Layered {
            value: Some(l.value.0).filter(|s| !s.is_empty()),
            source: l.source,
        };
        let model = text(pick(
            flags.model.clone().map(|m| (Text(m), "--model")),
            &["PRAPP_MODEL"],
            file.model.map(Text),
            Text(p.preset_model().unwrap_or_default().to_string()),
        )?);
        let base_url = text(pick(
            flags.base_url.clone().map(|u| (Text(u), "--base-url")),
            &openai_vars("PRAPP_BASE_URL", "OPENAI_BASE_URL"),
            file.base_url.map(Text),
            Text(p.preset_base_url().unwrap_or_default().to_string()),
        )?);
        if let Some(url) = &base_url.value
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(Error::Input(format!(
                "base-url '{url}' ({}) is not an http(s) URL — e.g. http://localhost:11434/v1",
                base_url.source
            )));
        }
        let coach = pick(
            flags.coach.map(|c| (c, "--coach")),
            &["PRAPP_COACH"],
            file.coach,
            CoachChoice::Auto,
        )?;
        let judge = pick(
            flags.judge.map(|j| (j, "--judge")),
            &["PRAPP_JUDGE"],
            file.judge,
            JudgeChoice::Auto,
        )?;
        let secs = |key: &'static str, file: Option<u64>, default: u64| {
            number(key, pick(None, &[env_name(key)], file, default)?, 3600)
        };
        Ok(Settings {
            provider,
            model,
            base_url,
            coach,
            judge,
            connect_timeout: secs("connect-timeout", file.connect_timeout, 10)?,
            request_timeout: secs("request-timeout", file.request_timeout, 120)?,
            idle_timeout: secs("idle-timeout", file.idle_timeout, 30)?,
            max_retries: number(
                "max-retries",
                pick(None, &["PRAPP_MAX_RETRIES"], file.max_retries, 3)?,
                10,
            )?,
            context_window: context_window(pick(
                None,
                &["PRAPP_CONTEXT_WINDOW"],
                file.context_window,
                DEFAULT_CONTEXT_WINDOW,
            )?)?,
            keys: file.keys,
            file: path,
        })
    }

    /// The environment variables an API key is read from, before the keyring.
    pub fn key_vars(&self) -> &'static [&'static str] {
        if self.provider.value.reads_openai_env() {
            &["PRAPP_API_KEY", "OPENAI_API_KEY"]
        } else {
            &["PRAPP_API_KEY"]
        }
    }

    /// Whether the coach is an LLM, given a per-session choice that overrides the setting.
    pub fn coach_is_llm(&self, session_choice: Option<CoachChoice>) -> bool {
        match session_choice.unwrap_or(self.coach.value) {
            CoachChoice::Llm => true,
            CoachChoice::Builtin => false,
            CoachChoice::Auto => self.provider.value != Provider::None,
        }
    }

    pub fn judge_is_llm(&self) -> bool {
        match self.judge.value {
            JudgeChoice::Llm => true,
            JudgeChoice::Heuristic => false,
            JudgeChoice::Auto => self.provider.value != Provider::None,
        }
    }

    /// Each setting as (key, value, source) for `prapp config show`.
    pub fn rows(&self) -> Vec<(&'static str, String, &Source)> {
        let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "(unset)".into());
        vec![
            (
                "provider",
                self.provider.value.to_string(),
                &self.provider.source,
            ),
            ("model", opt(&self.model.value), &self.model.source),
            ("base-url", opt(&self.base_url.value), &self.base_url.source),
            ("coach", self.coach.value.to_string(), &self.coach.source),
            ("judge", self.judge.value.to_string(), &self.judge.source),
            (
                "connect-timeout",
                self.connect_timeout.value.to_string(),
                &self.connect_timeout.source,
            ),
            (
                "request-timeout",
                self.request_timeout.value.to_string(),
                &self.request_timeout.source,
            ),
            (
                "idle-timeout",
                self.idle_timeout.value.to_string(),
                &self.idle_timeout.source,
            ),
            (
                "max-retries",
                self.max_retries.value.to_string(),
                &self.max_retries.source,
            ),
            (
                "context-window",
                self.context_window.value.to_string(),
                &self.context_window.source,
            ),
        ]
    }
}

/// Checks a value for `prapp config set KEY VALUE` and turns it into its TOML form.
pub fn toml_value(key: &str, value: &str) -> Result<toml_edit::Value> {
    let bad = |e: String| Error::Input(format!("{key}: {e}"));
    let v = value.trim();
    Ok(match key {
        "provider" => v.parse::<Provider>().map_err(bad)?.name().into(),
        "coach" => v.parse::<CoachChoice>().map_err(bad)?.name().into(),
        "judge" => v.parse::<JudgeChoice>().map_err(bad)?.name().into(),
        "model" if !v.is_empty() => v.into(),
        "base-url" if v.starts_with("http://") || v.starts_with("https://") => {
            v.trim_end_matches('/').into()
        }
        "base-url" => {
            return Err(bad(format!(
                "'{v}' is not an http(s) URL — e.g. http://localhost:11434/v1"
            )));
        }
        "connect-timeout" | "request-timeout" | "idle-timeout" | "max-retries" => {
            let n: i64 = v
                .trim_end_matches('s')
                .parse()
                .map_err(|_| bad(format!("'{v}' is not a whole number")))?;
            let max = if key == "max-retries" { 10 } else { 3600 };
            let min = if key == "max-retries" { 0 } else { 1 };
            if !(min..=max).contains(&n) {
                return Err(bad(format!("{n} is out of range — use {min}..={max}")));
            }
            n.into()
        }
        "context-window" => {
            let n: u64 = v
                .parse()
                .map_err(|_| bad(format!("'{v}' is not a whole number of tokens")))?;
            if !(MIN_CONTEXT_WINDOW..=MAX_CONTEXT_WINDOW).contains(&n) {
                return Err(bad(format!(
                    "{n} is out of range — use {MIN_CONTEXT_WINDOW}..={MAX_CONTEXT_WINDOW}"
                )));
            }
            (n as i64).into()
        }
        "model" => return Err(bad("the model name is empty".into())),
        _ => return Err(unknown_key(key)),
    })
}

pub fn unknown_key(key: &str) -> Error {
    Error::Input(format!(
        "unknown setting '{key}' — one of {} (API keys: `prapp config set-key`)",
        KEYS.iter()
            .map(|(k, _, _)| *k)
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_presets_fill_base_url_and_model() {
        let file = FileConfig {
            provider: Some(Provider::Ollama),
            ..Default::default()
        };
        let s = Settings::from_layers(file, PathBuf::from("c.toml"), &Flags::default()).unwrap();
        assert_eq!(
            s.base_url.value.as_deref(),
            Some("http://localhost:11434/v1")
        );
        assert_eq!(s.base_url.source, Source::Default);
        assert_eq!(s.provider.source, Source::File);
        assert!(s.coach_is_llm(None));
        assert!(!s.coach_is_llm(Some(CoachChoice::Builtin)));
    }

    #[test]
    fn flags_beat_the_file() {
        let file = FileConfig {
            model: Some("from-file".into()),
            ..Default::default()
        };
        let flags = Flags {
            model: Some("from-flag".into()),
            ..Default::default()
        };
        let s = Settings::from_layers(file, PathBuf::from("c.toml"), &flags).unwrap();
        assert_eq!(s.model.value.as_deref(), Some("from-flag"));
        assert_eq!(s.model.source, Source::Flag("--model"));
    }

    #[test]
    fn set_values_are_checked() {
        assert!(toml_value("provider", "ollama").is_ok());
        assert!(
            toml_value("provider", "olama")
                .unwrap_err()
                .to_string()
                .contains("one of none, openai")
        );
        assert!(toml_value("base-url", "localhost:1234").is_err());
        assert!(toml_value("idle-timeout", "0").is_err());
        assert!(toml_value("max-retries", "0").is_ok());
        assert!(toml_value("colour", "x").is_err());
    }

    #[test]
    fn file_type_errors_name_line_and_key() {
        let err = FileConfig::parse(
            "provider = \"ollama\"\n\nmax-retries = \"three\"\n",
            Path::new("/x/config.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("/x/config.toml, line 3"), "{err}");
        let err = FileConfig::parse("modle = \"x\"\n", Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 1") && err.contains("modle"), "{err}");
    }
}
