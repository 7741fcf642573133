//! Sentences as people write them in answers: split on `.`, `!`, `?`, `…` and line breaks, but
//! not inside "3.2 million", "e.g.", "U.S.", "Dr. Lee", a URL, an e-mail address or a number
//! list's "1."; a closing quote or bracket stays with its sentence. Every sentence is a slice of
//! the original text, so it can be quoted verbatim.

/// A sentence: where it is in the text, and whether it asks something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub question: bool,
    /// It is an item of a list ("- …", "* …", "• …", "1. …", "2) …").
    pub bullet: bool,
}

impl Span {
    pub fn of<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }
}

/// Abbreviations after which a full stop does not end a sentence (lowercase, without the dot).
const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "etc", "vs", "approx", "dr", "mr", "mrs", "ms", "prof", "st", "jr", "sr", "inc",
    "ltd", "co", "corp", "dept", "est", "fig", "no", "nos", "vol", "u.s", "u.k", "e.u", "a.m",
    "p.m", "ph.d", "cf", "al", "mt", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "min", "max", "avg", "incl", "esp", "resp", "approx", "ca",
];

/// The sentences of `text`, trimmed, in order; empty ones are skipped.
pub fn split(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    for (line_start, line) in lines(text) {
        let (body_start, bullet) = bullet_prefix(line);
        split_line(
            text,
            line_start + body_start,
            &line[body_start..],
            bullet,
            &mut out,
        );
    }
    out
}

/// The sentences' texts.
pub fn sentences(text: &str) -> Vec<&str> {
    split(text).iter().map(|s| s.of(text)).collect()
}

fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    text.split_inclusive('\n').map(move |l| {
        let at = start;
        start += l.len();
        (at, l.trim_end_matches(['\n', '\r']))
    })
}

/// The length of a list marker at the start of a line ("- ", "* ", "• ", "1. ", "2) "), if any.
fn bullet_prefix(line: &str) -> (usize, bool) {
    let indent = line.len() - line.trim_start().len();
    let rest = &line[indent..];
    for marker in ["- ", "* ", "• ", "– ", "— ", "· "] {
        if rest.starts_with(marker) {
            return (indent + marker.len(), true);
        }
    }
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    if (1..=2).contains(&digits) {
        let after = &rest[digits..];
        if after.starts_with(". ") || after.starts_with(") ") {
            return (indent + digits + 2, true);
        }
    }
    (0, false)
}

fn split_line(text: &str, offset: usize, line: &str, bullet: bool, out: &mut Vec<Span>) {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut start = 0;
    let mut k = 0;
    while k < chars.len() {
        let (i, c) = chars[k];
        let ends = match c {
            '!' | '?' | '…' => true,
            '.' => !dot_continues(line, &chars, k),
            _ => false,
        };
        if !ends {
            k += 1;
            continue;
        }
        // Take the rest of a run of terminators ("?!", "...") and closing quotes/brackets.
        let mut j = k + 1;
        while j < chars.len() && matches!(chars[j].1, '.' | '!' | '?' | '…') {
            j += 1;
        }
        while j < chars.len() && matches!(chars[j].1, '"' | '\'' | '”' | '’' | ')' | ']' | '»')
        {
            j += 1;
        }
        // A sentence ends only before a space (or the end of the line).
        if j < chars.len() && !chars[j].1.is_whitespace() {
            k = j;
            continue;
        }
        let end = if j < chars.len() {
            chars[j].0
        } else {
            line.len()
        };
        let question = line[i..end].contains('?');
        push(
            text,
            offset,
            &line[start..end],
            start,
            question,
            bullet,
            out,
        );
        start = end;
        k = j;
    }
    if start < line.len() {
        let rest = &line[start..];
        let question = rest.trim_end().ends_with('?');
        push(text, offset, rest, start, question, bullet, out);
    }
}

fn push(
    text: &str,
    offset: usize,
    piece: &str,
    at: usize,
    question: bool,
    bullet: bool,
    out: &mut Vec<Span>,
) {
    let lead = piece.len() - piece.trim_start().len();
    let trimmed = piece.trim();
    if trimmed.is_empty() || !trimmed.chars().any(char::is_alphanumeric) {
        return;
    }
    let start = offset + at + lead;
    let span = Span {
        start,
        end: start + trimmed.len(),
        question,
        bullet,
    };
    debug_assert_eq!(span.of(text), trimmed);
    out.push(span);
}

