//! Small text utilities shared by the coach and the evaluator: words, sentences, a light stemmer,
//! phrase counting. Pure functions over `&str`; nothing here allocates more than it returns.
//! [`document`] reads a CV and a job description (the session's role context).

pub mod document;
pub mod sentences;

/// A word as [`words`] gives it: short words (nearly all) are kept inline, not on the heap.
pub type Word = compact_str::CompactString;

/// Lowercased words (letters, digits, apostrophes inside a word), in order.
pub fn words(text: &str) -> Vec<Word> {
    words_at(text).0
}

/// [`words`] and the byte offset in `text` where each starts.
pub fn words_at(text: &str) -> (Vec<Word>, Vec<usize>) {
    let mut out = Vec::with_capacity(text.len() / 5);
    let mut at = Vec::with_capacity(text.len() / 5);
    let mut start = None;
    let mut end = 0;
    let mut finish = |from: usize, to: usize| {
        let raw = text[from..to].trim_end_matches(['\'', '’']);
        // Nearly every word is already lowercase ASCII: copied whole, not char by char.
        let word = if raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'\'')
        {
            Word::from(raw)
        } else {
            let mut w = Word::with_capacity(raw.len());
            for c in raw.chars() {
                match c {
                    '’' => w.push('\''),
                    c if c.is_ascii() => w.push(c.to_ascii_lowercase()),
                    c => w.extend(c.to_lowercase()),
                }
            }
            w
        };
        out.push(word);
        at.push(from);
    };
    for (i, c) in text.char_indices() {
        let inside = c.is_alphanumeric() || (start.is_some() && (c == '\'' || c == '’'));
        match (inside, start) {
            (true, None) => start = Some(i),
            (false, Some(from)) => {
                finish(from, end);
                start = None;
            }
            _ => {}
        }
        if inside {
            end = i + c.len_utf8();
        }
    }
    if let Some(from) = start {
        finish(from, end);
    }
    (out, at)
}

/// The text as lowercase words joined by single spaces, padded with a space on each side so a
/// phrase can be found as ` phrase ` without matching inside a longer word.
pub fn normalized(text: &str) -> String {
    normalized_words(&words(text))
}

/// [`normalized`] from words already split by [`words`].
pub fn normalized_words(words: &[impl AsRef<str>]) -> String {
    let mut s =
        String::with_capacity(words.iter().map(|w| w.as_ref().len() + 1).sum::<usize>() + 1);
    s.push(' ');
    for w in words {
        s.push_str(w.as_ref());
        s.push(' ');
    }
    s
}

/// How many times any of `phrases` occurs (as whole words) in a [`normalized`] text.
pub fn count_phrases(norm: &str, phrases: &[impl AsRef<str>]) -> usize {
    phrases
        .iter()
        .map(|p| {
            let needle = format!(" {} ", p.as_ref().trim());
            // Overlapping matches share the separating space, so step by one char.
            let mut n = 0;
            let mut from = 0;
            while let Some(i) = norm[from..].find(&needle) {
                n += 1;
                from += i + needle.len() - 1;
            }
            n
        })
        .sum()
}

/// The first of `phrases` found, for quoting what triggered a reaction.
pub fn first_phrase<'a>(norm: &str, phrases: &'a [impl AsRef<str>]) -> Option<&'a str> {
    phrases
        .iter()
        .map(AsRef::as_ref)
        .find(|p| norm.contains(&format!(" {} ", p.trim())))
}

