//! What the coach heard in an answer, read with the judge's own analysis (by meaning when the
//! embedding model is installed, by shared words otherwise), and what a real counterpart would
//! ask next: only for what the answer is missing, never for what it already gave.

use crate::analysis::lexicon::L;
use crate::analysis::{AnswerAnalysis, FigureKind};
use crate::text;

/// A way the coach follows up on an answer before moving on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    TooShort,
    /// Gives the question back, or says almost nothing beyond it.
    Echo,
    /// A near-copy of an earlier answer.
    Repeats,
    OffTopic,
    StarSituation,
    StarAction,
    StarResult,
    WeNotI,
    Vague,
    NoResult,
    /// A design answer without its reasons: why, the alternatives, the trade-off, 10× load.
    Tradeoff,
    Hedging,
}

/// What the session expects an answer to hold.
#[derive(Debug, Clone, Copy, Default)]
pub struct Expect {
    /// Behavioral and leadership questions: situation, own actions, result.
    pub star: bool,
    /// Technical and system-design: reasons and trade-offs.
    pub design: bool,
    /// Whether an outcome with a figure is expected (not in a discovery call, where the user asks).
    pub outcome: bool,
}

/// Words that show a design answer weighed its options.
const TRADEOFF: &[&str] = &[
    "trade off",
    "tradeoff",
    "tradeoffs",
    "trade offs",
    "instead of",
    "rather than",
    "downside",
    "downsides",
    "the cost of",
    "at the cost",
    "alternative",
    "alternatives",
    "versus",
    "vs",
    "compared to",
    "compared with",
    "we chose",
    "i chose",
    "we picked",
    "i picked",
    "the risk",
    "on the other hand",
    "bottleneck",
    "fails when",
    "would break",
];

/// Facts of an answer the coach can quote back.
pub fn measured(a: &AnswerAnalysis) -> impl Iterator<Item = &crate::analysis::Figure> {
    a.figures.iter().filter(|f| {
        f.measure.is_some() && !matches!(f.kind, FigureKind::Date | FigureKind::Duration)
    })
}

/// A sentence that opens on a place or a moment: "At Acme we …", "When our API went down …",
/// "During the migration …" — the situation of a story, whatever words follow.
fn sets_a_scene(sentence: &str) -> bool {
    let words: Vec<&str> = sentence.split_whitespace().take(2).collect();
    let [first, second] = words[..] else {
        return false;
    };
    let first = first.to_lowercase();
    let named = second.chars().next().is_some_and(char::is_uppercase) && second != "I";
    (matches!(first.as_str(), "at" | "in" | "on") && named)
        || matches!(
            first.as_str(),
            "when" | "while" | "during" | "after" | "before" | "once"
        ) && !matches!(second.to_lowercase().as_str(), "i" | "you")
}

/// Whether the answer is about something else: by meaning when the model read it; by shared
/// words only when the answer is long, touches nothing said so far and names none of the
/// session's words (a paraphrase shares some).
pub fn off_topic(a: &AnswerAnalysis) -> bool {
    if a.semantic {
        return a.off_topic >= 0.6;
    }
    // Without the model, shared words alone would call every paraphrase off topic: it takes an
    // answer that touches little of the conversation *and* talks about life outside work.
    let leisure = leisure(&a.text);
    a.words >= 15 && leisure >= 2 && a.relevance < 0.3 && measured(a).next().is_none()
}

/// How many distinct words of `text` are about life outside work.
pub fn leisure(text: &str) -> usize {
    text::content_stems(text)
        .iter()
        .filter(|w| LEISURE_STEMS.contains(w.as_str()))
        .count()
}

/// Words about life outside work: sport, food, weather, holidays, pets, hobbies, TV, family.
const LEISURE: &[&str] = &[
    "football",
    "soccer",
    "basketball",
    "baseball",
    "tennis",
    "golf",
    "rugby",
    "cricket",
    "hockey",
    "derby",
    "referee",
    "league",
    "striker",
    "stadium",
    "weekend",
    "weekends",
    "saturday",
    "saturdays",
    "sunday",
    "sundays",
    "hobby",
    "hobbies",
    "gym",
    "marathon",
    "jogging",
    "hiking",
    "cycling",
    "swimming",
    "beach",
    "vacation",
    "barbecue",
    "pasta",
    "pizza",
    "recipe",
    "cooking",
    "baking",
    "dinner",
    "breakfast",
    "wine",
    "beer",
    "weather",
    "rain",
    "rainy",
    "sunny",
    "snow",
    "cat",
    "dog",
    "pet",
    "puppy",
    "kitten",
    "garden",
    "guitar",
    "piano",
    "movie",
    "movies",
    "film",
    "netflix",
    "episode",
    "song",
    "concert",
    "videogame",
    "brother",
    "sister",
    "cousin",
    "grandmother",
    "grandfather",
    "birthday",
    "wedding",
    "party",
];

