//! What an answer says, before anyone judges it or replies to it: its sentences, what is new
//! beyond the question, the figures and what they measure, the actions the speaker owns, the
//! situation, result and reflection, the questions it asks back, its language, and how closely
//! it addresses the question — by meaning with the sentence-embedding model when it is installed
//! ([`crate::semantic`]), by shared words otherwise.
//!
//! The judge (`eval`) scores from this; the built-in coach (`coach`) decides its next move from
//! it. Pure: knows `domain`, `text` and `semantic`, never the store or a face.

pub mod language;
pub mod lexicon;
pub mod numbers;

use rayon::prelude::*;
use rustc_hash::FxHashSet;
use std::sync::LazyLock;

use crate::domain::{ChatMessage, PreparationType, Role};
use crate::semantic::{Embeddings, Vector, cosine};
use crate::text::{self, sentences::Span};
pub use language::Language;
use lexicon::{Hits, L, LEXICON};
pub use numbers::{Figure, Kind as FigureKind};

/// What the session is about.
#[derive(Debug, Clone, Copy)]
pub struct Setting<'a> {
    pub kind: PreparationType,
    pub subtype: Option<&'a str>,
    pub agenda: Option<&'a str>,
    pub role_context: Option<&'a str>,
}

impl Setting<'_> {
    /// One line naming the session, for the semantic context ("sales discovery: …").
    fn describe(&self) -> String {
        let mut s = format!("{} {}", self.kind, self.subtype.unwrap_or_default());
        if let Some(a) = self.agenda.filter(|a| !a.trim().is_empty()) {
            s.push_str(": ");
            s.push_str(a.trim());
        }
        s
    }
}

/// One sentence of an answer and what it holds.
#[derive(Debug, Clone)]
pub struct Sentence {
    pub span: Span,
    pub words: usize,
    /// Distinct words that say something beyond the question and the stock phrases.
    pub informative: usize,
    /// It only gives the question back (repeats or paraphrases it, adding nothing).
    pub echo: bool,
    /// How closely it addresses the question, 0..=1 (by meaning, or by shared words).
    pub topic: f64,
    pub hits: Hits,
    /// Figures attached to something they measure.
    pub figures: usize,
    /// "I" + an action with an object that says something.
    pub own_actions: usize,
    /// An action whose object is only "it"/"that": "I led it, I delivered it".
    pub empty_actions: usize,
    /// Capitalised names, acronyms, product names not taken from the question.
    pub entities: usize,
    /// Its sentence embedding, when the model gave one.
    pub vector: Option<Vector>,
}

/// A question the user asked the other side.
#[derive(Debug, Clone)]
pub struct Ask {
    pub sentence: usize,
    /// What/how/why/walk me through…: invites a real answer.
    pub open: bool,
    /// Could be asked in any conversation ("any questions?", "what's the culture like?").
    pub generic: bool,
    /// How much it builds on the conversation so far, 0..=1.
    pub related: f64,
}

/// Everything measured in one answer.
#[derive(Debug, Clone)]
pub struct AnswerAnalysis {
    /// Which answer of the session (0-based).
    pub index: usize,
    /// The counterpart's message this answers.
    pub question: String,
    pub text: String,
    pub words: usize,
    pub sentences: Vec<Sentence>,
    /// The answer's three-word sequences, hashed, until repeats across answers are linked.
    trigrams: Vec<u64>,
    pub hits: Hits,
    pub language: Language,
    /// Distinct informative words over the whole answer.
    pub informative: usize,
    /// Share of the answer's words that sit in echo sentences.
    pub echo_share: f64,
    pub figures: Vec<Figure>,
    pub own_actions: usize,
    pub we_actions: usize,
    pub empty_actions: usize,
    pub entities: usize,
    /// Does it address the question: 0 (not at all) ..= 1 (squarely).
    pub relevance: f64,
    /// How surely it is about something else, 0..=1: closer to talk about nothing in particular
    /// (sport, cooking, clichés, another language) than to the question, or further from the
    /// question than chance (semantic only; 0 without the model).
    pub off_topic: f64,
    /// The closest earlier answer and how alike they are (0..=1), when they are near-copies.
    pub repeats: Option<(usize, f64)>,
    pub asks: Vec<Ask>,
    /// Sentences that run on: over 40 words, or 30 without a comma.
    pub run_ons: usize,
    /// Moving-average type/token ratio.
    pub diversity: f64,
    /// Content words repeated beyond twice, per 100 words.
    pub repetition: f64,
    /// Slips of grammar and spelling: "could of", "alot", "dont", lowercase "i"…
    pub slips: usize,
    /// Words in capitals that are not acronyms.
    pub shouting: usize,
    pub exclamations: usize,
    /// The relevance came from the embedding model (else from shared words).
    pub semantic: bool,
    /// Similarity of the content to the question and to the conversation, and the chance
    /// baseline of the question (semantic only; for calibration).
    pub raw: (f64, f64, f64, f64, f64),
}

