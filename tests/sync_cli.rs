//! `prapp sync` end to end: the real `prapp serve` binary on 127.0.0.1:0 (so a test can kill it
//! mid-sync and start it again on the same data dir), two or three data dirs as devices, each
//! driven through the real `prapp` binary. Also tiny fake servers for the failures a real one
//! does not produce on demand (another version, no sync route, garbage).
#![allow(clippy::unwrap_used)]

mod util;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};
use serde_json::{Value, json};
use util::Env;

const PASSWORD: &str = "correct horse battery";

const ANSWERS: [&str; 3] = [
    "In my last role I led the migration of our payments service to Kubernetes. First I mapped \
     the dependencies, then we moved one service a week, and we cut deploy time by 60 percent.",
    "The hardest part was a disagreement with the data team about ownership. I set up a weekly \
     review, we agreed on clear interfaces, and the result was fewer incidents for both teams.",
    "I would start by listening to the users, because the goal is reliability. For example, I \
     measured p99 latency before and after each change so we knew the impact.",
];

/// A real `prapp serve` on its own data dir.
struct Server {
    env: Option<Env>,
    child: Option<Child>,
    url: String,
    port: u16,
}

impl Server {
    fn start(extra: &[&str]) -> Server {
        Server::start_in(Env::new(), "127.0.0.1:0", extra)
    }