static LEISURE_STEMS: std::sync::LazyLock<rustc_hash::FxHashSet<String>> =
    std::sync::LazyLock::new(|| LEISURE.iter().map(|w| text::stem(w)).collect());

/// The follow-ups an answer calls for, most important first (empty: it is a full answer).
pub fn needs(a: &AnswerAnalysis, expect: Expect) -> Vec<Move> {
    let mut out = Vec::new();
    let s = &a.sentences;
    let asks = !a.asks.is_empty();
    if a.words < 8 && !asks {
        return vec![Move::TooShort];
    }
    if a.repeats.is_some() {
        out.push(Move::Repeats);
    }
    if a.words >= 6 && a.echo_share >= 0.6 {
        out.push(Move::Echo);
        return out;
    }
    let hedges = a.hits.n(L::Hedges);
    let hedged = hedges >= 3 || (hedges >= 2 && a.words < 40);
    if a.informative < 4 && !a.is_question_only() {
        // Says almost nothing: unsure, or only in general terms.
        if hedged {
            out.push(Move::Hedging);
        }
        out.push(Move::Vague);
        return out;
    }
    if off_topic(a) {
        out.push(Move::OffTopic);
        return out;
    }
    let figures = measured(a).count();
    let situation = s.iter().enumerate().any(|(i, x)| {
        !x.echo
            && x.informative >= 3
            && (x.hits.any(L::Situation) || sets_a_scene(a.sentence_text(i)))
    });
    let result = figures > 0
        || s.iter()
            .any(|x| !x.echo && x.informative >= 3 && x.hits.any(L::ResultVerbs));
    let own = a.own_actions > 0;
    let we_only = a.we_actions >= 2 && !own;
    if we_only {
        out.push(Move::WeNotI);
    }
    if expect.star && a.words >= 15 {
        if !own && !we_only {
            out.push(Move::StarAction);
        }
        if !result {
            out.push(Move::StarResult);
        }
        // A story with the person's own actions and a result has done the work: asking it to
        // "set the scene" as well is nagging.
        if !(situation || own && result) {
            out.push(Move::StarSituation);
        }
    }
    if expect.design && a.words >= 15 {
        let norm = text::normalized(&a.text);
        let reasons = s
            .iter()
            .filter(|x| x.hits.any(L::Connectors) && x.informative >= 3)
            .count();
        if text::count_phrases(&norm, TRADEOFF) == 0 || reasons == 0 {
            out.push(Move::Tradeoff);
        }
    }
    let vague = a.hits.n(L::Vague) + a.hits.n(L::GenericClaims) + a.hits.n(L::Buzzwords);
    if vague >= 2 && figures == 0 && a.entities == 0 && !own {
        out.push(Move::Vague);
    }
    if expect.outcome && !expect.star && a.words >= 25 && !result && !asks {
        out.push(Move::NoResult);
    }
    if hedged {
        out.push(Move::Hedging);
    }
    out
}

/// The clause of the answer that carries its first measured figure ("cut p95 from 900 to 140
/// ms"), short enough to say back.
pub fn figure_clause(a: &AnswerAnalysis) -> Option<String> {
    let sentence_of = |at: usize| {
        a.sentences
            .iter()
            .find(|s| s.span.start <= at && at < s.span.end)
    };
    // A result ("dropped from 900 to 240 ms") rather than a goal ("get it under 300 ms"): a
    // figure said with a result verb, else the last one.
    // "two options" is a count, not a result: without a result verb it takes digits, a rate or
    // money.
    // "one more engineer" is a count in a request, not a result: it takes digits, a rate or money.
    let substantive = |f: &&crate::analysis::Figure| {
        f.text.chars().any(|c| c.is_ascii_digit())
            || matches!(f.kind, FigureKind::Rate | FigureKind::Money)
    };
    let f = measured(a)
        .filter(substantive)
        .find(|f| sentence_of(f.at).is_some_and(|s| s.hits.any(L::ResultVerbs)))
        .or_else(|| measured(a).filter(substantive).last())?;
    let s = sentence_of(f.at)?;
    let sentence = s.span.of(&a.text);
    let at = f.at - s.span.start;
    let clause = text::sentences::clauses(sentence, 3)
        .into_iter()
        .find(|c| {
            let start = c.as_ptr() as usize - sentence.as_ptr() as usize;
            start <= at && at < start + c.len()
        })
        .unwrap_or(sentence);
    Some(say_back(clause, 16))
}