impl AnswerAnalysis {
    pub fn sentence_text(&self, i: usize) -> &str {
        self.sentences[i].span.of(&self.text)
    }

    /// Informative words per sentence that is not an echo.
    pub fn substance(&self) -> f64 {
        self.informative as f64
    }

    /// Figures that measure something.
    pub fn measured_figures(&self) -> impl Iterator<Item = &Figure> {
        self.figures.iter().filter(|f| f.measure.is_some())
    }

    /// A figure reported as an outcome: a rate, money or a count in a sentence with a result
    /// verb ("cut p95 from 900 to 140 ms", "grew to 1,200 paying users").
    pub fn result_figures(&self) -> usize {
        self.sentences
            .iter()
            .filter(|s| s.figures > 0 && s.hits.any(L::ResultVerbs) && !s.echo)
            .count()
    }

    pub fn is_question_only(&self) -> bool {
        !self.asks.is_empty() && self.asks.len() * 2 >= self.sentences.len()
    }
}

/// Off-topic reference texts (assets/analysis/offtopic.toml).
#[allow(clippy::panic)]
static OFFTOPIC: LazyLock<Vec<String>> = LazyLock::new(|| {
    #[derive(serde::Deserialize)]
    struct F {
        texts: Vec<String>,
    }
    toml::from_str::<F>(include_str!("../../assets/analysis/offtopic.toml"))
        .unwrap_or_else(|e| panic!("assets/analysis/offtopic.toml: {e}"))
        .texts
});

/// Words that every phrase of the stock lists is made of: they are not news in an answer.
static STOCK_WORDS: LazyLock<FxHashSet<String>> = LazyLock::new(|| {
    let mut set = FxHashSet::default();
    for l in [
        L::GenericClaims,
        L::Buzzwords,
        L::Evasions,
        L::Structure,
        L::GenericQuestions,
        L::CounterpartRefs,
        L::Hedges,
        L::Fillers,
        L::Apologies,
        L::Rambling,
    ] {
        for p in LEXICON.list(l) {
            for w in text::words(p) {
                set.insert(text::stem(&w));
            }
        }
    }
    for w in [
        "answer",
        "directly",
        "question",
        "asked",
        "ask",
        "great",
        "good",
        "really",
        "definitely",
        "important",
        "absolutely",
        "honestly",
        "quite",
        "lot",
        "lots",
        "many",
        "much",
        "always",
        "never",
        "every",
        "everyone",
        "everything",
        "something",
        "someone",
        "anything",
        "way",
        "ways",
        "kind",
        "sort",
        "deeper",
        "sure",
        "think",
        "believe",
        "feel",
        "know",
        "said",
        "say",
        "going",
        "able",
        "great",
        "well",
        "best",
        "better",
        "done",
        "doing",
        "things",
    ] {
        set.insert(text::stem(w));
    }
    set
});

fn is_stop(w: &str) -> bool {
    w.len() <= 2 || LEXICON.words.all_stop.contains(w)
}

/// A split transcript: each user answer with the counterpart message before it.
pub struct Exchange<'a> {
    pub question: &'a str,
    pub answer: &'a str,
    /// Everything the counterpart said up to and including `question`.
    pub conversation: Vec<&'a str>,
}

/// The stems of the agenda and of what the counterpart said, each with the first answer it
/// comes before: stem `st` was said before answer `i` when `first[st] <= i`. Built once per
/// transcript, so each answer does not rebuild (or copy) a growing set.
struct Said {
    first: rustc_hash::FxHashMap<String, usize>,
}

impl Said {
    fn new(ex: &[Exchange<'_>], setting: &Setting<'_>) -> Said {
        let mut first = rustc_hash::FxHashMap::default();
        for st in text::content_stem_list(setting.agenda.unwrap_or_default()) {
            first.insert(st, 0);
        }
        let mut seen = 0;
        for (i, e) in ex.iter().enumerate() {
            for c in &e.conversation[seen.min(e.conversation.len())..] {
                for st in text::content_stem_list(c) {
                    first.entry(st).or_insert(i);
                }
            }
            seen = e.conversation.len();
        }
        Said { first }
    }

    /// Whether `stem` was said before answer `i`.
    fn before(&self, stem: &str, i: usize) -> bool {
        self.first.get(stem).is_some_and(|&at| at <= i)
    }
}

pub fn exchanges(transcript: &[ChatMessage]) -> Vec<Exchange<'_>> {
    let mut out = Vec::new();
    let mut said: Vec<&str> = Vec::new();
    let mut question = "";
    for m in transcript {
        match m.role {
            Role::Ai => {
                question = &m.content;
                said.push(&m.content);
            }
            Role::User => out.push(Exchange {
                question,
                answer: &m.content,
                conversation: said.clone(),
            }),
        }
    }
    out
}