    fn start_in(env: Env, bind: &str, extra: &[&str]) -> Server {
        let mut child = env
            .process()
            .args(["serve", "--bind", bind])
            .args(extra)
            .env(
                "PRAPP_JWT_SECRET",
                "sync-test-secret-sync-test-secret-0123456789",
            )
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Read the address from stderr, then keep draining it so the server never blocks on a
        // full pipe.
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("prapp: listening on ") {
                    let _ = tx.send(url.trim().to_string());
                }
            }
        });
        let url = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("server did not start");
        let port = url.rsplit(':').next().unwrap().parse().unwrap();
        Server {
            env: Some(env),
            child: Some(child),
            url,
            port,
        }
    }

    /// SIGKILL: no graceful shutdown, requests in flight are cut.
    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            c.kill().unwrap();
            c.wait().unwrap();
        }
    }

    /// Killed, then started again on the same data dir and port.
    fn restart(mut self) -> Server {
        self.kill();
        let env = self.env.take().unwrap();
        let bind = format!("127.0.0.1:{}", self.port);
        Server::start_in(env, &bind, &[])
    }

    fn db(&self) -> Connection {
        let path = self.env.as_ref().unwrap().data_dir().join("prapp.db");
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()
    }

    fn sessions_of(&self, email: &str) -> i64 {
        self.db()
            .query_row(
                "SELECT COUNT(*) FROM sessions s JOIN users u ON u.user_id = s.user_id
                 WHERE u.email = ?1",
                [email],
                |r| r.get(0),
            )
            .unwrap()
    }

    fn clock(&self) -> i64 {
        self.db()
            .query_row("SELECT seq FROM sync_clock", [], |r| r.get(0))
            .unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

fn signup(dev: &Env, url: &str, email: &str) {
    auth(dev, "signup", url, email, PASSWORD);
}

fn login(dev: &Env, url: &str, email: &str) {
    auth(dev, "login", url, email, PASSWORD);
}

fn auth(dev: &Env, what: &str, url: &str, email: &str, password: &str) {
    let out = dev
        .cmd()
        .args(["remote", what, "--server", url, "--email", email])
        .arg("--password-stdin")
        .write_stdin(format!("{password}\n"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "remote {what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn sync(dev: &Env) -> Value {
    dev.json(&["sync", "--json"])
}

/// `prapp sync` that must fail with `code`; returns the one-line error.
fn sync_fails(dev: &Env, code: i32) -> String {
    dev.fails(&["sync"], code)
}

/// A session practised with the built-in coach, completed and evaluated.
fn practise(dev: &Env) -> String {
    let id = dev.new_session(&["--type", "interview", "--agenda", "Backend role"]);
    for a in ANSWERS {
        dev.chat(&id, a);
    }
    dev.ok(&["session", "complete", &id]);
    dev.ok(&["session", "evaluate", &id]);
    id
}

fn without_user(mut v: Value) -> Value {
    v.as_object_mut().unwrap().remove("user_id");
    v
}

fn local_db(dev: &Env) -> Connection {
    Connection::open_with_flags(
        dev.data_dir().join("prapp.db"),
        OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap()
}

/// Every transcript of a device, message by message in stored order, as text.
fn transcripts(dev: &Env) -> String {
    let conn = local_db(dev);
    let mut stmt = conn
        .prepare(
            "SELECT session_id, seq, message_id, role, content, timestamp FROM messages
             ORDER BY session_id, seq",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok(format!(
                "{}|{}|{}|{}|{}|{}",
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?
            ))
        })
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    rows.join("\n")
}

/// Every session row (with its change marks), message and evaluation of a device, and its change
/// clock: equal before and after means nothing was written.
fn snapshot(dev: &Env) -> String {
    let conn = local_db(dev);
    let mut out = transcripts(dev);
    let mut stmt = conn
        .prepare(
            "SELECT session_id, status, turn_count, updated_at, updated_seq, synced_seq
             FROM sessions ORDER BY session_id",
        )
        .unwrap();
    for row in stmt
        .query_map([], |r| {
            Ok(format!(
                "{}|{}|{}|{}|{}|{}",
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, i64>(5)?
            ))
        })
        .unwrap()
    {
        out.push('\n');
        out.push_str(&row.unwrap());
    }
    let mut stmt = conn
        .prepare("SELECT session_id, body FROM evaluations ORDER BY session_id")
        .unwrap();
    for row in stmt
        .query_map([], |r| {
            Ok(format!(
                "{}|{}",
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?
            ))
        })
        .unwrap()
    {
        out.push('\n');
        out.push_str(&row.unwrap());
    }
    let clock: i64 = conn
        .query_row("SELECT seq FROM sync_clock", [], |r| r.get(0))
        .unwrap();
    out.push_str(&format!("\nclock {clock}"));
    out
}

#[test]
fn a_session_practised_on_one_device_appears_on_the_other_with_transcript_and_evaluation() {
    let server = Server::start(&[]);
    let (a, b) = (Env::new(), Env::new());
    let id = practise(&a);
    signup(&a, &server.url, "ada@example.org");
    let first = sync(&a);
    assert_eq!(first["pushed"], 1, "{first}");
    assert_eq!(first["errors"], json!([]));

    login(&b, &server.url, "ada@example.org");
    let on_b = sync(&b);
    assert_eq!(on_b["pulled"], 1, "{on_b}");
    assert_eq!(on_b["pushed"], 0, "{on_b}");

    let show = |dev: &Env| without_user(dev.json(&["session", "show", &id, "--json"]));
    let evaluation = |dev: &Env| without_user(dev.json(&["session", "evaluation", &id, "--json"]));
    assert_eq!(show(&a), show(&b));
    assert_eq!(evaluation(&a), evaluation(&b));
    assert_eq!(show(&b)["transcript"].as_array().unwrap().len(), 7);
    assert_eq!(show(&b)["status"], "completed");
    // Pulled, not made here: B has nothing to push back.
    let status = b.json(&["remote", "status", "--json"]);
    assert_eq!(status["pending"], 0, "{status}");
    assert_eq!(status["login"], "ok", "{status}");
}

#[test]
fn messages_added_offline_on_both_devices_end_up_on_both_once_and_in_order() {
    let server = Server::start(&[]);
    let (a, b) = (Env::new(), Env::new());
    let id = a.new_session(&["--type", "interview"]);
    a.chat(&id, ANSWERS[0]);
    signup(&a, &server.url, "ada@example.org");
    sync(&a);
    login(&b, &server.url, "ada@example.org");
    sync(&b);
    let before = a.json(&["session", "show", &id, "--json"])["transcript"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(before, 3);

    // Offline, each on its own: one turn on A, one on B.
    a.chat(&id, ANSWERS[1]);
    b.chat(&id, ANSWERS[2]);
    let on_a = sync(&a);
    assert_eq!(on_a["pushed"], 1, "{on_a}");
    let on_b = sync(&b);
    assert_eq!(on_b["pushed"], 1, "{on_b}");
    let again = sync(&a);
    assert_eq!(again["pulled"], 1, "{again}");

    let transcript =
        |dev: &Env| dev.json(&["session", "show", &id, "--json"])["transcript"].clone();
    let (ta, tb) = (transcript(&a), transcript(&b));
    assert_eq!(ta, tb);
    let messages = ta.as_array().unwrap();
    assert_eq!(messages.len(), before + 4, "{ta:#}");
    let mut ids: Vec<&str> = messages
        .iter()
        .map(|m| m["message_id"].as_str().unwrap())
        .collect();
    let stamps: Vec<&str> = messages
        .iter()
        .map(|m| m["timestamp"].as_str().unwrap())
        .collect();
    assert!(stamps.windows(2).all(|w| w[0] <= w[1]), "{stamps:?}");
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), messages.len(), "a message twice");
    for answer in ANSWERS {
        let n = messages.iter().filter(|m| m["content"] == answer).count();
        assert_eq!(n, 1, "{answer}");
    }
    assert_eq!(a.json(&["session", "show", &id, "--json"])["turn_count"], 3);
    // And it has settled: nothing more to move either way.
    for dev in [&a, &b] {
        let r = sync(dev);
        assert_eq!(
            (r["pushed"].clone(), r["pulled"].clone()),
            (json!(0), json!(0))
        );
    }
}