/// Whether the full stop at `chars[k]` is part of a number, an abbreviation, an address or an
/// initial rather than the end of a sentence.
fn dot_continues(line: &str, chars: &[(usize, char)], k: usize) -> bool {
    let prev = k.checked_sub(1).map(|p| chars[p].1);
    let next = chars.get(k + 1).map(|c| c.1);
    // 3.2, v1.2.3, example.com, a.b@c.d: no space after the dot.
    if next.is_some_and(|n| n.is_alphanumeric() || n == '_' || n == '/') {
        return true;
    }
    // The word before the dot.
    let word_start = chars[..k]
        .iter()
        .rposition(|(_, c)| c.is_whitespace() || matches!(c, '(' | '"' | '“'))
        .map_or(0, |p| p + 1);
    let word: String = chars[word_start..k]
        .iter()
        .map(|(_, c)| *c)
        .collect::<String>()
        .to_lowercase();
    if word.is_empty() {
        return false;
    }
    if word.contains("://") || word.starts_with("www.") {
        return true;
    }
    if ABBREVIATIONS.contains(&word.as_str()) {
        // "etc." and "e.g." may end a sentence too: only when a capitalised word follows and the
        // abbreviation is one that usually closes a list.
        let closes = matches!(word.as_str(), "etc" | "al" | "inc" | "ltd" | "co" | "corp");
        return !(closes && next_word_capitalised(line, chars, k));
    }
    // A single capital letter: an initial ("J. Smith") — unless it is "I." ending a sentence.
    if word.chars().count() == 1 && prev.is_some_and(char::is_uppercase) && word != "i" {
        return true;
    }
    false
}

fn next_word_capitalised(_line: &str, chars: &[(usize, char)], k: usize) -> bool {
    chars[k + 1..]
        .iter()
        .map(|(_, c)| *c)
        .find(|c| !c.is_whitespace() && !matches!(c, '"' | '“'))
        .is_some_and(char::is_uppercase)
}

/// Clauses of a sentence for quoting a long one: cut after `,`, `;`, `:` or a dash, never inside
/// a number ("3,200") and never leaving a piece of fewer than `min_words` words.
pub fn clauses(sentence: &str, min_words: usize) -> Vec<&str> {
    let mut cuts = vec![0];
    let bytes: Vec<(usize, char)> = sentence.char_indices().collect();
    for (k, &(i, c)) in bytes.iter().enumerate() {
        let after_space = bytes.get(k + 1).is_some_and(|(_, n)| n.is_whitespace());
        let is_cut = match c {
            ',' | ';' | ':' => after_space,
            '—' | '–' => true,
            '-' => k > 0 && bytes[k - 1].1 == ' ' && after_space,
            _ => false,
        };
        if is_cut {
            cuts.push(i + c.len_utf8());
        }
    }
    cuts.push(sentence.len());
    let mut out: Vec<&str> = Vec::new();
    let mut from = 0;
    for w in cuts.windows(2) {
        let piece = &sentence[from..w[1]];
        if piece.split_whitespace().count() >= min_words || w[1] == sentence.len() {
            let t = piece
                .trim()
                .trim_end_matches([',', ';', ':', '—', '–', '-'])
                .trim();
            if !t.is_empty() {
                if t.split_whitespace().count() < min_words
                    && let Some(last) = out.last_mut()
                {
                    // A short tail joins the clause before it.
                    let start = last.as_ptr() as usize - sentence.as_ptr() as usize;
                    *last = sentence[start..w[1]]
                        .trim()
                        .trim_end_matches([',', ';', ':']);
                } else {
                    out.push(t);
                }
            }
            from = w[1];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_abbreviations_and_addresses_do_not_end_sentences() {
        let t = "We process 3.2 million payments a day, e.g. refunds and payouts. Dr. Lee in the U.S. \
                 office agreed. See https://example.com/docs.html for details. It cost approx. $4.5k!";
        assert_eq!(
            sentences(t),
            [
                "We process 3.2 million payments a day, e.g. refunds and payouts.",
                "Dr. Lee in the U.S. office agreed.",
                "See https://example.com/docs.html for details.",
                "It cost approx. $4.5k!",
            ]
        );
    }

    #[test]
    fn quotes_stay_with_their_sentence_and_questions_are_marked() {
        let t = "She said \"we can't ship this.\" So I asked why? Then we fixed it...";
        let s = split(t);
        let texts: Vec<&str> = s.iter().map(|s| s.of(t)).collect();
        assert_eq!(
            texts,
            [
                "She said \"we can't ship this.\"",
                "So I asked why?",
                "Then we fixed it..."
            ]
        );
        assert_eq!(
            s.iter().map(|s| s.question).collect::<Vec<_>>(),
            [false, true, false]
        );
    }

    #[test]
    fn list_items_and_line_breaks_are_sentences() {
        let t = "Three things:\n- cut p95 from 900 ms to 140 ms\n- 1,200 paying users\n2. a SOC 2 report";
        let s = split(t);
        let texts: Vec<&str> = s.iter().map(|s| s.of(t)).collect();
        assert_eq!(
            texts,
            [
                "Three things:",
                "cut p95 from 900 ms to 140 ms",
                "1,200 paying users",
                "a SOC 2 report"
            ]
        );
        assert_eq!(s.iter().filter(|s| s.bullet).count(), 3);
    }

    #[test]
    fn clauses_never_cut_numbers() {
        let s = "We moved 40,000 accounts in one weekend, with no failed invoices, and costs fell by 18.5 percent";
        assert_eq!(
            clauses(s, 4),
            [
                "We moved 40,000 accounts in one weekend",
                "with no failed invoices",
                "and costs fell by 18.5 percent"
            ]
        );
    }
}
