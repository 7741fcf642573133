//! Figures in an answer and what they measure: "40 services", "p95 of 140 ms", "$18k MRR",
//! "3.2 million payments". A figure attached to nothing ("improved it by 40%") measures nothing.

use super::lexicon::LEXICON;
use crate::text;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 40%, 18 percent.
    Rate,
    /// $18k, €2M, 40 dollars.
    Money,
    /// Two weeks, 90 days, 3 months: a timeframe (a plan or a duration, not a result by itself).
    Duration,
    /// 2021, Q3: when something happened.
    Date,
    /// 140 ms, 1,200 users, 3.2 million payments.
    Count,
}

/// One figure in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    /// The figure as written ("3.2 million", "$18k").
    pub text: String,
    pub kind: Kind,
    /// The word it measures ("payments", "latency"), when there is one.
    pub measure: Option<String>,
    /// Byte offset in the text.
    pub at: usize,
}

const NUMBER_WORDS: &[&str] = &[
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "thousand",
    "million",
    "billion",
    "half",
    "double",
    "doubled",
    "tripled",
    "halved",
    "twice",
    "dozen",
    "dozens",
    "hundreds",
    "thousands",
    "millions",
];
const SCALES: &[&str] = &["hundred", "thousand", "million", "billion", "k", "m", "bn"];
const DURATIONS: &[&str] = &[
    "second", "seconds", "minute", "minutes", "hour", "hours", "day", "days", "week", "weeks",
    "month", "months", "year", "years", "quarter", "quarters", "sprint", "sprints", "weekend",
    "weekends",
];
const MONEY_WORDS: &[&str] = &[
    "dollars", "dollar", "euros", "euro", "pounds", "usd", "eur", "gbp", "mrr", "arr", "revenue",
    "budget", "k/month", "per", "bucks",
];

/// A word of the original text with its byte range.
struct Tok<'a> {
    raw: &'a str,
    at: usize,
    /// Lowercase letters and digits only (borrowed when `raw` already is).
    norm: std::borrow::Cow<'a, str>,
    /// Ends a clause (followed by , ; : . ! ?).
    clause_end: bool,
}

fn tokens(text: &str) -> Vec<Tok<'_>> {
    let mut out = Vec::with_capacity(text.len() / 5);
    for word in text.split_whitespace() {
        // A piece of `text`: its offset is the distance between the two starts.
        let at = word.as_ptr() as usize - text.as_ptr() as usize;
        // "two-week" is two words here: the figure and what it counts.
        let mut from = 0;
        let mut pieces = word.split(['-', '–']).peekable();
        while let Some(raw) = pieces.next() {
            let last = pieces.peek().is_none();
            let start = at + from;
            from += raw.len()
                + word[from + raw.len()..]
                    .chars()
                    .next()
                    .map_or(0, char::len_utf8);
            if raw.is_empty() {
                continue;
            }
            let trimmed = raw.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '%');
            let clause_end = last
                && trimmed.len() < raw.len()
                && raw[trimmed.len()..]
                    .chars()
                    .any(|c| matches!(c, ',' | ';' | ':' | '.' | '!' | '?' | ')'));
            let keep = |c: char| c.is_alphanumeric() || c == '%' || c == '$' || c == '\'';
            let bare = raw.trim_matches(|c: char| !keep(c));
            let norm = if bare.chars().all(|c| keep(c) && !c.is_uppercase()) {
                std::borrow::Cow::Borrowed(bare)
            } else {
                std::borrow::Cow::Owned(
                    raw.chars()
                        .filter(|c| keep(*c))
                        .flat_map(char::to_lowercase)
                        .collect(),
                )
            };
            out.push(Tok {
                raw,
                at: start,
                norm,
                clause_end,
            });
        }
    }
    out
}

/// Whether `w` is one of [`NUMBER_WORDS`] (asked of every word, so by hash).
fn is_number_word(w: &str) -> bool {
    static SET: std::sync::LazyLock<rustc_hash::FxHashSet<&'static str>> =
        std::sync::LazyLock::new(|| NUMBER_WORDS.iter().copied().collect());
    SET.contains(w)
}

/// "1st", "20th", "3rd": a day or a rank ("on the 20th"), not an amount of anything.
/// "15" in "October 15" or "15 October": one or two digits and nothing else.
fn day_of_month(digits: &str, written: &str) -> bool {
    (1..=2).contains(&digits.len()) && digits.len() == written.len()
}

fn is_month(w: &str) -> bool {
    matches!(
        w.trim_end_matches('.'),
        "january"
            | "february"
            | "march"
            | "april"
            | "may"
            | "june"
            | "july"
            | "august"
            | "september"
            | "october"
            | "november"
            | "december"
            | "jan"
            | "feb"
            | "apr"
            | "jun"
            | "jul"
            | "aug"
            | "sep"
            | "sept"
            | "oct"
            | "nov"
            | "dec"
    )
}

fn is_ordinal(w: &str) -> bool {
    let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    !digits.is_empty()
        && digits.len() <= 4
        && digits.chars().all(|c| c.is_ascii_digit())
        && matches!(&w[digits.len()..], "st" | "nd" | "rd" | "th")
}

fn is_figure(t: &Tok<'_>) -> bool {
    t.norm.chars().any(|c| c.is_ascii_digit()) || is_number_word(&t.norm)
}