/// The part of a counterpart's message that asks: its last two sentences (an acknowledgement
/// before the question says nothing about what is asked).
pub fn asking_part(message: &str) -> &str {
    let spans = text::sentences::split(message);
    match spans.len() {
        0 => message.trim(),
        1 | 2 => message.trim(),
        n => &message[spans[n - 2].start..spans[n - 1].end],
    }
}

/// Analyses every answer of a transcript. With `embeddings`, relevance is by meaning; if the
/// model fails, the lexical measures are used and `semantic` is false.
pub fn analyze(
    setting: &Setting<'_>,
    transcript: &[ChatMessage],
    embeddings: Option<&Embeddings<'_>>,
) -> Vec<AnswerAnalysis> {
    analyze_reading(setting, transcript, embeddings, usize::MAX)
}

/// [`analyze`], reading by meaning only the first `sentences` sentences of each answer: what
/// the coach needs to tell an answer on topic from off topic while the user waits for its
/// reply (the model's time grows with every sentence; the judge reads them all later).
pub fn analyze_reading(
    setting: &Setting<'_>,
    transcript: &[ChatMessage],
    embeddings: Option<&Embeddings<'_>>,
    sentences: usize,
) -> Vec<AnswerAnalysis> {
    let ex = exchanges(transcript);
    let said = Said::new(&ex, setting);
    // Answers are read independently, so on as many cores as there are.
    let mut out: Vec<AnswerAnalysis> = ex
        .par_iter()
        .enumerate()
        .with_min_len(2)
        .map(|(i, e)| lexical(i, e, &said))
        .collect();
    link_repeats(&mut out);
    if let Some(emb) = embeddings
        && semantic(setting, &ex, &mut out, emb, sentences).is_err()
    {
        tracing::warn!("the sentence-embedding model failed; using lexical relevance");
    }
    out
}

/// Analyses one answer to one question, lexically (the coach's fast path before it has a model).
pub fn analyze_one(setting: &Setting<'_>, e: &Exchange<'_>, index: usize) -> AnswerAnalysis {
    let said = Said::new(std::slice::from_ref(e), setting);
    AnswerAnalysis {
        index,
        ..lexical(0, e, &said)
    }
}

/// One answer by its words. `said` is the stems of the agenda and of all the counterpart said.
fn lexical(index: usize, e: &Exchange<'_>, said: &Said) -> AnswerAnalysis {
    let text = e.answer.to_string();
    let spans = text::sentences::split(&text);
    let (all_words, word_at) = text::words_at(&text);
    let q_stems: FxHashSet<String> = text::content_stem_list(e.question).into_iter().collect();
    let q_caps: FxHashSet<String> = capitalised(e.question).into_iter().collect();

    let figures = numbers::figures(&text);
    let mut informative_all: FxHashSet<&str> = FxHashSet::default();
    let mut sentences = Vec::with_capacity(spans.len());
    let mut echo_words = 0;
    let mut slip_phrases = 0;
    for span in &spans {
        let s = span.of(&text);
        let from = word_at.partition_point(|&at| at < span.start);
        let to = word_at.partition_point(|&at| at < span.end);
        let words = &all_words[from..to];
        let norm = text::normalized_words(words);
        let mut hits = LEXICON.scan(&norm);
        slip_phrases += SLIP_FINDER.find_overlapping_iter(&norm).count();
        // "Seriously?" on its own: the punctuation is the rudeness, so no phrase list sees it.
        if span.question
            && words.len() <= 2
            && words
                .first()
                .is_some_and(|w| matches!(w.as_str(), "seriously" | "really" | "what" | "huh"))
        {
            hits.add(L::Rude);
        }
        let stems: Vec<&str> = words
            .iter()
            .filter(|w| !is_stop(w))
            .map(|w| text::stem_ref(w))
            .collect();
        let (actions, empty) = own_actions(words);
        let empty_words = empty_action_words(words);
        let mut informative: Vec<&str> = stems
            .iter()
            .copied()
            .filter(|st| !q_stems.contains(*st) && !STOCK_WORDS.contains(*st))
            .filter(|st| !empty_words.contains(st))
            .collect();
        informative.sort_unstable();
        informative.dedup();
        let overlap = if stems.is_empty() {
            0.0
        } else {
            stems.iter().filter(|st| q_stems.contains(**st)).count() as f64 / stems.len() as f64
        };
        // An echo gives the question back: mostly its words, little of its own.
        let echo = !span.question && overlap >= 0.5 && informative.len() <= 2 && words.len() >= 3;
        if echo {
            echo_words += words.len();
        }
        let on_topic = stems.iter().filter(|st| said.before(st, index)).count();
        let topic = if stems.is_empty() {
            0.0
        } else {
            (on_topic as f64 / stems.len().min(6) as f64).min(1.0)
        };
        let figures = figures
            .iter()
            .filter(|f| (span.start..span.end).contains(&f.at))
            .filter(|f| f.measure.is_some() && f.kind != FigureKind::Date)
            .count();
        let entities = capitalised_in(s).filter(|c| !q_caps.contains(*c)).count();
        if !echo {
            informative_all.extend(informative.iter().copied());
        }
        sentences.push(Sentence {
            span: *span,
            words: words.len(),
            informative: informative.len(),
            echo,
            topic,
            hits,
            figures,
            own_actions: if echo { 0 } else { actions },
            empty_actions: empty,
            entities,
            vector: None,
        });
    }
    // The answer's matches are its sentences' (a phrase never spans two sentences).
    let mut hits = lexicon::Hits::default();
    for s in &sentences {
        hits.merge(&s.hits);
    }
    let clauses = text
        .split([',', '.', ';', '!', '?', '\n', ':'])
        .filter(|c| !c.trim().is_empty())
        .count();
    let language = language::detect(&all_words, clauses);
    let asks = asks(&text, &sentences, |st| said.before(st, index));
    let words = all_words.len();
    let relevance = lexical_relevance(&sentences, words);
    AnswerAnalysis {
        index,
        question: e.question.to_string(),
        words,
        informative: informative_all.len(),
        echo_share: if words == 0 {
            0.0
        } else {
            echo_words as f64 / words as f64
        },
        own_actions: sentences.iter().map(|s| s.own_actions).sum(),
        empty_actions: sentences.iter().map(|s| s.empty_actions).sum(),
        we_actions: we_actions(&all_words),
        entities: sentences.iter().map(|s| s.entities).sum(),
        run_ons: run_ons(&text, &sentences),
        diversity: diversity(&all_words),
        repetition: repetition(&all_words),
        slips: slip_phrases + slips(&text, &spans, &all_words),
        shouting: shouting(&text),
        exclamations: text.matches('!').count(),
        relevance,
        off_topic: 0.0,
        repeats: None,
        trigrams: trigrams(&all_words),
        asks,
        hits,
        language,
        figures,
        sentences,
        semantic: false,
        raw: (0.0, 0.0, 0.0, 0.0, 0.0),
        text,
    }
}

