//! Why `prapp serve` keeps a pool of open stores instead of opening one per request: the cost of
//! `Store::open` (open, pragmas, schema check) and of a first list query on a fresh connection
//! (SQLite parses the schema, statements are prepared afresh) against the same query on a store
//! that stays open.
//!
//! Run with `cargo bench --bench store_pool`. Prints medians; asserts nothing.

use std::time::{Duration, Instant};

use prapp::coach::builtin::BuiltinCoach;
use prapp::domain::{PreparationType, SessionSetup};
use prapp::practice::Practice;
use prapp::store::prelude::*;
use prapp::store::{ListFilter, Store};

const RUNS: usize = 2000;

fn median(mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[RUNS / 2]
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let store = Store::open(&data).expect("store");
    let coach = BuiltinCoach::lexical();
    let user = store
        .create_account("bench@example.org", None, "$argon2id$not-used")
        .expect("account");
    let practice = Practice::for_user(&store, &coach, user.clone());
    for _ in 0..200 {
        practice
            .create(&SessionSetup {
                preparation_type: Some(PreparationType::Interview),
                ..SessionSetup::default()
            })
            .expect("session");
    }
    let page = ListFilter {
        page: 1,
        page_size: Some(20),
        ..ListFilter::default()
    };
    let list = |s: &Store| {
        let p = Practice::for_user(s, &coach, user.clone());
        assert_eq!(p.list(&page).expect("list").sessions.len(), 20);
    };

    let open = median(|| drop(Store::open(&data).expect("open")));
    let open_and_list = median(|| list(&Store::open(&data).expect("open")));
    let kept = median(|| list(&store));
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!("{:<44} {:>8.1} µs", "Store::open", us(open));
    println!(
        "{:<44} {:>8.1} µs",
        "open + list a page of 20 (per request)",
        us(open_and_list)
    );
    println!(
        "{:<44} {:>8.1} µs  ({:.1}× faster)",
        "list a page of 20 on a kept store (pool)",
        us(kept),
        us(open_and_list) / us(kept)
    );
}
