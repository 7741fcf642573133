//! Whole-process timings of the real binary on a store of 10,000 sessions: `prapp session list`
//! (one page, newest first, and filtered) against `prapp --version`, the floor of any command.
//! Target: list within 2× of --version.
//!
//! Run with `cargo bench --bench cli`. Prints medians over many runs; asserts nothing.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const RUNS: usize = 200;

fn median_of(data_dir: &Path, args: &[&str]) -> Duration {
    let bin = env!("CARGO_BIN_EXE_prapp");
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            let out = Command::new(bin)
                .args(args)
                .env("PRAPP_HOME", data_dir)
                .output()
                .expect("run prapp");
            let took = start.elapsed();
            assert!(
                out.status.success(),
                "{args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            took
        })
        .collect();
    times.sort();
    times[RUNS / 2]
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let seeded = Command::new(env!("CARGO_BIN_EXE_prapp"))
        .args(["dev", "seed", "--sessions", "10000"])
        .env("PRAPP_HOME", &data)
        .output()
        .expect("seed");
    assert!(seeded.status.success());

    let floor = median_of(&data, &["--version"]);
    println!(
        "{:<52} {:>8.2} ms",
        "prapp --version",
        floor.as_secs_f64() * 1e3
    );
    for args in [
        &["session", "list"][..],
        &["session", "list", "--json"],
        &[
            "session",
            "list",
            "--status",
            "completed",
            "--type",
            "pitch",
        ],
        &["session", "list", "--type", "pitch"],
    ] {
        let t = median_of(&data, args);
        println!(
            "{:<52} {:>8.2} ms  ({:.2}× --version)",
            format!("prapp {}", args.join(" ")),
            t.as_secs_f64() * 1e3,
            t.as_secs_f64() / floor.as_secs_f64()
        );
    }
}
