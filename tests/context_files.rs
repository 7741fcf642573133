//! `session new --context-file` / `--job-file` through the real binary: a CV as a PDF, a PDF
//! that cannot be read, a job description stored after the CV.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns

mod util;

use std::path::PathBuf;

use util::Env;

/// A one-page CV, Helvetica text only (WinAnsi en dashes and bullets), whose first employer is
/// Northwind Logistics (Senior Backend Engineer, 2021–2024) and second Contoso Retail. Written
/// by a one-off Python script that lays out `BT /F1 11 Tf x y Td (…) Tj ET` lines in one content
/// stream and computes the xref offsets by hand (no PDF library); only the PDF is committed.
fn cv_pdf() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/documents/cv.pdf")
}

fn role_context(env: &Env, id: &str) -> String {
    env.json(&["session", "show", id, "--json"])["role_context"]
        .as_str()
        .unwrap()
        .to_string()
}

fn no_sessions(env: &Env) {
    assert_eq!(env.json(&["session", "list", "--json"])["total"], 0);
}

#[test]
fn a_cv_as_a_pdf() {
    let env = Env::new();
    let id = env.new_session(&[
        "--type",
        "interview",
        "--context-file",
        cv_pdf().to_str().unwrap(),
        "--no-chat",
    ]);
    let context = role_context(&env, &id);
    assert!(context.contains("Northwind Logistics"), "{context}");
    assert!(context.contains("Senior Backend Engineer"), "{context}");
    assert!(
        context.contains("2021 – 2024"),
        "the en dash survives: {context}"
    );
    assert!(
        context.find("Northwind Logistics") < context.find("Contoso Retail"),
        "in the PDF's order: {context}"
    );
    // Tidied: no runs of spaces, no more than one empty line in a row.
    assert!(
        !context.contains("  ") && !context.contains("\n\n\n"),
        "{context:?}"
    );
    assert!(!context.contains("## Job description"));
}

#[test]
fn a_pdf_is_told_by_its_header_not_its_name() {
    let env = Env::new();
    let renamed = env.path("cv.txt");
    std::fs::copy(cv_pdf(), &renamed).unwrap();
    let id = env.new_session(&[
        "--type",
        "interview",
        "--context-file",
        renamed.to_str().unwrap(),
    ]);
    assert!(role_context(&env, &id).contains("Northwind Logistics"));
}

#[test]
fn a_corrupt_pdf_is_one_clear_error() {
    let env = Env::new();
    let path = env.path("cv.pdf");
    let mut bytes = b"%PDF-1.4\n".to_vec();
    bytes.extend((0..600u32).map(|i| (i * 7919 % 251) as u8));
    std::fs::write(&path, bytes).unwrap();
    // `fails` checks: exit 2, one `prapp: …` line, no "panicked".
    let err = env.fails(
        &[
            "session",
            "new",
            "--type",
            "interview",
            "--context-file",
            path.to_str().unwrap(),
            "--no-chat",
            "--json",
        ],
        2,
    );
    assert!(
        err.contains("--context-file") && err.contains("cv.pdf") && err.contains("PDF"),
        "{err}"
    );
    assert!(err.contains("text or Markdown"), "says what to do: {err}");
    no_sessions(&env);
}

/// Regression: pdf-extract panics (an index out of bounds) on text shown before a font is set.
/// The panic must not reach the user, neither as a crash nor as a message on stderr.
#[test]
fn a_pdf_that_makes_the_reader_panic() {
    let env = Env::new();
    let path = env.path("odd.pdf");
    std::fs::write(
        &path,
        pdf_with_content(b"BT 72 700 Td (Hello, no font was set) Tj ET"),
    )
    .unwrap();
    let out = env
        .cmd()
        .args(["session", "new", "--type", "interview", "--no-chat"])
        .arg("--job-file")
        .arg(&path)
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "{stderr}"
    );
    if !out.status.success() {
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains("--job-file") && stderr.contains("odd.pdf"),
            "{stderr}"
        );
        no_sessions(&env);
    }
}

#[test]
fn a_pdf_without_text_is_a_scanned_image() {
    let env = Env::new();
    let path = env.path("scan.pdf");
    std::fs::write(&path, pdf_with_content(b"0 0 m 200 200 l S")).unwrap();
    let err = env.fails(
        &[
            "session",
            "new",
            "--type",
            "interview",
            "--context-file",
            path.to_str().unwrap(),
        ],
        2,
    );
    assert!(
        err.contains("scan.pdf") && err.contains("no text layer"),
        "{err}"
    );
    no_sessions(&env);
}

#[test]
fn a_job_description_follows_the_cv() {
    let env = Env::new();
    std::fs::write(
        env.path("jd.md"),
        "# Staff Engineer — Fabrikam\n\n## Requirements\n- Go and PostgreSQL\n",
    )
    .unwrap();
    let id = env.new_session(&[
        "--type",
        "interview",
        "--context-file",
        cv_pdf().to_str().unwrap(),
        "--job-file",
        env.path("jd.md").to_str().unwrap(),
    ]);
    let context = role_context(&env, &id);
    let (cv, job) = context.split_once("\n\n## Job description\n").unwrap();
    assert!(
        cv.contains("Northwind Logistics") && !cv.contains("Fabrikam"),
        "{context}"
    );
    assert!(job.starts_with("# Staff Engineer — Fabrikam"), "{context}");

    // A job alone is only the section; --job takes it as text.
    let id = env.new_session(&["--type", "interview", "--job", "Head of Sales at Globex"]);
    assert_eq!(
        role_context(&env, &id),
        "## Job description\nHead of Sales at Globex"
    );
}

#[test]
fn the_cv_and_the_job_share_one_limit() {
    let env = Env::new();
    let half = "Led the migration of the billing service. ".repeat(300); // 12 600 characters
    std::fs::write(env.path("cv.md"), &half).unwrap();
    std::fs::write(env.path("jd.md"), &half).unwrap();
    let err = env.fails(
        &[
            "session",
            "new",
            "--type",
            "interview",
            "--context-file",
            env.path("cv.md").to_str().unwrap(),
            "--job-file",
            env.path("jd.md").to_str().unwrap(),
        ],
        2,
    );
    assert!(
        err.contains("cv.md") && err.contains("jd.md") && err.contains("20000"),
        "names both files and the limit: {err}"
    );
    no_sessions(&env);
    // Each alone fits.
    env.new_session(&[
        "--type",
        "interview",
        "--job-file",
        env.path("jd.md").to_str().unwrap(),
    ]);
}

#[test]
fn job_and_job_file_conflict() {
    let env = Env::new();
    let out = env
        .cmd()
        .args([
            "session",
            "new",
            "--type",
            "pitch",
            "--job",
            "x",
            "--job-file",
            "y.md",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot be used with"));
}

/// A minimal one-page PDF around one content stream, with a correct xref table.
fn pdf_with_content(content: &[u8]) -> Vec<u8> {
    let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
    stream.extend_from_slice(content);
    stream.extend_from_slice(b"\nendstream");
    let objects: [&[u8]; 5] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        &stream,
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}