#[test]
fn a_second_sync_transfers_nothing_and_changes_nothing() {
    let server = Server::start(&[]);
    let a = Env::new();
    practise(&a);
    a.ok(&["dev", "seed", "--sessions", "30", "--force"]);
    signup(&a, &server.url, "ada@example.org");
    let first = sync(&a);
    assert_eq!(first["pushed"], 31, "{first}");
    // Our own pushes come back once, already known.
    assert_eq!(first["unchanged"], 31, "{first}");
    assert_eq!(first["pulled"], 0, "{first}");

    let (local, remote) = (snapshot(&a), server.clock());
    let second = sync(&a);
    assert_eq!(second["pushed"], 0, "{second}");
    assert_eq!(second["pulled"], 0, "{second}");
    assert_eq!(second["unchanged"], 0, "{second}");
    // /healthz and one empty page: nothing else was asked.
    assert_eq!(second["requests"], 2, "{second}");
    assert_eq!(snapshot(&a), local, "a no-op sync wrote locally");
    assert_eq!(server.clock(), remote, "a no-op sync wrote on the server");

    let dry = a.ok(&["sync", "--dry-run"]);
    assert!(dry.contains("would push 0, would pull 0"), "{dry}");
}

#[test]
fn dry_run_says_what_would_move_and_moves_nothing() {
    let server = Server::start(&[]);
    let (a, b) = (Env::new(), Env::new());
    a.ok(&["dev", "seed", "--sessions", "5"]);
    signup(&a, &server.url, "ada@example.org");
    let (local, remote) = (snapshot(&a), server.clock());
    let dry = a.json(&["sync", "--dry-run", "--json"]);
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["pushed"], 5, "{dry}");
    assert_eq!(snapshot(&a), local);
    assert_eq!(server.clock(), remote);
    assert_eq!(server.sessions_of("ada@example.org"), 0);

    sync(&a);
    login(&b, &server.url, "ada@example.org");
    let before = snapshot(&b);
    let dry = b.json(&["sync", "--dry-run", "--json"]);
    assert_eq!(dry["pulled"], 5, "{dry}");
    assert_eq!(snapshot(&b), before, "a dry run wrote locally");
    assert_eq!(sync(&b)["pulled"], 5);
}

