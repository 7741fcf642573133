//! One harness for the integration tests: a temp data dir per test, and a command builder for the
//! real binary with a clean environment (no PRAPP_* or colour variables leak in from the shell).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

pub struct Env {
    pub dir: TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn config_dir(&self) -> PathBuf {
        self.dir.path().join("config").join("prapp")
    }

    pub fn config_file(&self) -> PathBuf {
        self.config_dir().join("config.toml")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The real binary, pointed at this test's data dir.
    pub fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("prapp").expect("binary");
        self.clean_env(&mut c);
        c
    }

    /// As [`Env::cmd`], for a process the test spawns and watches (a server, a sync to kill).
    pub fn process(&self) -> std::process::Command {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_prapp"));
        self.clean_env(&mut c);
        c
    }

    fn clean_env<C: EnvSetter>(&self, c: &mut C) {
        for (k, _) in std::env::vars() {
            if k.starts_with("PRAPP_")
                || k.starts_with("OPENAI_")
                || k.starts_with("CLICOLOR")
                || k.starts_with("XDG_")
                || k == "NO_COLOR"
            {
                c.env_remove(k);
            }
        }
        c.env("PRAPP_HOME", self.data_dir())
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("PRAPP_CONFIG_DIR", self.config_dir())
            .env("PRAPP_LOG_DIR", self.dir.path().join("logs"))
            // Never the developer's real keyring.
            .env("PRAPP_SECRETS", "file")
            .env("TERM", "dumb");
    }

    /// Runs `prapp args…`, expects success, returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().expect("run prapp");
        assert!(
            out.status.success(),
            "prapp {args:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// Runs `prapp args…`, expects exit `code` and a one-line `prapp: …` error; returns it.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        let out = self.cmd().args(args).output().expect("run prapp");
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(code), "prapp {args:?}: {stderr}");
        assert_eq!(
            stderr.trim_end().lines().count(),
            1,
            "one-line error expected: {stderr}"
        );
        assert!(stderr.starts_with("prapp: "), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        stderr
    }

    pub fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).expect("valid JSON")
    }

    /// Starts a session with --json and returns its id.
    pub fn new_session(&self, args: &[&str]) -> String {
        let mut all = vec!["session", "new", "--json"];
        all.extend_from_slice(args);
        self.json(&all)["session_id"]
            .as_str()
            .expect("id")
            .to_string()
    }

    pub fn chat(&self, id: &str, message: &str) -> String {
        self.ok(&["chat", id, "--message", message])
    }
}

/// The two command types the harness sets up alike.
pub trait EnvSetter {
    fn env(&mut self, k: impl AsRef<std::ffi::OsStr>, v: impl AsRef<std::ffi::OsStr>) -> &mut Self;
    fn env_remove(&mut self, k: impl AsRef<std::ffi::OsStr>) -> &mut Self;
}

impl EnvSetter for Command {
    fn env(&mut self, k: impl AsRef<std::ffi::OsStr>, v: impl AsRef<std::ffi::OsStr>) -> &mut Self {
        Command::env(self, k, v)
    }
    fn env_remove(&mut self, k: impl AsRef<std::ffi::OsStr>) -> &mut Self {
        Command::env_remove(self, k)
    }
}

impl EnvSetter for std::process::Command {
    fn env(&mut self, k: impl AsRef<std::ffi::OsStr>, v: impl AsRef<std::ffi::OsStr>) -> &mut Self {
        std::process::Command::env(self, k, v)
    }
    fn env_remove(&mut self, k: impl AsRef<std::ffi::OsStr>) -> &mut Self {
        std::process::Command::env_remove(self, k)
    }
}

pub fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("read file")
}
