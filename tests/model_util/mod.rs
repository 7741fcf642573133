//! Where the tests find the real all-MiniLM-L6-v2: `PRAPP_TEST_MODEL` (a folder, .zip or .whl),
//! else the PyPI wheel `.ci/run` downloads into `target/model-wheel/`. Without it the tests that
//! need the model say so and pass, unless `PRAPP_REQUIRE_MODEL=1` (CI sets it once the download
//! worked), which makes a missing model a failure.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use prapp::semantic::MiniLm;
use prapp::semantic::files;

pub fn source() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PRAPP_TEST_MODEL").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/model-wheel");
    let found = std::fs::read_dir(&dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "whl" || e == "zip"));
    if found.is_none() && std::env::var("PRAPP_REQUIRE_MODEL").is_ok_and(|v| v == "1") {
        panic!(
            "PRAPP_REQUIRE_MODEL=1 but no model in {} and no PRAPP_TEST_MODEL",
            dir.display()
        );
    }
    found
}

/// A data dir with the model imported, shared by the tests of one binary.
pub fn data_dir() -> Option<&'static Path> {
    static DIR: OnceLock<Option<tempfile::TempDir>> = OnceLock::new();
    DIR.get_or_init(|| {
        let src = source()?;
        let dir = tempfile::tempdir().unwrap();
        files::import(dir.path(), &src).unwrap();
        Some(dir)
    })
    .as_ref()
    .map(|d| d.path())
}

/// The loaded model, once per test binary.
pub fn model() -> Option<&'static MiniLm> {
    static MODEL: OnceLock<Option<MiniLm>> = OnceLock::new();
    MODEL
        .get_or_init(|| files::load(data_dir()?).unwrap())
        .as_ref()
}

pub fn skip(what: &str) {
    eprintln!("skipped {what}: no embedding model (set PRAPP_TEST_MODEL or run .ci/run)");
}