/// Relevance from shared words: the share of substantial, non-echo sentences that touch the
/// question, the agenda or the conversation.
fn lexical_relevance(sentences: &[Sentence], words: usize) -> f64 {
    let body: Vec<&Sentence> = sentences
        .iter()
        .filter(|s| !s.echo && s.words >= 4)
        .collect();
    if body.is_empty() || words == 0 {
        return 0.0;
    }
    let weight: f64 = body.iter().map(|s| s.words as f64).sum();
    let touched: f64 = body.iter().map(|s| s.words as f64 * s.topic.min(1.0)).sum();
    (touched / weight * 1.6).min(1.0)
}

/// Capitalised words that are names: not the first word of a sentence, not "I", or acronyms
/// and words with digits anywhere ("SOC", "p95", "PostgreSQL").
fn capitalised(text: &str) -> Vec<String> {
    text::sentences::split(text)
        .iter()
        .flat_map(|span| capitalised_in(span.of(text)))
        .map(str::to_string)
        .collect()
}

/// [`capitalised`] within one sentence.
fn capitalised_in(s: &str) -> impl Iterator<Item = &str> {
    s.split_whitespace().enumerate().filter_map(|(k, raw)| {
        let w = raw.trim_matches(|c: char| !c.is_alphanumeric());
        if w.len() < 2 || w == "I" || w.starts_with("I'") {
            return None;
        }
        let (mut letters, mut upper, mut digits) = (0, 0, false);
        let mut first_upper = None;
        for c in w.chars() {
            if c.is_alphabetic() {
                letters += 1;
                let up = c.is_uppercase();
                upper += usize::from(up);
                first_upper.get_or_insert(up);
            } else if c.is_ascii_digit() {
                digits = true;
            }
        }
        let acronym = letters >= 2 && upper == letters && letters <= 6;
        let mixed = upper >= 2 && upper < letters;
        let digits = digits && letters > 0;
        let name = k > 0 && first_upper == Some(true);
        (acronym || mixed || digits || name).then_some(w)
    })
}

/// "I" followed by an action: (actions with something after them, actions whose object is
/// only a pronoun). "I'd"/"I'll" + verb count too: a decision stated in the first person.
fn own_actions(words: &[text::Word]) -> (usize, usize) {
    let not = &LEXICON.words.not_actions;
    let mut actions = 0;
    let mut empty = 0;
    for (k, w) in words.iter().enumerate() {
        let verb_at = match w.as_str() {
            "i" => k + 1,
            "i'd" | "i'll" => k + 1,
            _ => continue,
        };
        let Some(verb) = words.get(verb_at) else {
            continue;
        };
        if not.contains(verb.as_str()) || is_stop(verb) && verb.len() <= 3 {
            continue;
        }
        let rest: Vec<&text::Word> = words[verb_at + 1..].iter().take(4).collect();
        let pronoun_only = match rest.first() {
            None => true,
            Some(o) => {
                matches!(o.as_str(), "it" | "that" | "this" | "them" | "things")
                    && rest
                        .get(1)
                        .is_none_or(|n| matches!(n.as_str(), "and" | "then" | "so" | "by"))
            }
        };
        if pronoun_only {
            empty += 1;
        } else {
            actions += 1;
        }
    }
    (actions, empty)
}

