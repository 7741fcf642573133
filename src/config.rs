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
