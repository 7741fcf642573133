//! Turns settings into engines: which coach plays the counterpart and which judge evaluates.
//!
//! The built-in coach and heuristic judge need nothing. An LLM needs a provider, a base URL, a
//! model and (for OpenAI) a key; each missing piece is a one-line error naming the command that
//! sets it. The LLM client is built on first use, so commands that never call a model never
//! need one configured.
//!
//! Which coach answers a session: a `--coach` flag, else the coach the session was started
//! with (`session new --coach …` pins it), else the `coach` setting.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use crate::coach::Coach;
use crate::coach::builtin::BuiltinCoach;
use crate::coach::llm::LlmCoach;
use crate::config::{CoachChoice, Paths, Provider, Settings, Source, env_var};
use crate::error::{Error, Result};
use crate::eval::Evaluator;
use crate::eval::heuristic::HeuristicEvaluator;
use crate::eval::llm::LlmJudge;
use crate::llm::{BlockingClient, ClientConfig, Secret};
use crate::secrets::Secrets;

/// The keyring entry of a provider's API key.
pub fn key_name(provider: Provider) -> String {
    format!("api-key:{provider}")
}

/// The API key in effect and where it comes from: an environment variable, else the keyring.
pub fn api_key(settings: &Settings, secrets: &Secrets) -> Result<Option<(String, String)>> {
    for var in settings.key_vars() {
        if let Some(v) = env_var(var) {
            return Ok(Some((v.trim().to_string(), format!("env {var}"))));
        }
    }
    let name = key_name(settings.provider.value);
    Ok(secrets
        .get(&name)?
        .map(|k| (k.trim().to_string(), "keyring".to_string())))
}

/// The client configuration for the configured provider, and its label ("ollama/llama3.2").
pub fn client_config(settings: &Settings, paths: &Paths) -> Result<(ClientConfig, String)> {
    let provider = settings.provider.value;
    if provider == Provider::None {
        return Err(Error::Input(
            "no model provider is configured — `prapp config set provider ollama` (or openai, llamacpp, custom), or use the built-in coach with --coach builtin".into(),
        ));
    }
    let base_url = settings.base_url.value.clone().ok_or_else(|| {
        Error::Input(format!(
            "provider {provider} needs a base URL — `prapp config set base-url http://host:port/v1`"
        ))
    })?;
    let model = settings.model.value.clone().ok_or_else(|| {
        Error::Input(format!(
            "provider {provider} needs a model name — `prapp config set model NAME` (`prapp doctor` lists the server's models)"
        ))
    })?;
    let key = api_key(settings, &Secrets::open(paths))?;
    if key.is_none() && provider.needs_key() {
        return Err(Error::Input(format!(
            "no API key for {provider} — run `prapp config set-key` (or set OPENAI_API_KEY), or use --coach builtin"
        )));
    }
    let mut cfg = ClientConfig::new(base_url, model.clone());
    cfg.api_key = key.map(|(k, _)| Secret::new(k));
    cfg.connect_timeout = Duration::from_secs(settings.connect_timeout.value);
    cfg.request_timeout = Duration::from_secs(settings.request_timeout.value);
    cfg.idle_timeout = Duration::from_secs(settings.idle_timeout.value);
    cfg.max_retries = settings.max_retries.value;
    if let Some(ms) = env_var("PRAPP_RETRY_BASE_MS").and_then(|v| v.parse().ok()) {
        // Tests make the backoff short; nobody else needs to.
        cfg.retry_base_delay = Duration::from_millis(ms);
    }
    Ok((cfg, format!("{provider}/{model}")))
}

pub fn client(settings: &Settings, paths: &Paths) -> Result<(BlockingClient, String, String)> {
    let (cfg, label) = client_config(settings, paths)?;
    let model = cfg.model.clone();
    let client = BlockingClient::new(cfg).map_err(|e| Error::Input(e.to_string()))?;
    Ok((client, label, model))
}

/// The coaches and judge a process may use, built as needed.
pub struct Engines {
    settings: Settings,
    paths: Paths,
    builtin: BuiltinCoach,
    /// The embedding model and its vector store, opened once, when the coach or the judge first
    /// needs them (not at start: most commands never do).
    semantic: Arc<OnceLock<Option<Semantic>>>,
    llm: OnceLock<std::result::Result<LlmCoach, String>>,
    about_user: Option<String>,
}

impl Engines {
    pub fn new(settings: Settings, paths: Paths) -> Engines {
        let semantic: Arc<OnceLock<Option<Semantic>>> = Arc::default();
        let builtin = {
            let (cell, paths) = (semantic.clone(), paths.clone());
            BuiltinCoach::lazy(Arc::new(move || {
                cell.get_or_init(|| open_semantic(&paths)).clone()
            }))
        };
        Engines {
            settings,
            paths,
            builtin,
            semantic,
            llm: OnceLock::new(),
            about_user: None,
        }
    }