/// The verbs of empty actions ("led" in "I led it"): they carry no information there.
fn empty_action_words(words: &[text::Word]) -> Vec<&str> {
    let mut out = Vec::new();
    for (k, w) in words.iter().enumerate() {
        if matches!(w.as_str(), "it" | "that" | "this" | "them")
            && k >= 2
            && matches!(words[k - 2].as_str(), "i" | "we" | "i'd" | "i'll" | "we'll")
            && words
                .get(k + 1)
                .is_none_or(|n| matches!(n.as_str(), "and" | "then" | "so" | "by"))
        {
            out.push(text::stem_ref(&words[k - 1]));
        }
    }
    out
}

fn we_actions(words: &[text::Word]) -> usize {
    let not = &LEXICON.words.not_actions;
    words
        .windows(2)
        .filter(|w| w[0] == "we" && !not.contains(w[1].as_str()) && !is_stop(&w[1]))
        .count()
}

fn asks(text: &str, sentences: &[Sentence], said: impl Fn(&str) -> bool) -> Vec<Ask> {
    static STARTS: LazyLock<Vec<String>> = LazyLock::new(|| {
        LEXICON
            .words
            .open_question_starts
            .iter()
            .map(|st| text::normalized(st))
            .collect()
    });
    sentences
        .iter()
        .enumerate()
        // "I think activation is up a bit?" is a statement said unsurely, not a question.
        .filter(|(_, s)| s.span.question && !uptalk(s.span.of(text)))
        .map(|(i, s)| {
            let t = s.span.of(text);
            let norm = text::normalized(t);
            // "If you could fix one part, which would it be, and why?": open in mid-sentence too.
            let open = STARTS.iter().any(|st| norm.starts_with(st.as_str()))
                || [" what ", " how ", " why ", " which ", " who "]
                    .iter()
                    .any(|w| norm.contains(w));
            let stems: FxHashSet<String> = text::content_stem_list(t).into_iter().collect();
            let shared = stems.iter().filter(|st| said(st)).count();
            let generic =
                s.hits.any(L::GenericQuestions) && s.informative <= 3 || s.informative <= 1;
            let related = if stems.is_empty() {
                0.0
            } else {
                (shared as f64 / 2.0).min(1.0)
            };
            Ask {
                sentence: i,
                open,
                generic,
                related,
            }
        })
        .collect()
}

/// A statement with a question mark: it starts like a statement, not like a question.
pub fn uptalk(sentence: &str) -> bool {
    let words = text::words(sentence);
    let Some(first) = words.first() else {
        return false;
    };
    const QUESTION_STARTS: &[&str] = &[
        "what",
        "how",
        "why",
        "when",
        "where",
        "who",
        "whom",
        "whose",
        "which",
        "would",
        "could",
        "can",
        "do",
        "does",
        "did",
        "is",
        "are",
        "was",
        "were",
        "should",
        "shall",
        "will",
        "have",
        "has",
        "had",
        "may",
        "might",
        "any",
        "anything",
        "so",
        "and",
        "but",
        "or",
        "walk",
        "tell",
        "describe",
        "help",
        "talk",
        "if",
        "in",
        "for",
        "on",
        "at",
        "out",
        "just",
        "curious",
        "quick",
        "one",
        "also",
        "before",
        "and",
        "given",
        "from",
        "to",
        "with",
        "what's",
        "how's",
        "who's",
        "where's",
        "who'd",
        "what'd",
        "how'd",
        "where'd",
        "when's",
        "why's",
        "what're",
        "who're",
        "isn't",
        "aren't",
        "don't",
        "doesn't",
        "didn't",
        "won't",
        "wouldn't",
        "couldn't",
        "can't",
        "shouldn't",
        "you",
        "your",
        "right",
        "ok",
        "okay",
        "sorry",
    ];
    !QUESTION_STARTS.contains(&first.as_str()) && !sentence.to_lowercase().contains(" you")
}

fn run_ons(text: &str, sentences: &[Sentence]) -> usize {
    sentences
        .iter()
        .filter(|s| {
            let t = s.span.of(text);
            let longest_clause = t
                .split([',', ';', ':', '—', '–', '(', ')'])
                .map(|c| c.split_whitespace().count())
                .max()
                .unwrap_or(0);
            s.words > 45 || longest_clause > 30
        })
        .count()
}

