//! Reading a CV or a job description from a file: the text layer of a PDF, or text as written.
//! The one place that touches the file system for documents (the CLI and the TUI both use it).

use std::panic::UnwindSafe;
use std::path::Path;

/// Why a document could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The file itself could not be read.
    Io(std::io::Error),
    /// The file was read but holds no usable text; says what is wrong and what to do, to follow
    /// the file's name ("is password-protected — save a copy without the password…").
    Unreadable(String),
}

/// A CV or a job description from a file: the text layer of a PDF (told by its `%PDF-` header,
/// whatever the file is called), or UTF-8 text or Markdown as written.
pub fn read(path: &Path) -> Result<String, ReadError> {
    let bytes = std::fs::read(path).map_err(ReadError::Io)?;
    let fail = |what: &str| ReadError::Unreadable(what.to_string());
    // PDF readers accept the header anywhere in the first 1024 bytes.
    let head = &bytes[..bytes.len().min(1024)];
    if head.windows(5).any(|w| w == b"%PDF-") {
        return pdf_text(&bytes).map_err(ReadError::Unreadable);
    }
    let is_pdf_name = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
    let text = String::from_utf8(bytes).map_err(|_| {
        fail(if is_pdf_name {
            "is not a PDF (no %PDF- header) and not UTF-8 text either — export it again as PDF, Markdown or plain text"
        } else {
            "is not UTF-8 text — export it as Markdown, plain text or PDF"
        })
    })?;
    Ok(text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text))
}

/// The text of a PDF, tidied (see [`super::tidy_extracted`]); the error says what is wrong
/// with the file and what to do, after the file's name.
fn pdf_text(bytes: &[u8]) -> Result<String, String> {
    const AGAIN: &str = "export it again, or as text or Markdown";
    match quietly(|| pdf_extract::extract_text_from_mem(bytes)) {
        None => Err(format!(
            "could not be read as a PDF (it may be damaged) — {AGAIN}"
        )),
        Some(Err(e)) => {
            let why = e.to_string();
            let lower = why.to_lowercase();
            // lopdf: "invalid password for encrypted PDF", "decryption error: …",
            // "unsupported security handler". An empty user password is tried already.
            if ["crypt", "password", "security handler"]
                .iter()
                .any(|w| lower.contains(w))
            {
                return Err(
                    "is password-protected — save a copy without the password, or export it as text or Markdown"
                        .into(),
                );
            }
            let why = why.trim_start_matches("PDF error: ");
            let why = why.split_whitespace().collect::<Vec<_>>().join(" ");
            Err(format!("is not a readable PDF ({why}) — {AGAIN}"))
        }
        Some(Ok(raw)) => {
            let text = super::tidy_extracted(&raw);
            // A scanned CV has a few stray characters at most.
            if text.chars().filter(|c| c.is_alphanumeric()).count() < 20 {
                return Err(
                    "has no text layer (a scanned image?) — export it as text or Markdown, or run OCR on it first"
                        .into(),
                );
            }
            Ok(text)
        }
    }
}

/// Runs `f`; a panic becomes `None`, and prints nothing: pdf-extract panics on some malformed
/// files, and the user should see one clear error line, not a Rust panic message. The hook is
/// process-wide, so the previous one is put back straight after.
fn quietly<T>(f: impl FnOnce() -> T + UnwindSafe) -> Option<T> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let out = std::panic::catch_unwind(f);
    std::panic::set_hook(previous);
    out.ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_pdf_text_and_refuses_what_it_cannot_read() {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/documents");
        let cv = read(&fixtures.join("cv.pdf")).unwrap_or_default();
        assert!(cv.contains("Northwind Logistics"), "{cv}");
        assert!(matches!(
            read(&fixtures.join("missing.pdf")),
            Err(ReadError::Io(_))
        ));
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let bad = dir.path().join("cv.pdf");
        std::fs::write(&bad, b"%PDF-1.4\n\x00\x01garbage").unwrap_or_default();
        match read(&bad) {
            Err(ReadError::Unreadable(what)) => assert!(what.contains("PDF"), "{what}"),
            other => panic!("{other:?}"),
        }
        let md = dir.path().join("cv.md");
        std::fs::write(&md, "\u{feff}# Jane").unwrap_or_default();
        assert_eq!(read(&md).ok().as_deref(), Some("# Jane"));
    }
}