/// The clause of a result said with a figure ("p99 dropped from 900 to 240 ms"), to recall
/// later; a goal or a count ("I wrote the two options") is not one.
pub fn result_clause(a: &AnswerAnalysis) -> Option<String> {
    // figure_clause takes a figure said with a result verb first: there is one.
    let result = measured(a).any(|f| {
        a.sentences
            .iter()
            .any(|s| s.span.start <= f.at && f.at < s.span.end && s.hits.any(L::ResultVerbs))
    });
    result.then(|| figure_clause(a)).flatten()
}

/// The user's first own action ("I rewrote the importer"), said back to them ("you rewrote the
/// importer").
pub fn action_clause(a: &AnswerAnalysis) -> Option<String> {
    let s = a.sentences.iter().find(|s| s.own_actions > 0 && !s.echo)?;
    let sentence = s.span.of(&a.text);
    let words: Vec<&str> = sentence.split_whitespace().collect();
    // "I" that starts a main clause: not "before I say", "if I could".
    let i = (0..words.len()).find(|&i| {
        let bare = |w: &str| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        };
        bare(words[i]) == "i"
            && words[i] == words[i].trim_end_matches(',')
            && (i == 0
                || !matches!(
                    bare(words[i - 1]).as_str(),
                    "before"
                        | "if"
                        | "when"
                        | "unless"
                        | "until"
                        | "after"
                        | "as"
                        | "because"
                        | "that"
                        | "what"
                        | "how"
                        | "whether"
                        | "once"
                        | "while"
                        | "since"
                ))
    })?;
    let rest = words[i..].join(" ");
    let clause = text::sentences::clauses(&rest, 2)
        .into_iter()
        .next()
        .unwrap_or(&rest)
        .to_string();
    let second: Vec<String> = say_back(&clause, 10)
        .split_whitespace()
        .map(|w| match w {
            "I" => "you".to_string(),
            "my" => "your".to_string(),
            "me" => "you".to_string(),
            "myself" => "yourself".to_string(),
            "I'd" => "you'd".to_string(),
            "I'm" => "you're".to_string(),
            "I've" => "you've".to_string(),
            w => w.to_string(),
        })
        .collect();
    Some(second.join(" "))
}

/// The clause of the answer where `phrase` (normalized words) first occurs, said back.
pub fn clause_with(a: &AnswerAnalysis, phrase: &str) -> Option<String> {
    let target = text::words(phrase);
    for sentence in a.sentences.iter().map(|s| s.span.of(&a.text)) {
        for clause in text::sentences::clauses(sentence, 3) {
            let words = text::words(clause);
            if words
                .windows(target.len().max(1))
                .any(|w| w == target.as_slice())
            {
                return Some(say_back(clause, 10));
            }
        }
    }
    None
}

/// Words that leave a cut quote hanging ("grown 30% a month since", "of monthly").
const DANGLING: &[&str] = &[
    "since",
    "until",
    "than",
    "per",
    "over",
    "under",
    "around",
    "about",
    "into",
    "onto",
    "across",
    "through",
    "during",
    "within",
    "without",
    "between",
    "from",
    "toward",
    "towards",
    "monthly",
    "weekly",
    "daily",
    "annual",
    "yearly",
    "quarterly",
    "new",
    "more",
    "less",
    "fewer",
];