    /// What the LLM coach is told about the user (the local profile).
    pub fn with_about_user(mut self, about: Option<String>) -> Engines {
        self.about_user = about;
        self
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn builtin(&self) -> &BuiltinCoach {
        &self.builtin
    }

    /// The choice a `--coach` flag made, which beats a session's pin.
    fn flag_choice(&self) -> Option<CoachChoice> {
        matches!(self.settings.coach.source, Source::Flag(_)).then_some(self.settings.coach.value)
    }

    /// What to pin a new session to: only an explicit `--coach` choice is remembered.
    pub fn pin_for_new_session(&self) -> Option<&'static str> {
        self.flag_choice().map(|c| {
            if self.settings.coach_is_llm(Some(c)) {
                "llm"
            } else {
                "builtin"
            }
        })
    }

    /// How the coach for `pinned` is named in status bars, without building it.
    pub fn label(&self, pinned: Option<&str>) -> String {
        let pinned = pinned.and_then(|p| p.parse::<CoachChoice>().ok());
        if self.settings.coach_is_llm(self.flag_choice().or(pinned)) {
            format!(
                "{}/{}",
                self.settings.provider.value,
                self.settings.model.value.as_deref().unwrap_or("?")
            )
        } else {
            "built-in".into()
        }
    }

    /// The coach for a session pinned to `pinned` ("builtin"/"llm"), or for a new session.
    pub fn coach(&self, pinned: Option<&str>) -> Result<&dyn Coach> {
        let pinned = pinned.and_then(|p| p.parse::<CoachChoice>().ok());
        let choice = self.flag_choice().or(pinned);
        if !self.settings.coach_is_llm(choice) {
            return Ok(&self.builtin);
        }
        match self.llm.get_or_init(|| {
            llm_coach(&self.settings, &self.paths, self.about_user.clone())
                .map_err(|e| e.to_string())
        }) {
            Ok(coach) => Ok(coach),
            Err(e) => Err(Error::Input(e.clone())),
        }
    }

    /// The judge: the LLM when `judge` says so (`auto` with a provider), else the built-in one
    /// (by meaning when the embedding model is installed).
    pub fn judge(&self) -> Result<Box<dyn Evaluator>> {
        if !self.settings.judge_is_llm() {
            return Ok(Box::new(judge_of(self.semantic())));
        }
        Ok(Box::new(
            llm_judge(&self.settings, &self.paths)?.with_fallback(judge_of(self.semantic())),
        ))
    }

    /// What to tell the user once when the built-in judge has no embedding model.
    pub fn judge_hint(&self) -> Option<&'static str> {
        (!self.settings.judge_is_llm()
            && crate::semantic::files::installed(&self.paths.data_dir).is_none())
        .then_some(LEXICAL_HINT)
    }

    fn semantic(&self) -> Option<Semantic> {
        self.semantic
            .get_or_init(|| open_semantic(&self.paths))
            .clone()
    }
}

/// Said once when the built-in judge works without its embedding model.
pub const LEXICAL_HINT: &str = "judged by shared words: no sentence-embedding model is installed — `prapp model pull` (90 MB) lets the judge read answers by meaning";

/// The installed embedding model (loaded on first use) and the database that keeps its vectors,
/// shared by the built-in coach and judge; `None` without a model.
use crate::coach::builtin::Semantic;

fn open_semantic(paths: &Paths) -> Option<Semantic> {
    let model = crate::semantic::files::installed(&paths.data_dir)?;
    let cache = crate::store::EmbeddingCache::open(&paths.data_dir)
        .map_err(|e| tracing::warn!(error = %e, "no embedding cache"))
        .ok()
        .map(|c| Arc::new(c) as Arc<dyn crate::semantic::VectorCache>);
    Some((Arc::new(model), cache))
}

/// The built-in judge: by meaning when the embedding model is installed in the data dir (its
/// vectors kept in the database), by shared words otherwise.
pub fn builtin_judge(paths: &Paths) -> HeuristicEvaluator {
    judge_of(open_semantic(paths))
}

fn judge_of(parts: Option<Semantic>) -> HeuristicEvaluator {
    match parts {
        Some((model, cache)) => HeuristicEvaluator::semantic(model, cache),
        None => HeuristicEvaluator::lexical(),
    }
}

/// The built-in coach: it reads answers by meaning when the embedding model is installed.
pub fn builtin_coach(paths: &Paths) -> BuiltinCoach {
    match open_semantic(paths) {
        Some((model, cache)) => BuiltinCoach::semantic(model, cache),
        None => BuiltinCoach::lexical(),
    }
}

/// The LLM coach the settings describe; `about_user` is the local profile, worded.
pub fn llm_coach(
    settings: &Settings,
    paths: &Paths,
    about_user: Option<String>,
) -> Result<LlmCoach> {
    let (client, label, model) = client(settings, paths)?;
    let window = settings.context_window.value as usize;
    Ok(LlmCoach::new(client, label, model, about_user, window))
}

/// The LLM judge the settings describe (the heuristic one is its fallback).
pub fn llm_judge(settings: &Settings, paths: &Paths) -> Result<LlmJudge> {
    let (client, _label, model) = client(settings, paths)?;
    Ok(LlmJudge::new(
        client,
        model,
        settings.context_window.value as usize,
    ))
}