#[test]
fn killing_the_server_mid_sync_loses_nothing_and_the_next_sync_completes() {
    let server = Server::start(&[]);
    let a = Env::new();
    a.ok(&["dev", "seed", "--sessions", "500"]);
    signup(&a, &server.url, "ada@example.org");
    let before = transcripts(&a);

    let child = a
        .process()
        .arg("sync")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut server = server;
    loop {
        let arrived = server.sessions_of("ada@example.org");
        if arrived >= 20 {
            assert!(
                arrived < 500,
                "the sync finished before the server could be killed"
            );
            server.kill();
            break;
        }
        assert!(Instant::now() < deadline, "no session arrived");
        std::thread::sleep(Duration::from_millis(2));
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("prapp: "), "{stderr}");
    assert!(stderr.contains("nothing lost"), "{stderr}");
    assert!(stderr.contains("run `prapp sync` again"), "{stderr}");

    // Intact: every session and every message as it was, byte for byte.
    assert_eq!(transcripts(&a), before);
    let sessions: i64 = local_db(&a)
        .query_row("SELECT COUNT(*) FROM sessions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(sessions, 500);
    let pending = a.json(&["remote", "status", "--json"])["pending"]
        .as_u64()
        .unwrap();
    assert!(pending > 0 && pending < 500, "pending {pending}");

    let server = server.restart();
    let resumed = sync(&a);
    assert_eq!(resumed["errors"], json!([]), "{resumed}");
    // Only what had not been pushed, give or take the one cut in flight.
    let pushed = resumed["pushed"].as_u64().unwrap();
    assert!(
        pushed <= pending && pushed + 1 >= pending,
        "{resumed} vs {pending}"
    );
    assert_eq!(server.sessions_of("ada@example.org"), 500);
    let noop = sync(&a);
    assert_eq!(
        (
            noop["pushed"].clone(),
            noop["pulled"].clone(),
            noop["unchanged"].clone()
        ),
        (json!(0), json!(0), json!(0)),
        "{noop}"
    );
    assert_eq!(transcripts(&a), before);
}

#[test]
fn a_wrong_password_is_a_clear_error_and_stores_nothing() {
    let server = Server::start(&[]);
    let (a, b) = (Env::new(), Env::new());
    signup(&a, &server.url, "ada@example.org");
    let out = b
        .cmd()
        .args([
            "remote",
            "login",
            "--server",
            &server.url,
            "--email",
            "ada@example.org",
        ])
        .arg("--password-stdin")
        .write_stdin("not the password\n")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("incorrect email or password"), "{stderr}");
    assert!(!b.config_dir().join("secrets.toml").exists());
    let e = sync_fails(&b, 2);
    assert!(e.contains("not logged in"), "{e}");

    // Signing up twice with one email says to log in instead.
    let out = b
        .cmd()
        .args([
            "remote",
            "signup",
            "--server",
            &server.url,
            "--email",
            "ada@example.org",
        ])
        .arg("--password-stdin")
        .write_stdin(format!("{PASSWORD}\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("prapp remote login"));
}

#[test]
fn an_expired_token_says_to_log_in_again_and_logging_in_again_works() {
    let server = Server::start(&["--token-ttl", "1s"]);
    let a = Env::new();
    a.new_session(&["--type", "pitch"]);
    signup(&a, &server.url, "ada@example.org");
    std::thread::sleep(Duration::from_millis(2100));
    let e = sync_fails(&a, 2);
    assert!(e.contains("log in again: `prapp remote login`"), "{e}");
    let status = a.json(&["remote", "status", "--json"]);
    assert_eq!(status["login"], "expired", "{status}");
    assert_eq!(status["pending"], 1, "{status}");
    // `remote login` alone remembers the server and the account.
    let out = a
        .cmd()
        .args(["remote", "login", "--password-stdin"])
        .write_stdin(format!("{PASSWORD}\n"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(sync(&a)["pushed"], 1);
}

#[test]
fn logout_revokes_the_token_and_works_with_the_server_down() {
    let mut server = Server::start(&[]);
    let (a, b) = (Env::new(), Env::new());
    signup(&a, &server.url, "ada@example.org");
    let token_file = a.config_dir().join("secrets.toml");
    let token_line = std::fs::read_to_string(&token_file).unwrap();
    let out = a.ok(&["remote", "logout"]);
    assert!(out.contains("revoked there and removed here"), "{out}");
    assert!(
        !std::fs::read_to_string(&token_file)
            .unwrap()
            .contains("token:")
    );
    // Revoked on the server: the old token no longer works there. Put it back and see.
    std::fs::write(&token_file, &token_line).unwrap();
    let e = sync_fails(&a, 2);
    assert!(e.contains("log in again"), "{e}");

    login(&b, &server.url, "ada@example.org");
    server.kill();
    let out = b.ok(&["remote", "logout"]);
    assert!(out.contains("only removed here"), "{out}");
    let e = sync_fails(&b, 2);
    assert!(e.contains("log in"), "{e}");
}

#[test]
fn a_session_id_of_another_account_is_refused_and_reported_and_the_rest_syncs() {
    let server = Server::start(&[]);
    let a = Env::new();
    a.ok(&["dev", "seed", "--sessions", "2"]);
    signup(&a, &server.url, "ada@example.org");
    assert_eq!(sync(&a)["pushed"], 2);

    // Another account on a machine that holds copies of ada's sessions (a copied data dir).
    let c = Env::new();
    copy_dir(&a.data_dir(), &c.data_dir());
    c.new_session(&["--type", "sales"]);
    signup(&c, &server.url, "bob@example.org");
    let out = c.cmd().args(["sync", "--json"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["pushed"], 1, "{report}");
    assert_eq!(report["errors"].as_array().unwrap().len(), 2, "{report}");
    assert_eq!(
        stderr
            .matches("belongs to another account on the server")
            .count(),
        2,
        "{stderr}"
    );
    assert_eq!(server.sessions_of("bob@example.org"), 1);
    assert_eq!(server.sessions_of("ada@example.org"), 2);
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

/// A one-trick HTTP server: answers each request with `answer(method, path)`.
fn fake_server(answer: impl Fn(&str, &str) -> (u16, String) + Send + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let mut parts = request_line.split_whitespace();
            let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            let (status, body) = answer(method, path);
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

/// A fake that is a prapp server of `version` for health and login, and answers the sync
/// endpoints with `sync`.
fn fake_prapp(version: &'static str, sync: (u16, &'static str)) -> String {
    fake_server(move |method, path| match (method, path) {
        ("GET", "/healthz") => (
            200,
            json!({"status": "ok", "database": "ok", "version": version}).to_string(),
        ),
        ("POST", "/api/v1/auth/login") => (
            200,
            json!({"access_token": "t0k3n", "token_type": "bearer", "user": {
                "user_id": "0193a5b2-0000-7000-8000-000000000001", "email": "ada@example.org",
                "full_name": null, "is_activated": false, "created_at": "2026-11-25T09:00:00Z"}})
            .to_string(),
        ),
        (_, p) if p.starts_with("/api/v1/sync") => (sync.0, sync.1.to_string()),
        _ => (404, json!({"detail": "Not Found"}).to_string()),
    })
}

#[test]
fn a_server_of_another_version_is_refused_clearly() {
    let url = fake_prapp("9.0.0", (200, "{}"));
    let a = Env::new();
    let out = a
        .cmd()
        .args([
            "remote",
            "login",
            "--server",
            &url,
            "--email",
            "ada@example.org",
        ])
        .arg("--password-stdin")
        .write_stdin(format!("{PASSWORD}\n"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("runs prapp 9.0.0"), "{stderr}");
    assert!(stderr.contains("same version"), "{stderr}");

    let not_prapp = fake_server(|_, _| (200, "<html>hello</html>".into()));
    let out = a
        .cmd()
        .args([
            "remote", "login", "--server", &not_prapp, "--email", "a@b.c",
        ])
        .arg("--password-stdin")
        .write_stdin(format!("{PASSWORD}\n"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("is not a prapp server"), "{stderr}");
}

#[test]
fn a_server_without_the_sync_endpoints_or_answering_garbage_leaves_the_store_as_it_was() {
    let version = env!("CARGO_PKG_VERSION");
    let no_sync = fake_prapp(version, (404, r#"{"detail":"Not Found"}"#));
    let a = Env::new();
    a.new_session(&["--type", "interview"]);
    login(&a, &no_sync, "ada@example.org");
    let before = snapshot(&a);
    let e = sync_fails(&a, 4);
    assert!(e.contains("has no sync endpoints"), "{e}");
    assert_eq!(snapshot(&a), before);

    let garbage = fake_prapp(version, (200, "<html>502 Bad Gateway</html>"));
    let b = Env::new();
    login(&b, &garbage, "ada@example.org");
    let before = snapshot(&b);
    let e = sync_fails(&b, 4);
    assert!(e.contains("not prapp's API"), "{e}");
    assert!(e.contains("nothing lost"), "{e}");
    assert_eq!(snapshot(&b), before);

    let failing = fake_prapp(version, (503, r#"{"detail":"database is down"}"#));
    let c = Env::new();
    c.new_session(&["--type", "interview"]);
    login(&c, &failing, "ada@example.org");
    let before = snapshot(&c);
    let e = sync_fails(&c, 4);
    assert!(e.contains("503") && e.contains("nothing lost"), "{e}");
    assert_eq!(snapshot(&c), before);
}

#[test]
fn a_server_too_slow_to_answer_times_out_and_loses_nothing() {
    let version = env!("CARGO_PKG_VERSION");
    let slow = fake_server(move |method, path| match (method, path) {
        ("GET", "/healthz") => (
            200,
            json!({"status": "ok", "database": "ok", "version": version}).to_string(),
        ),
        ("POST", "/api/v1/auth/login") => (
            200,
            json!({"access_token": "t0k3n", "token_type": "bearer", "user": {
                "user_id": "0193a5b2-0000-7000-8000-000000000001", "email": "ada@example.org",
                "full_name": null, "is_activated": false, "created_at": "2026-11-25T09:00:00Z"}})
            .to_string(),
        ),
        _ => {
            std::thread::sleep(Duration::from_secs(3));
            (500, "{}".into())
        }
    });
    let a = Env::new();
    a.new_session(&["--type", "interview"]);
    login(&a, &slow, "ada@example.org");
    let before = snapshot(&a);
    let started = Instant::now();
    let out = a
        .cmd()
        .arg("sync")
        .env("PRAPP_SYNC_TIMEOUT", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("did not answer within 1 s"), "{stderr}");
    assert!(stderr.contains("nothing lost"), "{stderr}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "the timeout was not kept"
    );
    assert_eq!(snapshot(&a), before);
}

/// The server's disk fails and its database comes back from an older backup, without a session
/// this machine had pushed since. The next sync sees its cursor is ahead of the server's history,
/// says so, and pushes everything again: nothing is lost for the other devices.
#[test]
fn a_server_restored_from_an_older_backup_gets_back_what_it_lost() {
    let mut server = Server::start(&[]);
    let a = Env::new();
    practise(&a);
    signup(&a, &server.url, "ada@example.org");
    assert_eq!(sync(&a)["pushed"], 1);

    // Last night's backup, taken with the server stopped.
    server.kill();
    let data = server.env.as_ref().unwrap().data_dir().to_path_buf();
    let backup = tempfile::tempdir().unwrap();
    copy_dir(&data, backup.path());
    let mut server = server.restart();
    practise(&a);
    assert_eq!(sync(&a)["pushed"], 1);

    // Restored from the backup: the second session is gone from the server.
    server.kill();
    std::fs::remove_dir_all(&data).unwrap();
    copy_dir(backup.path(), &data);
    let server = server.restart();
    assert_eq!(server.sessions_of("ada@example.org"), 1);

    let out = a.cmd().args(["sync", "--json"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("restored from a backup"), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["started_over"], true, "{report}");
    assert_eq!(report["pushed"], 2, "{report}");
    assert_eq!(report["errors"], json!([]), "{report}");
    assert_eq!(server.sessions_of("ada@example.org"), 2);

    // Another device gets both, and the next sync is back to a no-op.
    let b = Env::new();
    login(&b, &server.url, "ada@example.org");
    assert_eq!(sync(&b)["pulled"], 2);
    assert_eq!(transcripts(&a), transcripts(&b));
    let noop = sync(&a);
    assert_eq!(
        (&noop["pushed"], &noop["pulled"], &noop["started_over"]),
        (&json!(0), &json!(0), &json!(false)),
        "{noop}"
    );
    // `--full` starts over by hand (the restore nobody noticed): everything goes again, and
    // changes nothing on either side.
    let full = a.json(&["sync", "--full", "--json"]);
    assert_eq!(
        (&full["pushed"], &full["unchanged"]),
        (&json!(2), &json!(2)),
        "{full}"
    );
    assert_eq!(transcripts(&a), transcripts(&b));
    assert_eq!(sync(&a)["pushed"], 0);
}
