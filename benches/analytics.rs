//! Analytics on a store of 100,000 evaluated sessions: the `trends` and `improvements` use cases
//! in-process (target: under 50 ms each), and the whole `prapp analytics trends` process
//! (target: under 100 ms), against `prapp --version`, the floor of any command.
//!
//! Run with `cargo bench --bench analytics`. Seeds through the hidden `prapp dev seed` (about 20 s
//! in release), then prints medians; asserts nothing. `PRAPP_BENCH_SESSIONS` changes the size.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use prapp::coach::builtin::BuiltinCoach;
use prapp::practice::Practice;
use prapp::practice::analytics::TrendsQuery;
use prapp::store::Store;

const RUNS: usize = 30;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn time<T>(f: impl Fn() -> T) -> Duration {
    // One warm-up: the first run pays for reading the file into the page cache.
    std::hint::black_box(f());
    median(
        (0..RUNS)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(f());
                start.elapsed()
            })
            .collect(),
    )
}

fn process(data_dir: &Path, args: &[&str]) -> Duration {
    time(|| {
        let out = Command::new(env!("CARGO_BIN_EXE_prapp"))
            .args(args)
            .env("PRAPP_HOME", data_dir)
            .env("NO_COLOR", "1")
            .output()
            .expect("run prapp");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    })
}

fn report(what: &str, t: Duration, target_ms: Option<f64>) {
    let ms = t.as_secs_f64() * 1e3;
    let verdict = match target_ms {
        Some(target) if ms <= target => format!("  (target < {target} ms: ok)"),
        Some(target) => format!("  (target < {target} ms: MISSED)"),
        None => String::new(),
    };
    println!("{what:<58} {ms:>8.2} ms{verdict}");
}

fn main() {
    let sessions: usize = std::env::var("PRAPP_BENCH_SESSIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let started = Instant::now();
    let seeded = Command::new(env!("CARGO_BIN_EXE_prapp"))
        .args(["dev", "seed", "--evaluated", "--span-days", "60"])
        .args(["--sessions", &sessions.to_string()])
        .env("PRAPP_HOME", &data)
        .output()
        .expect("seed");
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    println!(
        "seeded {sessions} evaluated sessions in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let store = Store::open(&data).expect("store");
    let coach = BuiltinCoach::lexical();
    let practice = Practice::local(&store, &coach).expect("practice");
    let last_90 = TrendsQuery {
        days: Some(90),
        preparation_type: None,
    };
    let trends = practice.trends(&last_90).expect("trends");
    assert_eq!(trends.evaluated_sessions, sessions, "all in the window");

    report(
        "trends use case, last 90 days (all evaluations)",
        time(|| practice.trends(&last_90).expect("trends")),
        Some(50.0),
    );
    report(
        "trends use case, --type interview (a sixth of them)",
        time(|| {
            practice
                .trends(&TrendsQuery {
                    days: Some(90),
                    preparation_type: Some(prapp::domain::PreparationType::Interview),
                })
                .expect("trends")
        }),
        Some(50.0),
    );
    report(
        "trends use case, last 7 days",
        time(|| {
            practice
                .trends(&TrendsQuery {
                    days: Some(7),
                    preparation_type: None,
                })
                .expect("trends")
        }),
        Some(50.0),
    );
    report(
        "improvements use case",
        time(|| practice.improvements().expect("improvements")),
        Some(50.0),
    );
    drop(practice);
    drop(store);

    let floor = process(&data, &["--version"]);
    report("prapp --version", floor, None);
    for (args, target) in [
        (&["analytics", "trends"][..], Some(100.0)),
        (&["analytics", "improvements"], None),
        (&["analytics", "trends", "--type", "pitch"], None),
        (&["analytics", "trends", "--csv"], None),
        (&["analytics", "trends", "--json"], None),
    ] {
        report(
            &format!("prapp {}", args.join(" ")),
            process(&data, args),
            target,
        );
    }
}
