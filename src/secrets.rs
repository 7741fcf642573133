//! Secrets (API keys, server tokens) in the OS keyring: Keychain on macOS, the Credential Manager
//! on Windows, the Secret Service (GNOME Keyring, KWallet) elsewhere. Where no keyring service
//! runs (headless Linux, CI, containers) they go to a file readable only by the user (0600) in
//! the config dir, and prapp says so. `PRAPP_SECRETS=file` picks the file on purpose (tests do).
//!
//! Secrets never reach logs, errors, the config file or the database: the only way out is
//! [`Secrets::get`], and its callers hand the value straight to an HTTP header.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use keyring_core::{CredentialStore, Entry};

use crate::config::{Paths, env_var};
use crate::error::{Error, Result};

const SERVICE: &str = "prapp";
pub const FILE: &str = "secrets.toml";

pub struct Secrets {
    backend: Backend,
}

enum Backend {
    Keyring(Arc<CredentialStore>),
    /// The fallback file and why the keyring was not used.
    File {
        path: PathBuf,
        reason: String,
    },
}

impl Secrets {
    /// The platform keyring when its service answers, else the 0600 file.
    pub fn open(paths: &Paths) -> Secrets {
        let path = paths.config_dir.join(FILE);
        if env_var("PRAPP_SECRETS").is_some_and(|v| v.eq_ignore_ascii_case("file")) {
            return Secrets::file(path, "PRAPP_SECRETS=file");
        }
        match platform_store() {
            Ok(store) => Secrets {
                backend: Backend::Keyring(store),
            },
            Err(reason) => Secrets::file(path, &reason),
        }
    }

    pub fn file(path: PathBuf, reason: &str) -> Secrets {
        Secrets {
            backend: Backend::File {
                path,
                reason: reason.to_string(),
            },
        }
    }

    /// Says where secrets are kept, for `config show` and `doctor`.
    pub fn describe(&self) -> String {
        match &self.backend {
            Backend::Keyring(store) => format!("OS keyring ({})", store.vendor()),
            Backend::File { path, reason } => {
                format!("file {} (0600; no keyring: {reason})", path.display())
            }
        }
    }

    /// The warning to show once, when a secret is first written to the fallback file.
    pub fn fallback_warning(&self) -> Option<String> {
        match &self.backend {
            Backend::Keyring(_) => None,
            Backend::File { path, reason } => Some(format!(
                "no OS keyring service is available ({reason}); the secret is kept in {}, \
                 readable only by you (mode 0600)",
                path.display()
            )),
        }
    }

    pub fn get(&self, name: &str) -> Result<Option<String>> {
        match &self.backend {
            Backend::Keyring(store) => match entry(store, name)?.get_password() {
                Ok(v) => Ok(Some(v)),
                Err(keyring_core::Error::NoEntry) => Ok(None),
                Err(e) => Err(keyring_error("read", name, &e)),
            },
            Backend::File { path, .. } => Ok(read_file(path)?.remove(name)),
        }
    }

    pub fn set(&self, name: &str, value: &str) -> Result<()> {
        match &self.backend {
            Backend::Keyring(store) => entry(store, name)?
                .set_password(value)
                .map_err(|e| keyring_error("store", name, &e)),
            Backend::File { path, .. } => {
                let mut all = read_file(path)?;
                all.insert(name.to_string(), value.to_string());
                write_file(path, &all)
            }
        }
    }

    /// Removes a secret; false when there was none.
    pub fn delete(&self, name: &str) -> Result<bool> {
        match &self.backend {
            Backend::Keyring(store) => match entry(store, name)?.delete_credential() {
                Ok(()) => Ok(true),
                Err(keyring_core::Error::NoEntry) => Ok(false),
                Err(e) => Err(keyring_error("delete", name, &e)),
            },
            Backend::File { path, .. } => {
                let mut all = read_file(path)?;
                let had = all.remove(name).is_some();
                if had {
                    write_file(path, &all)?;
                }
                Ok(had)
            }
        }
    }
}

