//! `prapp config` and the settings layers, through the real binary: defaults < config file <
//! PRAPP_* environment < flags, case by case; `config set` keeps comments; `config edit` never
//! saves an invalid file nor loses the edit; API keys go to the 0600 secrets file (no keyring in
//! tests) and never into the config, the output or the log; `-q` silences hints.
#![allow(clippy::unwrap_used)]

mod util;

use serde_json::Value;
use util::Env;

/// (value, source) of one setting in `config show --json` with extra env and args.
fn setting(env: &Env, key: &str, vars: &[(&str, &str)], flags: &[&str]) -> (String, String) {
    let mut cmd = env.cmd();
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd
        .args(flags)
        .args(["config", "show", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = &v["settings"][key];
    (
        s["value"].as_str().unwrap().to_string(),
        s["source"].as_str().unwrap().to_string(),
    )
}

fn write_config(env: &Env, text: &str) {
    std::fs::create_dir_all(env.config_dir()).unwrap();
    std::fs::write(env.config_file(), text).unwrap();
}

#[test]
fn each_layer_overrides_the_one_below() {
    let env = Env::new();
    // Nothing anywhere: the built-in defaults.
    assert_eq!(
        setting(&env, "provider", &[], &[]),
        ("none".into(), "default".into())
    );
    assert_eq!(
        setting(&env, "model", &[], &[]),
        ("(unset)".into(), "default".into())
    );

    // The file picks a provider; its preset fills model and base-url as defaults.
    write_config(&env, "# mine\nprovider = \"ollama\"\n");
    assert_eq!(
        setting(&env, "provider", &[], &[]),
        ("ollama".into(), "config file".into())
    );
    assert_eq!(
        setting(&env, "model", &[], &[]),
        ("llama3.2".into(), "default".into())
    );
    assert_eq!(
        setting(&env, "base-url", &[], &[]),
        ("http://localhost:11434/v1".into(), "default".into())
    );

    // file < env < flag, for each kind of setting.
    write_config(
        &env,
        "provider = \"ollama\"\nmodel = \"from-file\"\nidle-timeout = 45\ncoach = \"builtin\"\n",
    );
    assert_eq!(
        setting(&env, "model", &[], &[]),
        ("from-file".into(), "config file".into())
    );
    assert_eq!(
        setting(&env, "model", &[("PRAPP_MODEL", "from-env")], &[]),
        ("from-env".into(), "env PRAPP_MODEL".into())
    );
    assert_eq!(
        setting(
            &env,
            "model",
            &[("PRAPP_MODEL", "from-env")],
            &["--model", "from-flag"]
        ),
        ("from-flag".into(), "flag --model".into())
    );
    assert_eq!(
        setting(&env, "idle-timeout", &[], &[]),
        ("45".into(), "config file".into())
    );
    assert_eq!(
        setting(&env, "idle-timeout", &[("PRAPP_IDLE_TIMEOUT", "5")], &[]),
        ("5".into(), "env PRAPP_IDLE_TIMEOUT".into())
    );
    assert_eq!(
        setting(
            &env,
            "coach",
            &[("PRAPP_COACH", "llm")],
            &["--coach", "auto"]
        ),
        ("auto".into(), "flag --coach".into())
    );
    assert_eq!(
        setting(&env, "provider", &[("PRAPP_PROVIDER", "openai")], &[]),
        ("openai".into(), "env PRAPP_PROVIDER".into())
    );
    // An empty variable counts as unset.
    assert_eq!(
        setting(&env, "model", &[("PRAPP_MODEL", "")], &[]),
        ("from-file".into(), "config file".into())
    );
}

#[test]
fn openai_variables_apply_to_openai_and_custom_only() {
    let env = Env::new();
    let proxy = [("OPENAI_BASE_URL", "https://proxy.example/v1")];
    assert_eq!(
        setting(&env, "base-url", &proxy, &["--provider", "openai"]),
        (
            "https://proxy.example/v1".into(),
            "env OPENAI_BASE_URL".into()
        )
    );
    // A local Ollama is not redirected by a variable meant for OpenAI.
    assert_eq!(
        setting(&env, "base-url", &proxy, &["--provider", "ollama"]),
        ("http://localhost:11434/v1".into(), "default".into())
    );
    // PRAPP_BASE_URL beats OPENAI_BASE_URL.
    assert_eq!(
        setting(
            &env,
            "base-url",
            &[proxy[0], ("PRAPP_BASE_URL", "http://127.0.0.1:9/v1")],
            &["--provider", "custom"]
        ),
        ("http://127.0.0.1:9/v1".into(), "env PRAPP_BASE_URL".into())
    );
}

#[test]
fn bad_values_in_each_layer_are_named() {
    let env = Env::new();
    let err = String::from_utf8(
        env.cmd()
            .env("PRAPP_PROVIDER", "olama")
            .args(["session", "list"])
            .assert()
            .code(2)
            .get_output()
            .stderr
            .clone(),
    )
    .unwrap();
    assert!(
        err.contains("PRAPP_PROVIDER=olama") && err.contains("one of none, openai"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");

    write_config(&env, "provider = \"ollama\"\nidle-timeout = \"soon\"\n");
    let err = env.fails(&["session", "list"], 2);
    assert!(
        err.contains("config.toml, line 2") && err.contains("idle-timeout"),
        "{err}"
    );
    // `config` itself still works on a broken file, so it can be fixed.
    assert!(env.ok(&["config", "path"]).contains("config.toml"));

    write_config(&env, "modle = \"x\"\n");
    let err = env.fails(&["config", "show"], 2);
    assert!(err.contains("line 1") && err.contains("modle"), "{err}");

    std::fs::remove_file(env.config_file()).unwrap();
    let err = env.fails(&["--base-url", "localhost:8080", "config", "show"], 2);
    assert!(err.contains("not an http(s) URL"), "{err}");
}

#[test]
fn config_set_keeps_comments_and_checks_values() {
    let env = Env::new();
    write_config(
        &env,
        "# my prapp settings\n\n# the local model\nprovider = \"ollama\"\n\n[keys]\nquit = \"x\" # muscle memory\n",
    );
    env.ok(&["config", "set", "model", "qwen2.5:7b"]);
    env.ok(&["config", "set", "base-url", "http://localhost:11435/v1/"]);
    env.ok(&["config", "set", "max-retries", "5"]);
    let text = std::fs::read_to_string(env.config_file()).unwrap();
    assert!(text.contains("# my prapp settings"), "{text}");
    assert!(text.contains("# the local model"), "{text}");
    assert!(text.contains("quit = \"x\" # muscle memory"), "{text}");
    assert!(text.contains("model = \"qwen2.5:7b\""), "{text}");
    assert!(
        text.contains("base-url = \"http://localhost:11435/v1\""),
        "{text}"
    );
    assert_eq!(env.ok(&["config", "get", "max-retries"]).trim(), "5");

    let err = env.fails(&["config", "set", "provider", "olama"], 2);
    assert!(err.contains("unknown provider 'olama'"), "{err}");
    let err = env.fails(&["config", "set", "colour", "red"], 2);
    assert!(err.contains("unknown setting 'colour'"), "{err}");
    let err = env.fails(&["config", "set", "idle-timeout", "0"], 2);
    assert!(err.contains("out of range"), "{err}");
    // Refused values left the file as it was.
    assert_eq!(std::fs::read_to_string(env.config_file()).unwrap(), text);

    env.ok(&["config", "unset", "model"]);
    assert_eq!(env.ok(&["config", "get", "model"]).trim(), "llama3.2");
    assert!(
        env.ok(&["config", "unset", "model"])
            .contains("was not set")
    );
}

#[test]
fn config_set_creates_the_file_when_there_is_none() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["config", "set", "provider", "openai"])
        .output()
        .unwrap();
    assert!(out.status.success());
    // No key yet: the next step is named.
    assert!(String::from_utf8_lossy(&out.stderr).contains("prapp config set-key"));
    assert_eq!(
        std::fs::read_to_string(env.config_file()).unwrap().trim(),
        "provider = \"openai\""
    );
}

/// An `$EDITOR` that writes `content` into the file it is given.
fn editor_writing(env: &Env, name: &str, content: &str) -> String {
    let script = env.path(name);
    let data = env.path(&format!("{name}.content"));
    std::fs::write(&data, content).unwrap();
    std::fs::write(
        &script,
        format!("#!/bin/sh\ncat '{}' > \"$1\"\n", data.display()),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    script.display().to_string()
}

#[cfg(unix)]
#[test]
fn config_edit_saves_valid_edits_and_never_an_invalid_one() {
    let env = Env::new();
    write_config(&env, "provider = \"ollama\"\n");

    let good = editor_writing(&env, "good.sh", "provider = \"llamacpp\"\n");
    env.cmd()
        .env("EDITOR", &good)
        .args(["config", "edit"])
        .assert()
        .success();
    assert_eq!(env.ok(&["config", "get", "provider"]).trim(), "llamacpp");

    let bad = editor_writing(&env, "bad.sh", "provider = \"llamacpp\"\nidle-timout = 5\n");
    let out = env
        .cmd()
        .env("EDITOR", &bad)
        .args(["config", "edit"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 2") && err.contains("idle-timout"),
        "{err}"
    );
    assert!(err.contains("not saved"), "{err}");
    // The original is untouched and the edit is kept where the message says.
    assert_eq!(
        std::fs::read_to_string(env.config_file()).unwrap(),
        "provider = \"llamacpp\"\n"
    );
    let kept = err.trim().rsplit("your edit is in ").next().unwrap();
    assert!(
        std::fs::read_to_string(kept)
            .unwrap()
            .contains("idle-timout = 5")
    );
}

#[test]
fn api_keys_go_to_the_secret_store_never_the_config_or_output() {
    let env = Env::new();
    let key = "sk-test-abcdefghijklmnop1234";
    env.ok(&["config", "set", "provider", "openai"]);
    let out = env
        .cmd()
        .args(["config", "set-key", "--stdin"])
        .write_stdin(format!("{key}\n"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    // No keyring in tests: the fallback is said out loud.
    assert!(stderr.contains("0600"), "{stderr}");
    let secrets = env.config_dir().join("secrets.toml");
    assert!(std::fs::read_to_string(&secrets).unwrap().contains(key));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&secrets).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert!(
        !std::fs::read_to_string(env.config_file())
            .unwrap()
            .contains(key)
    );

    let show = env.ok(&["config", "show"]);
    assert!(!show.contains(key), "{show}");
    assert!(show.contains("…1234"), "{show}");
    let json = env.json(&["config", "show", "--json"]);
    assert_eq!(json["api_key"]["set"], true);
    assert_eq!(json["api_key"]["source"], "keyring");
    assert!(!json.to_string().contains(key));

    // The environment overrides the stored key.
    let out = env
        .cmd()
        .env("OPENAI_API_KEY", "sk-from-env-0000000000")
        .args(["config", "show", "--json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["api_key"]["source"], "env OPENAI_API_KEY");

    let err = env.fails(&["config", "set-key", "--stdin"], 2);
    assert!(err.contains("empty"), "{err}");
    assert!(env.ok(&["config", "delete-key"]).contains("removed"));
    assert_eq!(
        env.json(&["config", "show", "--json"])["api_key"]["set"],
        false
    );
}

#[test]
fn set_key_needs_a_provider() {
    let env = Env::new();
    let err = env.fails(&["config", "set-key", "--stdin"], 2);
    assert!(err.contains("prapp config set provider"), "{err}");
}

#[test]
fn quiet_drops_hints_but_not_results() {
    let env = Env::new();
    let out = env.cmd().args(["session", "list"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("no sessions yet"));
    let out = env.cmd().args(["-q", "session", "list"]).output().unwrap();
    assert!(out.status.success());
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Results still come out under -q.
    let id = env.new_session(&["--type", "interview"]);
    let list = env.ok(&["session", "list", "--quiet"]);
    assert!(list.contains(&id[..8]), "{list}");
}

#[test]
fn prapp_log_writes_a_file_without_secrets() {
    let env = Env::new();
    let key = "sk-never-in-logs-0123456789";
    env.cmd()
        .env("PRAPP_LOG", "trace")
        .env("PRAPP_API_KEY", key)
        .args(["--provider", "openai", "session", "list"])
        .assert()
        .success();
    let logs: Vec<_> = std::fs::read_dir(env.path("logs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(logs.len(), 1, "{logs:?}");
    let text = std::fs::read_to_string(&logs[0]).unwrap();
    assert!(text.contains("schema step applied"), "{text}");
    assert!(!text.contains(key));

    // -v talks on stderr, and only there.
    let out = env
        .cmd()
        .args(["-vv", "session", "list", "--json"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("data_dir"));
    let _: Value = serde_json::from_slice(&out.stdout).unwrap();
}

#[cfg(target_os = "linux")]
#[test]
fn an_empty_xdg_variable_counts_as_unset() {
    let env = Env::new();
    let path = env
        .cmd()
        .env_remove("PRAPP_CONFIG_DIR")
        .env("XDG_CONFIG_HOME", "")
        .args(["config", "path"])
        .output()
        .unwrap();
    let path = String::from_utf8(path.stdout).unwrap();
    assert_eq!(
        path.trim(),
        env.dir
            .path()
            .join(".config/prapp/config.toml")
            .display()
            .to_string()
    );
    let set = env
        .cmd()
        .env_remove("PRAPP_CONFIG_DIR")
        .env("XDG_CONFIG_HOME", env.path("xdg"))
        .args(["config", "path"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8(set.stdout)
            .unwrap()
            .starts_with(&env.path("xdg").display().to_string())
    );
}

/// Under `umask 000` the config dir and the log files are still owner-only (they hold what the
/// user set and typed), like the database.
#[cfg(unix)]
#[test]
fn config_dir_and_logs_are_private_whatever_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    let bin = env!("CARGO_BIN_EXE_prapp");
    // prapp's test environment, given to a shell that sets the umask first.
    let mut c = env.process();
    c.env("PRAPP_LOG", "info")
        .env("PRAPP_LOG_DIR", env.path("logs"));
    let mut sh = std::process::Command::new("sh");
    for (k, v) in c.get_envs() {
        match v {
            Some(v) => sh.env(k, v),
            None => sh.env_remove(k),
        };
    }
    let out = sh
        .args([
            "-c",
            &format!("umask 000; exec '{bin}' config set model llama3.2"),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&env.config_dir()), 0o700);
    assert_eq!(mode(&env.config_file()), 0o600);
    let logs: Vec<_> = std::fs::read_dir(env.path("logs"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert!(!logs.is_empty(), "PRAPP_LOG=info writes a log file");
    for log in logs {
        assert_eq!(mode(&log), 0o600, "{}", log.display());
    }
}