/// Moving-average type/token ratio over a 30-word window.
pub fn diversity(words: &[text::Word]) -> f64 {
    const W: usize = 30;
    if words.is_empty() {
        return 0.0;
    }
    if words.len() <= W {
        let distinct: FxHashSet<&text::Word> = words.iter().collect();
        return 0.5 * (distinct.len() as f64 / words.len() as f64) + 0.5 * 0.78;
    }
    let mut total = 0.0;
    let windows = words.len() - W + 1;
    let mut freq: rustc_hash::FxHashMap<&str, usize> = rustc_hash::FxHashMap::default();
    for w in &words[..W] {
        *freq.entry(w).or_default() += 1;
    }
    total += freq.len() as f64 / W as f64;
    for i in 1..windows {
        let out = words[i - 1].as_str();
        if let Some(c) = freq.get_mut(out) {
            *c -= 1;
            if *c == 0 {
                freq.remove(out);
            }
        }
        *freq.entry(words[i + W - 1].as_str()).or_default() += 1;
        total += freq.len() as f64 / W as f64;
    }
    total / windows as f64
}

/// Content words repeated beyond twice, per 100 words.
pub fn repetition(words: &[text::Word]) -> f64 {
    let mut freq: rustc_hash::FxHashMap<&str, usize> = rustc_hash::FxHashMap::default();
    for w in words.iter().filter(|w| w.len() > 3 && !is_stop(w)) {
        *freq.entry(w).or_default() += 1;
    }
    let extra: usize = freq.values().map(|&c| c.saturating_sub(2)).sum();
    if words.is_empty() {
        0.0
    } else {
        extra as f64 * 100.0 / words.len() as f64
    }
}

pub const SLIPS: &[&str] = &[
    " could of ",
    " should of ",
    " would of ",
    " alot ",
    " their is ",
    " their are ",
    " there was many ",
    " we was ",
    " they was ",
    " he don't ",
    " she don't ",
    " it don't ",
    " me and him ",
    " irregardless ",
    " your welcome ",
    " dont ",
    " didnt ",
    " wasnt ",
    " cant ",
    " wont ",
    " isnt ",
    " doesnt ",
    " im ",
    " ive ",
    " thats ",
    " theres ",
    " wouldnt ",
    " couldnt ",
    " shouldnt ",
    " arent ",
    " havent ",
    " teh ",
    " definately ",
    " recieve ",
    " recieved ",
    " seperate ",
    " occured ",
    " untill ",
    " wich ",
    " becuase ",
    " beacuse ",
    " managment ",
    " enviroment ",
    " goverment ",
    " tommorow ",
    " accross ",
    " beleive ",
    " basicly ",
    " realy ",
    " truely ",
    " buisness ",
    " sucess ",
    " succesful ",
    " we done ",
    " i done ",
    " they done ",
    " we seen ",
    " i seen ",
    " more better ",
    " most easiest ",
    " less people ",
    " is went ",
    " has went ",
    " have went ",
    " was went ",
];

/// All of [`SLIPS`] in one automaton: a text is scanned once, not once per slip.
pub static SLIP_FINDER: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    aho_corasick::AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(SLIPS)
        .unwrap_or_else(|e| panic!("the slip list: {e}"))
});

/// Slips that no phrase of [`SLIPS`] shows (those are counted sentence by sentence).
fn slips(text: &str, spans: &[text::sentences::Span], words: &[text::Word]) -> usize {
    let mut n = 0;
    // A lowercase "i" on its own, and doubled words ("the the").
    n += text
        .split_whitespace()
        .filter(|w| {
            matches!(
                w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\''),
                "i" | "i'm" | "i've" | "i'd" | "i'll"
            )
        })
        .count();
    n += words
        .windows(2)
        .filter(|w| w[0] == w[1] && w[0].len() > 1 && w[0].chars().all(char::is_alphabetic))
        .count();
    // Sentences that start in lowercase, when most do: no care for the reader.
    let lower_starts = spans
        .iter()
        .filter(|s| !s.bullet && s.of(text).chars().next().is_some_and(char::is_lowercase))
        .count();
    if spans.len() >= 2 && lower_starts * 2 > spans.len() {
        n += lower_starts;
    }
    n
}

/// Words in capitals that shout: a run of two or more capitalised words of 3+ letters, or one
/// long common word ("NEVER", "ABSOLUTELY"). Acronyms ("HIPAA", "SOC 2", "AWS") are not.
fn shouting(text: &str) -> usize {
    let raw: Vec<&str> = text.split_whitespace().collect();
    let caps = |w: &str| {
        let mut letters = w.chars().filter(|c| c.is_alphabetic());
        letters.clone().nth(2).is_some() && letters.all(char::is_uppercase)
    };
    let common = |w: &str| {
        let l = w.trim_matches(|c: char| !c.is_alphabetic()).to_lowercase();
        is_stop(&l)
            || matches!(
                l.as_str(),
                "never"
                    | "always"
                    | "absolutely"
                    | "really"
                    | "very"
                    | "huge"
                    | "everything"
                    | "nothing"
                    | "must"
                    | "now"
                    | "important"
                    | "listen"
                    | "stop"
                    | "please"
                    | "seriously"
                    | "totally"
                    | "best"
                    | "worst"
                    | "love"
                    | "hate"
                    | "need"
                    | "want"
                    | "every"
                    | "single"
                    | "time"
                    | "done"
                    | "great"
                    | "amazing"
                    | "work"
                    | "works"
                    | "not"
                    | "ever"
                    | "again"
                    | "wrong"
                    | "right"
                    | "fine"
            )
    };
    let mut n = 0;
    for (i, w) in raw.iter().enumerate() {
        if !caps(w) {
            continue;
        }
        let neighbour = (i > 0 && caps(raw[i - 1])) || raw.get(i + 1).is_some_and(|x| caps(x));
        if common(w) || (neighbour && raw.iter().filter(|x| caps(x)).count() >= 3) {
            n += 1;
        }
    }
    n
}

