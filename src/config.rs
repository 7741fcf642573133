//! Where prapp keeps things: the data dir (the database) and the config dir, from the platform
//! conventions via `directories`, overridden by `--data-dir` / `PRAPP_HOME`.

use std::path::PathBuf;

use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub struct Paths {
    pub data_dir: PathBuf,
    pub config_dir: PathBuf,
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
        Ok(Paths {
            data_dir,
            config_dir,
        })
    }
}

/// The config file (TOML). Only what is implemented is accepted, so a typo is an error, not a
/// silently ignored setting.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// The practice screen's key remapping: action = "key".
    #[serde(default)]
    pub keys: std::collections::BTreeMap<String, String>,
}

impl Paths {
    /// `PRAPP_CONFIG`, else `config.toml` in the config dir.
    pub fn config_file(&self) -> PathBuf {
        env_var("PRAPP_CONFIG")
            .map(PathBuf::from)
            .unwrap_or_else(|| self.config_dir.join("config.toml"))
    }

    /// Reads the config file; a missing file is the defaults. Errors name the file and line.
    pub fn load_config(&self) -> Result<FileConfig> {
        let path = self.config_file();
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileConfig::default()),
            Err(e) => {
                return Err(Error::io(
                    format!("cannot read config file {}", path.display()),
                    e,
                ));
            }
        };
        toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
                .unwrap_or(1);
            Error::Input(format!(
                "config file {}, line {line}: {} — fix it, or see `prapp --help`",
                path.display(),
                e.message().trim()
            ))
        })
    }
}