/// At most `max` words of `s`, without a leading "and"/"but"/"so", closing punctuation or
/// Markdown.
fn say_back(s: &str, max: usize) -> String {
    let mut words: Vec<&str> = s.split_whitespace().collect();
    loop {
        let lead = words
            .iter()
            .take(3)
            .map(|w| {
                w.to_lowercase()
                    .trim_matches(|c: char| !c.is_alphanumeric())
                    .to_string()
            })
            .collect::<Vec<_>>();
        let n = match lead.iter().map(String::as_str).collect::<Vec<_>>()[..] {
            ["as", "a", "result", ..] => 3,
            ["in", "the", "end", ..] => 3,
            [
                "and" | "but" | "so" | "then" | "which" | "while" | "overall",
                ..,
            ] => 1,
            _ => 0,
        };
        if n == 0 || words.len() <= n + 3 {
            break;
        }
        words.drain(..n);
    }
    words.truncate(max);
    // Never stop on "the", "to", "and": a cut quote ends on a word that says something.
    while words.len() > 3
        && words.last().is_some_and(|w| {
            let w = w.to_lowercase();
            let bare = w.trim_matches(|c: char| !c.is_alphanumeric());
            (text::is_stop_word(bare) || DANGLING.contains(&bare))
                && !bare.chars().any(|c| c.is_ascii_digit())
        })
    {
        words.pop();
    }
    words
        .join(" ")
        .replace("**", "")
        .trim_matches(|c: char| !c.is_alphanumeric() && c != '%' && c != '$')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Setting, analyze};
    use crate::domain::{ChatMessage, PreparationType, Role};

    fn heard(question: &str, answer: &str) -> AnswerAnalysis {
        let msg = |role, content: &str| ChatMessage {
            message_id: uuid::Uuid::now_v7(),
            role,
            content: content.into(),
            timestamp: crate::domain::now(),
        };
        let setting = Setting {
            kind: PreparationType::Interview,
            subtype: Some("behavioral"),
            agenda: Some("Senior backend engineer at a fintech"),
            role_context: None,
        };
        let t = [msg(Role::Ai, question), msg(Role::User, answer)];
        analyze(&setting, &t, None).remove(0)
    }

    const STAR: Expect = Expect {
        star: true,
        design: false,
        outcome: true,
    };

    #[test]
    fn a_number_given_is_never_asked_for() {
        let a = heard(
            "Tell me about a time you improved a system's performance.",
            "At my last company the payments API timed out during the holiday peak. I profiled the hot path and moved the fraud check to a queue, and p99 latency dropped by 60% in two weeks.",
        );
        let n = needs(&a, STAR);
        assert!(
            !n.contains(&Move::StarResult) && !n.contains(&Move::NoResult),
            "{n:?}"
        );
        assert_eq!(
            figure_clause(&a).as_deref(),
            Some("p99 latency dropped by 60% in two weeks")
        );
        assert_eq!(
            action_clause(&a).as_deref(),
            Some("you profiled the hot path and moved the fraud check")
        );
        assert_eq!(
            result_clause(&a).as_deref(),
            Some("p99 latency dropped by 60% in two weeks")
        );
        // A count and a subordinate "I" are not a result or an action to say back.
        let a = heard(
            "How did you settle it?",
            "I wrote the two options up, I got both leads to score them against our goals, and we picked the smaller scope.",
        );
        assert_eq!(result_clause(&a), None);
        assert_eq!(figure_clause(&a), None);
        let a = heard(
            "Thanks for the call.",
            "Before I say anything about our product, can you walk me through how your team handles invoices today?",
        );
        assert_eq!(action_clause(&a), None);
    }

    #[test]
    fn a_story_that_opens_on_a_place_or_moment_has_its_situation() {
        let expect = Expect {
            star: true,
            design: false,
            outcome: true,
        };
        for story in [
            "At Acme we processed 4 million payments a day, and I owned reconciliation, where a mistake is real money. I built double-entry checks that caught 2 million dollars of mismatches in the first year.",
            "When our checkout and fraud teams disagreed about blocking new cards, I ran a one-week experiment on 5% of traffic. I wrote the analysis myself, and blocking cost 3% of revenue, so we kept cards open.",
        ] {
            let a = heard(
                "Tell me about a time you owned something that mattered.",
                story,
            );
            assert!(!needs(&a, expect).contains(&Move::StarSituation), "{story}");
        }
        // Own actions and a result: the scene is not chased.
        let a = heard(
            "Tell me about a time you owned something that mattered.",
            "I built double-entry checks for the reconciliation service, and I wrote the runbook myself. The checks caught 2 million dollars of mismatches in the first year.",
        );
        assert!(!needs(&a, expect).contains(&Move::StarSituation));
        // Without a result, the missing scene is asked for with it.
        let a = heard(
            "Tell me about a time you owned something that mattered.",
            "I looked into the reconciliation service myself, and I talked to the finance team about the checks we could add to it.",
        );
        assert!(
            needs(&a, expect).contains(&Move::StarSituation),
            "{:?}",
            needs(&a, expect)
        );
    }

    #[test]
    fn we_without_i_and_football_are_heard() {
        let a = heard(
            "Tell me about a conflict in your team.",
            "We disagreed about the roadmap, so we held a workshop and we agreed on a plan that we shipped in March.",
        );
        assert_eq!(needs(&a, STAR).first(), Some(&Move::WeNotI));
        let a = heard(
            "Tell me about a conflict in your team.",
            "Honestly my weekends are all about football. I play on Saturdays with friends from school, and on Sunday I watch the derby with my brother and we argue about the referee.",
        );
        assert_eq!(needs(&a, STAR), [Move::OffTopic]);
    }
}