/// Marks answers that copy an earlier one (a template answered to every question): the
/// Jaccard similarity of their three-word sequences.
fn link_repeats(out: &mut [AnswerAnalysis]) {
    for i in 1..out.len() {
        let best = (0..i)
            .map(|j| (j, jaccard(&out[i].trigrams, &out[j].trigrams)))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((j, sim)) = best
            && sim >= 0.4
            && out[i].words >= 6
        {
            out[i].repeats = Some((j, sim));
        }
    }
    for a in out.iter_mut() {
        a.trigrams = Vec::new();
    }
}

/// The answer's three-word sequences, hashed (only compared, never shown), sorted and distinct.
fn trigrams(words: &[text::Word]) -> Vec<u64> {
    use std::hash::{BuildHasher, BuildHasherDefault};
    let hasher = BuildHasherDefault::<rustc_hash::FxHasher>::default();
    let mut out: Vec<u64> = words.windows(3).map(|g| hasher.hash_one(g)).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Jaccard similarity of two sorted, distinct lists, by one merge.
fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut inter) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    inter as f64 / (a.len() + b.len() - inter) as f64
}

/// Relevance by meaning. Every sentence of every answer, each question's asking part, the
/// session's setting and the off-topic references are embedded in one batched call.
fn semantic(
    setting: &Setting<'_>,
    ex: &[Exchange<'_>],
    out: &mut [AnswerAnalysis],
    emb: &Embeddings<'_>,
    per_answer: usize,
) -> Result<(), crate::semantic::SemanticError> {
    let context = setting.describe();
    let mut owned: Vec<String> = vec![context.clone()];
    owned.extend(OFFTOPIC.iter().cloned());
    for (e, a) in ex.iter().zip(out.iter()) {
        owned.push(asking_part(e.question).to_string());
        owned.extend(
            a.sentences
                .iter()
                .enumerate()
                .filter(|(_, s)| s.words >= 3)
                .take(per_answer)
                .map(|(i, _)| a.sentence_text(i).to_string()),
        );
    }
    let texts: Vec<&str> = owned.iter().map(String::as_str).collect();
    let vectors = emb.get(&texts)?;
    let lookup: std::collections::HashMap<&str, &Vector> =
        texts.iter().copied().zip(vectors.iter()).collect();
    let ctx = lookup[context.as_str()];
    let refs: Vec<&Vector> = OFFTOPIC.iter().map(|r| lookup[r.as_str()]).collect();
    let mut earlier: Vec<Vector> = Vec::new();
    let mut said: Vec<Vector> = vec![ctx.clone()];
    for (e, a) in ex.iter().zip(out.iter_mut()) {
        let q = lookup[asking_part(e.question)];
        said.push(q.clone());
        let conversation = mean(&said);
        // How close an answer about nothing relevant would come to this question by chance.
        let mut chance: Vec<f64> = refs.iter().map(|r| cosine(q, r)).collect();
        chance.sort_by(|x, y| y.total_cmp(x));
        let baseline = chance.iter().take(3).sum::<f64>() / 3.0;
        let mut content: Vec<(f64, &Vector)> = Vec::new();
        for s in a.sentences.iter_mut() {
            let Some(v) = lookup.get(&s.span.of(&a.text)).filter(|_| s.words >= 3) else {
                continue;
            };
            let to_q = cosine(v, q);
            let to_ctx = cosine(v, &conversation);
            // A sentence that is the question again, and says nothing of its own.
            if !s.span.question && to_q >= 0.8 && s.informative <= 4 && s.figures == 0 {
                s.echo = true;
            }
            s.topic = calibrate(to_q.max(to_ctx - 0.05), baseline);
            s.vector = Some((*v).clone());
            if !s.echo {
                content.push((s.words as f64, *v));
            }
        }
        a.echo_share = a
            .sentences
            .iter()
            .filter(|s| s.echo)
            .map(|s| s.words)
            .sum::<usize>() as f64
            / a.words.max(1) as f64;
        let content_vec = weighted_mean(&content);
        a.relevance = match &content_vec {
            Some(cv) => {
                let to_q = cosine(cv, q);
                let to_ctx = cosine(cv, &conversation);
                // How close the answer is to talk about nothing in particular.
                let off = refs.iter().map(|r| cosine(cv, r)).fold(f64::MIN, f64::max);
                let best_sentence = a
                    .sentences
                    .iter()
                    .filter(|s| !s.echo)
                    .filter_map(|s| lookup.get(&s.span.of(&a.text)))
                    .map(|v| cosine(v, q))
                    .fold(0.0, f64::max);
                a.raw = (to_q, to_ctx, baseline, off, best_sentence);
                tracing::debug!(
                    answer = a.index,
                    to_question = to_q,
                    to_context = to_ctx,
                    chance = baseline,
                    to_offtopic = off,
                    best_sentence,
                    "semantic relevance"
                );
                // The whole content and its best sentence: a drifting answer can share the
                // question's topic on average, but rarely has one sentence squarely on it.
                let near = to_q.max(to_ctx - 0.03);
                a.off_topic = (((off - to_q.max(to_ctx)) - 0.1) / 0.3)
                    .max((baseline - near - 0.02) / 0.1)
                    .clamp(0.0, 1.0);
                0.5 * calibrate(to_q.max(to_ctx - 0.05), baseline)
                    + 0.5 * calibrate(best_sentence, baseline)
            }
            None => 0.0,
        };
        for ask in &mut a.asks {
            let s = &a.sentences[ask.sentence];
            if let Some(v) = lookup.get(&s.span.of(&a.text)) {
                let rel = cosine(v, &conversation).max(cosine(v, q));
                ask.related = ask.related.max(calibrate(rel, baseline));
            }
        }
        if let Some(cv) = &content_vec {
            for (j, prev) in earlier.iter().enumerate() {
                let sim = cosine(cv, prev);
                if sim >= 0.93 && a.repeats.is_none_or(|(_, s)| s < sim) {
                    a.repeats = Some((j, sim));
                }
            }
            earlier.push(cv.clone());
        } else {
            earlier.push(Vec::new());
        }
        a.semantic = true;
    }
    Ok(())
}

/// Similarity to the question, placed between what chance gives (0) and a squarely relevant
/// answer (1).
fn calibrate(sim: f64, baseline: f64) -> f64 {
    ((sim - baseline - 0.02) / 0.25).clamp(0.0, 1.0)
}

fn mean(vs: &[Vector]) -> Vector {
    let items: Vec<(f64, &Vector)> = vs.iter().map(|v| (1.0, v)).collect();
    weighted_mean(&items).unwrap_or_default()
}

fn weighted_mean(items: &[(f64, &Vector)]) -> Option<Vector> {
    let dim = items.first()?.1.len();
    let mut acc = vec![0.0f64; dim];
    for (w, v) in items {
        for (a, x) in acc.iter_mut().zip(v.iter()) {
            *a += w * f64::from(*x);
        }
    }
    let norm = acc.iter().map(|x| x * x).sum::<f64>().sqrt();
    if norm == 0.0 {
        return None;
    }
    Some(acc.iter().map(|x| (x / norm) as f32).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(question: &str, answer: &str) -> AnswerAnalysis {
        let setting = Setting {
            kind: PreparationType::Interview,
            subtype: Some("behavioral"),
            agenda: Some("Senior backend engineer at a fintech"),
            role_context: None,
        };
        let e = Exchange {
            question,
            answer,
            conversation: vec![question],
        };
        analyze_one(&setting, &e, 0)
    }

    #[test]
    fn an_echo_of_the_question_is_not_content() {
        let q = "Tell me about a time you disagreed with your manager.";
        let a = one(
            q,
            "You asked about a time I disagreed with my manager. To answer directly: first, I led it, then I delivered it, and as a result we improved it by 40%.",
        );
        assert!(a.sentences[0].echo, "{:?}", a.sentences[0]);
        assert_eq!(a.own_actions, 0);
        assert!(a.empty_actions >= 2);
        assert!(a.informative <= 3, "{}", a.informative);
        let real = one(
            q,
            "Last year my manager wanted to skip the load tests on the payouts API. I wrote a one-pager showing it fell over at 400 requests a second, and we cut two endpoints instead.",
        );
        assert!(real.informative >= 12, "{}", real.informative);
        assert!(real.own_actions >= 1);
        assert_eq!(real.measured_figures().count(), 2);
    }

    #[test]
    fn acronyms_are_not_shouting() {
        assert_eq!(shouting("We passed SOC 2 and HIPAA audits on AWS."), 0);
        assert!(shouting("This is NEVER going to WORK. STOP asking.") >= 2);
    }

    #[test]
    fn slips_are_counted() {
        let t = "i think we could of done it. we dont know alot.";
        assert!(one("What happened?", t).slips >= 4);
        let clean = "I think we could have done it. We don't know a lot.";
        assert_eq!(one("What happened?", clean).slips, 0);
    }
}
