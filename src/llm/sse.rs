//! A small Server-Sent Events parser: bytes in, the `data` of each complete event out.
//!
//! Hand-written rather than `eventsource-stream`. That crate parses the awkward cases right (split
//! events, split UTF-8, `\r\n`, comments, multi-line data: checked against the cases below), but it
//! yields whole events only, so an idle timeout around its `next()` cannot see `: keep-alive`
//! comments, the very bytes a provider sends to prove it is alive while the model is still
//! thinking. Owning the byte loop lets the client time gaps between bytes, not between events, and
//! spares a parser-combinator dependency for ~60 lines.
//!
//! Lines are split on the `\n` byte, which never occurs inside a multi-byte UTF-8 character, so a
//! character split across two reads needs no special care.

/// Feed it bytes as they arrive with [`SseParser::push`], then drain events with
/// [`SseParser::next_event`]. Only the `data` field matters for chat completions; `event`, `id`,
/// `retry` and comments are ignored.
#[derive(Debug, Default)]
pub(crate) struct SseParser {
    buf: Vec<u8>,
    /// Where the first unparsed line starts in `buf`.
    start: usize,
    data: String,
    has_data: bool,
}

/// An event's data was not valid UTF-8.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct BadUtf8;

impl SseParser {
    pub(crate) fn push(&mut self, bytes: &[u8]) {
        // Drop the consumed prefix before growing: the unparsed tail is at most one partial line,
        // so this keeps the work linear in the bytes received.
        if self.start > 0 {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// The data of the next complete event, if one has fully arrived.
    pub(crate) fn next_event(&mut self) -> Option<Result<String, BadUtf8>> {
        while let Some(len) = self.buf[self.start..].iter().position(|&b| b == b'\n') {
            let line_start = self.start;
            self.start += len + 1;
            let mut line = &self.buf[line_start..line_start + len];
            if let [rest @ .., b'\r'] = line {
                line = rest;
            }
            let Ok(line) = std::str::from_utf8(line) else {
                return Some(Err(BadUtf8));
            };
            if line.is_empty() {
                if let Some(event) = self.dispatch() {
                    return Some(Ok(event));
                }
                continue;
            }
            if line.starts_with(':') {
                continue;
            }
            let (field, value) = match line.split_once(':') {
                Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
                None => (line, ""),
            };
            if field == "data" {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
        }
        None
    }

    /// At the end of the body: an event the server did not close with a blank line. The spec
    /// would drop it; servers that forget the last blank line are common enough to be lenient.
    pub(crate) fn finish(&mut self) -> Option<Result<String, BadUtf8>> {
        if self.start < self.buf.len() {
            self.push(b"\n");
        }
        match self.next_event() {
            Some(event) => Some(event),
            None => self.dispatch().map(Ok),
        }
    }

    fn dispatch(&mut self) -> Option<String> {
        if !self.has_data {
            return None;
        }
        self.has_data = false;
        Some(std::mem::take(&mut self.data))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(chunks: &[&[u8]]) -> Vec<String> {
        let mut parser = SseParser::default();
        let mut out = Vec::new();
        for chunk in chunks {
            parser.push(chunk);
            while let Some(event) = parser.next_event() {
                out.push(event.unwrap());
            }
        }
        while let Some(event) = parser.finish() {
            out.push(event.unwrap());
        }
        out
    }

    /// Every way of cutting `body` into pieces of `n` bytes gives the same events.
    fn split_every(body: &str, n: usize) -> Vec<String> {
        let chunks: Vec<&[u8]> = body.as_bytes().chunks(n).collect();
        events(&chunks)
    }

    #[test]
    fn events_split_anywhere_reassemble() {
        let body = "data: {\"a\":\"héllo 👋 世界\"}\n\ndata: second\n\ndata: [DONE]\n\n";
        let whole = split_every(body, body.len());
        assert_eq!(whole, ["{\"a\":\"héllo 👋 世界\"}", "second", "[DONE]"]);
        for n in 1..12 {
            assert_eq!(split_every(body, n), whole, "pieces of {n} bytes");
        }
    }

    #[test]
    fn a_multibyte_char_split_across_two_reads_survives() {
        let emoji = "👋".as_bytes();
        let first = [b"data: ".as_slice(), &emoji[..2]].concat();
        let second = [&emoji[2..], b"\n\n".as_slice()].concat();
        assert_eq!(events(&[&first, &second]), ["👋"]);
    }

    #[test]
    fn crlf_line_endings_even_split_between_cr_and_lf() {
        assert_eq!(
            events(&[b"data: one\r", b"\n\r", b"\ndata: two\r\n\r\n"]),
            ["one", "two"]
        );
    }

    #[test]
    fn comments_and_other_fields_are_ignored() {
        let body = ": keep-alive\n\nevent: message\nid: 7\nretry: 100\ndata: x\n\n: bye\n\n";
        assert_eq!(split_every(body, 3), ["x"]);
    }

    #[test]
    fn multi_line_data_joins_with_newlines() {
        assert_eq!(split_every("data: a\ndata:b\ndata\n\n", 2), ["a\nb\n"]);
    }

    #[test]
    fn a_last_event_without_its_blank_line_is_kept() {
        assert_eq!(events(&[b"data: one\n\ndata: two"]), ["one", "two"]);
        assert_eq!(events(&[b"data: one\n"]), ["one"]);
        assert!(events(&[b": only a comment"]).is_empty());
    }

    #[test]
    fn invalid_utf8_is_an_error_not_a_panic() {
        let mut parser = SseParser::default();
        parser.push(b"data: \xff\xfe\n\n");
        assert_eq!(parser.next_event(), Some(Err(BadUtf8)));
    }
}