/// Sentences, split on . ! ? and line breaks, trimmed, non-empty.
pub fn sentences(text: &str) -> Vec<&str> {
    text.split(['.', '!', '?', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// Words too common to say anything about topic overlap.
pub const STOP_WORDS: &[&str] = &[
    "a", "about", "above", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as",
    "at", "be", "because", "been", "before", "being", "both", "but", "by", "can", "could", "did",
    "do", "does", "doing", "don't", "down", "during", "each", "few", "for", "from", "had", "has",
    "have", "having", "he", "her", "here", "hers", "him", "his", "how", "i", "i'm", "i've", "if",
    "in", "into", "is", "it", "it's", "its", "just", "me", "more", "most", "my", "no", "nor",
    "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "out", "over",
    "own", "really", "so", "some", "such", "than", "that", "that's", "the", "their", "them",
    "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until",
    "up", "us", "very", "was", "we", "we're", "were", "what", "when", "where", "which", "while",
    "who", "whom", "why", "will", "with", "would", "you", "you're", "your", "yours", "tell",
    "time", "walk", "me", "think", "thing", "things", "like", "get", "got", "make", "made", "want",
    "let", "let's", "one", "would", "should", "well", "yes", "yeah", "okay", "ok",
];

/// A light suffix-stripping stemmer: enough to match "migrating"/"migration"/"migrated".
pub fn stem(word: &str) -> String {
    stem_ref(word).to_string()
}

/// [`stem`] as a piece of `word` (the stem is always a prefix of it): no allocation.
pub fn stem_ref(word: &str) -> &str {
    let w = word.trim_matches('\'');
    let mut w = w;
    for suffix in [
        "ions", "ion", "ings", "ing", "ments", "ment", "ies", "ied", "ers", "er", "ed", "es", "ly",
        "s",
    ] {
        if w.len() > suffix.len() + 3 && w.ends_with(suffix) {
            w = &w[..w.len() - suffix.len()];
            break;
        }
    }
    // "manage"/"managed"/"managing" all end up as "manag".
    if w.len() > 4 && w.ends_with('e') {
        w = &w[..w.len() - 1];
    }
    w
}

/// Whether `word` (lowercase) is one of [`STOP_WORDS`], by hash rather than by scanning them.
pub fn is_stop_word(word: &str) -> bool {
    static SET: std::sync::LazyLock<rustc_hash::FxHashSet<&'static str>> =
        std::sync::LazyLock::new(|| STOP_WORDS.iter().copied().collect());
    SET.contains(word)
}

/// Stemmed content words (stop words out), for overlap between a question and an answer.
pub fn content_stems(text: &str) -> std::collections::BTreeSet<String> {
    content_stem_list(text).into_iter().collect()
}

/// [`content_stems`] in text order, repeats kept (for callers that build their own set).
pub fn content_stem_list(text: &str) -> Vec<String> {
    words(text)
        .into_iter()
        .filter(|w| w.len() > 2 && !is_stop_word(w))
        .map(|w| stem(&w))
        .collect()
}

/// Whether the text has a figure: a digit, a percentage or a number word.
pub fn has_number(text: &str) -> bool {
    const NUMBER_WORDS: &[&str] = &[
        "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve", "twenty",
        "thirty", "forty", "fifty", "hundred", "thousand", "million", "billion", "half", "double",
        "doubled", "tripled", "twice", "percent", "dozen",
    ];
    text.chars().any(|c| c.is_ascii_digit())
        || words(text)
            .iter()
            .any(|w| NUMBER_WORDS.contains(&w.as_str()))
}

/// How many figures the text has: tokens with a digit, and number words.
pub fn count_numbers(text: &str) -> usize {
    const NUMBER_WORDS: &[&str] = &[
        "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "fifteen", "twenty", "thirty", "forty", "fifty", "hundred", "thousand", "million",
        "billion", "half", "double", "doubled", "tripled", "twice", "percent", "dozen",
    ];
    words(text)
        .iter()
        .filter(|w| w.chars().any(|c| c.is_ascii_digit()) || NUMBER_WORDS.contains(&w.as_str()))
        .count()
}

/// A fragment of `text` around its first occurrence of `phrase` (whole words), `max_words` long,
/// taken from the original text so it can be quoted as the user wrote it.
pub fn quote_around(text: &str, phrase: &str, max_words: usize) -> Option<String> {
    let orig: Vec<&str> = text.split_whitespace().collect();
    let lower: Vec<String> = orig.iter().map(|w| words(w).join(" ")).collect();
    let target: Vec<Word> = words(phrase);
    if target.is_empty() {
        return None;
    }
    let start = (0..orig.len()).find(|&i| {
        target
            .iter()
            .enumerate()
            .all(|(k, t)| lower.get(i + k).is_some_and(|w| w == t))
    })?;
    let before = (max_words.saturating_sub(target.len())) / 2;
    let from = start.saturating_sub(before);
    let to = (from + max_words).min(orig.len());
    Some(clean_quote(&orig[from..to].join(" ")))
}

/// The first `max_words` words of the text's first sentence, as a quote. When the sentence is
/// longer, it is cut after the last clause (a comma, semicolon or dash) that fits, if any.
pub fn opening_words(text: &str, max_words: usize) -> String {
    let first = sentences(text).into_iter().next().unwrap_or(text);
    let all: Vec<&str> = first.split_whitespace().collect();
    if all.len() <= max_words {
        return clean_quote(&all.join(" "));
    }
    let mut ws = &all[..max_words];
    if let Some(cut) = ws
        .iter()
        .rposition(|w| w.ends_with([',', ';', ':']) || *w == "-" || *w == "—")
        .filter(|&i| i >= 3)
    {
        ws = &ws[..=cut];
    }
    clean_quote(&ws.join(" "))
}

fn clean_quote(s: &str) -> String {
    s.trim_matches(|c: char| !c.is_alphanumeric() && c != '%' && c != '$')
        .replace('"', "'")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_match_whole_words_only() {
        let n = normalized("Um, I think maybe we, like, shipped it. Likely fine!");
        assert_eq!(count_phrases(&n, &["like"]), 1);
        assert_eq!(count_phrases(&n, &["i think maybe", "um"]), 2);
        assert_eq!(first_phrase(&n, &["sort of", "um"]), Some("um"));
    }

    #[test]
    fn stems_match_word_families() {
        assert_eq!(stem("migrating"), stem("migrated"));
        assert_eq!(stem("services"), stem("service"));
        assert_eq!(stem("managed"), stem("manage"));
        assert!(content_stems("Tell me about the migration").contains(&stem("migrating")));
    }

    #[test]
    fn quotes_come_from_the_original_words() {
        let t = "Honestly, we kind of improved things a lot over the year.";
        assert_eq!(
            quote_around(t, "kind of", 6).as_deref(),
            Some("Honestly, we kind of improved things")
        );
        assert_eq!(opening_words(t, 3), "Honestly, we kind");
        assert_eq!(
            opening_words(
                "Led the migration of 40 services to Kubernetes, cutting deploy time by 70%",
                12
            ),
            "Led the migration of 40 services to Kubernetes"
        );
        assert!(has_number("we cut it by 40%") && has_number("it doubled") && !has_number("a lot"));
    }
}
