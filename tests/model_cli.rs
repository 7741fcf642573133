//! `prapp model import|pull|status|remove` through the real binary, with the real model files
//! (tests/model_util) served for `pull` by a small HTTP server on 127.0.0.1 that can cut a
//! download short or serve a damaged file.
#![allow(clippy::unwrap_used)]

mod model_util;
mod util;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use serde_json::Value;
use util::Env;

/// How the fake hub misbehaves.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Good,
    /// Sends half of model.safetensors, then closes the connection.
    CutShort,
    /// Serves tokenizer.json with one byte changed.
    Damaged,
}

struct Hub {
    url: String,
    ranges: Arc<Mutex<Vec<String>>>,
}

/// Serves `{repo}/resolve/main/{file}` from `dir`, honouring `Range: bytes=N-`.
fn hub(dir: PathBuf, mode: Mode) -> Hub {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let ranges = Arc::new(Mutex::new(Vec::new()));
    let seen = ranges.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            reader.read_line(&mut request).unwrap();
            let mut range = None;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                if line.trim().is_empty() {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("range: bytes=") {
                    range = v.trim().trim_end_matches('-').parse::<usize>().ok();
                    seen.lock().unwrap().push(line.trim().to_string());
                }
            }
            let path = request
                .split_whitespace()
                .nth(1)
                .unwrap_or_default()
                .to_string();
            let name = path.rsplit('/').next().unwrap_or_default().to_string();
            let Ok(mut body) = std::fs::read(dir.join(&name)) else {
                let _ = stream.write_all(
                    b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                );
                continue;
            };
            if mode == Mode::Damaged && name == "tokenizer.json" {
                body[10] ^= 1;
            }
            let from = range.unwrap_or(0).min(body.len());
            let status = if range.is_some() {
                "206 Partial Content"
            } else {
                "200 OK"
            };
            let rest = &body[from..];
            let head = format!(
                "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                rest.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let send = if mode == Mode::CutShort && name == "model.safetensors" && range.is_none() {
                &rest[..rest.len() / 2]
            } else {
                rest
            };
            let _ = stream.write_all(send);
            let _ = stream.flush();
        }
    });
    Hub { url, ranges }
}

/// The model's three files, unpacked once for the hub to serve.
fn files() -> Option<PathBuf> {
    Some(model_util::data_dir()?.join("models/all-MiniLM-L6-v2"))
}

fn status(env: &Env) -> Value {
    let out = env
        .cmd()
        .args(["model", "status", "--json"])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn import_status_remove() {
    let Some(src) = model_util::source() else {
        return model_util::skip("import");
    };
    let env = Env::new();
    assert_eq!(status(&env)["installed"], false);
    let out = env.cmd().args(["model", "status"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("prapp model pull"));

    let out = env.ok(&["model", "import", src.to_str().unwrap()]);
    assert!(out.contains("installed"), "{out}");
    let st = status(&env);
    assert_eq!(st["installed"], true);
    assert_eq!(st["loads"], true);
    assert_eq!(st["official"], true);
    assert_eq!(
        st["checksum"],
        "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
    );
    assert!(st["size"].as_u64().unwrap() > 90_000_000);
    let doctor = env.ok(&["doctor", "--offline"]);
    assert!(doctor.contains("all-MiniLM-L6-v2"), "{doctor}");

    env.ok(&["model", "remove"]);
    assert_eq!(status(&env)["installed"], false);
}

#[test]
fn importing_something_else_is_a_clear_error_and_installs_nothing() {
    let env = Env::new();
    let junk = env.path("junk.zip");
    std::fs::write(&junk, b"not a zip at all").unwrap();
    let err = env.fails(&["model", "import", junk.to_str().unwrap()], 2);
    assert!(err.contains("not a readable zip"), "{err}");
    let empty = env.path("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let err = env.fails(&["model", "import", empty.to_str().unwrap()], 2);
    assert!(err.contains("config.json"), "{err}");
    let err = env.fails(&["model", "import", "/nonexistent/model"], 2);
    assert!(err.contains("does not exist"), "{err}");
    assert_eq!(status(&env)["installed"], false);
}

#[test]
fn a_cut_download_resumes_and_a_damaged_one_never_counts_as_installed() {
    let Some(dir) = files() else {
        return model_util::skip("pull");
    };
    let env = Env::new();
    // Cut short: nothing installed, the part is kept.
    let cut = hub(dir.to_path_buf(), Mode::CutShort);
    let out = env
        .cmd()
        .args(["model", "pull", "--mirror", &cut.url])
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
    assert_eq!(status(&env)["installed"], false);
    let part = env
        .data_dir()
        .join("models/.partial/model.safetensors.part");
    let kept = std::fs::metadata(&part).unwrap().len();
    assert!(kept > 40_000_000, "{kept}");

    // The next pull asks only for the rest, and installs.
    let good = hub(dir.to_path_buf(), Mode::Good);
    env.ok(&["model", "pull", "--mirror", &good.url]);
    let ranges = good.ranges.lock().unwrap().clone();
    assert!(
        ranges
            .iter()
            .any(|r| r.ends_with(&format!("bytes={kept}-"))),
        "{ranges:?}"
    );
    let st = status(&env);
    assert_eq!(st["installed"], true);
    assert_eq!(st["official"], true);
    assert!(!part.exists());

    // A damaged file is refused by its checksum; the installed model stays as it was.
    let env = Env::new();
    let bad = hub(dir.to_path_buf(), Mode::Damaged);
    let err = env.fails(&["model", "pull", "--mirror", &bad.url], 4);
    assert!(err.contains("checksum"), "{err}");
    assert_eq!(status(&env)["installed"], false);
}