/// The figures of a text, in order.
pub fn figures(text: &str) -> Vec<Figure> {
    let toks = tokens(text);
    let vague = &LEXICON.words.vague_nouns;
    let mut out = Vec::new();
    let mut k = 0;
    while k < toks.len() {
        let t = &toks[k];
        if !is_figure(t) {
            k += 1;
            continue;
        }
        // "3.2 million", "two hundred": take the scale word along.
        let mut end = k;
        while end + 1 < toks.len()
            && !toks[end].clause_end
            && (SCALES.contains(&toks[end + 1].norm.as_ref())
                || (is_number_word(&toks[end].norm) && is_number_word(&toks[end + 1].norm)))
        {
            end += 1;
        }
        let last = &toks[end];
        let written = text[t.at..last.at + last.raw.len()]
            .trim_end_matches(|c: char| !c.is_alphanumeric() && c != '%')
            .to_string();
        let lower = written.to_lowercase();
        let digits: String = lower.chars().filter(char::is_ascii_digit).collect();
        let next = toks
            .get(end + 1)
            .filter(|_| !last.clause_end)
            .map(|t| t.norm.as_ref());
        let kind = if lower.contains('%') || next == Some("percent") || next == Some("pct") {
            Kind::Rate
        } else if lower.contains(['$', '€', '£']) || next.is_some_and(|n| MONEY_WORDS.contains(&n))
        {
            Kind::Money
        } else if next.is_some_and(|n| DURATIONS.contains(&n)) {
            Kind::Duration
        } else if (digits.len() == 4
            && lower.chars().all(|c| c.is_ascii_digit())
            && (digits.starts_with("19") || digits.starts_with("20")))
            || (lower.len() == 2 && lower.starts_with('q'))
            || is_ordinal(&lower)
            || (day_of_month(&digits, &lower)
                && (next.is_some_and(is_month)
                    || k.checked_sub(1)
                        .and_then(|p| toks.get(p))
                        .is_some_and(|p| !p.clause_end && is_month(p.norm.as_ref()))))
        {
            Kind::Date
        } else {
            Kind::Count
        };
        // Ordinal-like "one" is too common to be a figure; it was never in NUMBER_WORDS.
        let measure = if kind == Kind::Date {
            None
        } else {
            measure_of(&toks, k, end, vague)
        };
        out.push(Figure {
            text: written,
            kind,
            measure,
            at: t.at,
        });
        k = end + 1;
    }
    out
}

/// The nearest informative word in the figure's clause: up to three words after it, then up to
/// five before it. Pronouns and vague words ("it", "results") do not count.
fn measure_of(
    toks: &[Tok<'_>],
    start: usize,
    end: usize,
    vague: &rustc_hash::FxHashSet<String>,
) -> Option<String> {
    let good = |t: &Tok<'_>| {
        let w = t.norm.trim_matches('\'');
        w.len() > 1
            && !w.chars().any(|c| c.is_ascii_digit())
            // Verbs say what changed, not what was measured ("improved it by 40%").
            && !w.ends_with("ed")
            && !LEXICON.words.result_verbs.contains(w)
            && !is_number_word(w)
            && !SCALES.contains(&w)
            && !vague.contains(w)
            && !text::is_stop_word(w)
            && !matches!(
                w,
                "by" | "of" | "from" | "to" | "percent" | "pct" | "around" | "about" | "over"
                    | "under" | "than" | "nearly" | "almost" | "roughly" | "approx" | "per"
            )
    };
    let mut k = end;
    for _ in 0..3 {
        if toks[k].clause_end {
            break;
        }
        k += 1;
        let Some(t) = toks.get(k) else { break };
        if good(t) {
            return Some(t.norm.to_string());
        }
        if t.clause_end {
            break;
        }
    }
    let mut k = start;
    for _ in 0..5 {
        if k == 0 {
            break;
        }
        k -= 1;
        if toks[k].clause_end {
            break;
        }
        if good(&toks[k]) {
            return Some(toks[k].norm.to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(t: &str) -> Vec<(String, Kind, Option<String>)> {
        figures(t)
            .into_iter()
            .map(|f| (f.text, f.kind, f.measure))
            .collect()
    }

    #[test]
    fn figures_know_what_they_measure() {
        let f = kinds("We process 3.2 million payments a day and cut p95 latency by 40%.");
        assert_eq!(f[0].0, "3.2 million");
        assert_eq!(f[0].2.as_deref(), Some("payments"));
        assert_eq!(f[1].0, "p95");
        assert_eq!(f[2].1, Kind::Rate);
        assert_eq!(f[2].2.as_deref(), Some("latency"));
    }

    #[test]
    fn a_figure_about_nothing_measures_nothing() {
        let f = kinds("As a result we improved it by 40%.");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].2, None);
    }

    #[test]
    fn timeframes_money_and_dates_are_told_apart() {
        let f = kinds("In 2021 we proposed a two-week pilot; today $18k MRR and 3 paying clinics.");
        let k: Vec<Kind> = f.iter().map(|f| f.1).collect();
        assert_eq!(k, [Kind::Date, Kind::Duration, Kind::Money, Kind::Count]);
        assert_eq!(f[1].2.as_deref(), Some("week"));
        assert_eq!(f[3].2.as_deref(), Some("paying"));
    }

    #[test]
    fn ordinals_are_dates_not_amounts() {
        let f =
            kinds("Could we meet your VP on the 20th, or on March 3rd? We came 1st of 40 teams.");
        let k: Vec<Kind> = f.iter().map(|f| f.1).collect();
        assert_eq!(k, [Kind::Date, Kind::Date, Kind::Date, Kind::Count]);
        assert_eq!(f[0].2, None, "a date measures nothing: {f:?}");
        assert!(!is_ordinal("4th-quarter") && !is_ordinal("th") && is_ordinal("2nd"));
    }

    #[test]
    fn a_day_next_to_a_month_is_a_date() {
        let f = kinds("We land it by October 15, or 3 December at the latest, with 15 engineers.");
        let k: Vec<Kind> = f.iter().map(|f| f.1).collect();
        assert_eq!(k, [Kind::Date, Kind::Date, Kind::Count], "{f:?}");
    }
}