fn entry(store: &Arc<CredentialStore>, name: &str) -> Result<Entry> {
    Entry::new_in_store(store, SERVICE, name).map_err(|e| keyring_error("open", name, &e))
}

fn keyring_error(op: &str, name: &str, e: &keyring_core::Error) -> Error {
    // keyring-core's messages never include the secret itself.
    Error::Input(format!(
        "cannot {op} '{name}' in the OS keyring: {e} — set PRAPP_SECRETS=file to keep secrets in a 0600 file instead"
    ))
}

#[cfg(any(target_os = "linux", target_os = "freebsd"))]
fn platform_store() -> std::result::Result<Arc<CredentialStore>, String> {
    // Without a session bus there is no Secret Service to ask (and zbus would only fail slower).
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        return Err("no D-Bus session bus for the Secret Service".into());
    }
    zbus_secret_service_keyring_store::Store::new()
        .map(|s| s as Arc<CredentialStore>)
        .map_err(|e| format!("Secret Service: {e}"))
}

#[cfg(target_os = "macos")]
fn platform_store() -> std::result::Result<Arc<CredentialStore>, String> {
    apple_native_keyring_store::keychain::Store::new()
        .map(|s| s as Arc<CredentialStore>)
        .map_err(|e| format!("Keychain: {e}"))
}

#[cfg(target_os = "windows")]
fn platform_store() -> std::result::Result<Arc<CredentialStore>, String> {
    windows_native_keyring_store::Store::new()
        .map(|s| s as Arc<CredentialStore>)
        .map_err(|e| format!("Credential Manager: {e}"))
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "macos",
    target_os = "windows"
)))]
fn platform_store() -> std::result::Result<Arc<CredentialStore>, String> {
    Err("no keyring support on this platform".into())
}

fn read_file(path: &Path) -> Result<BTreeMap<String, String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => toml::from_str(&text).map_err(|e| {
            Error::Input(format!(
                "secrets file {} is damaged: {} — delete it and run `prapp config set-key` again",
                path.display(),
                e.message().trim()
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(e) => Err(Error::io(format!("cannot read {}", path.display()), e)),
    }
}

/// Writes atomically: a 0600 temp file in the same dir, renamed over the old one.
fn write_file(path: &Path, all: &BTreeMap<String, String>) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    crate::store::create_private_dir(dir)?;
    let text =
        toml::to_string(all).map_err(|e| Error::Input(format!("cannot encode secrets: {e}")))?;
    // The temp file is created 0600, so the secrets are never readable by others, even briefly.
    crate::config::write_atomically(
        path,
        &format!("# prapp secrets (API keys, tokens) — keep private\n{text}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_fallback_round_trips_with_mode_0600() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cfg").join(FILE);
        let s = Secrets::file(path.clone(), "test");
        assert_eq!(s.get("api-key:openai").unwrap(), None);
        s.set("api-key:openai", "sk-test-123").unwrap();
        s.set("api-key:ollama", "other").unwrap();
        assert_eq!(
            s.get("api-key:openai").unwrap().as_deref(),
            Some("sk-test-123")
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(s.delete("api-key:openai").unwrap());
        assert!(!s.delete("api-key:openai").unwrap());
        assert_eq!(s.get("api-key:ollama").unwrap().as_deref(), Some("other"));
        assert!(s.fallback_warning().unwrap().contains("0600"));
    }

    #[test]
    fn the_keyring_seam_works_with_keyring_cores_mock_store() {
        let store: Arc<CredentialStore> = keyring_core::mock::Store::new().unwrap();
        let s = Secrets {
            backend: Backend::Keyring(store),
        };
        s.set("api-key:openai", "sk-mock").unwrap();
        assert_eq!(s.get("api-key:openai").unwrap().as_deref(), Some("sk-mock"));
        assert!(s.fallback_warning().is_none());
    }
}
