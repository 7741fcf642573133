//! An answer's features: numbers in 0..=1, each saturating, so no single one can carry a
//! score (a keyword listed ten times counts as much as three times; a keyword with no content
//! around it counts for nothing, because the analysis only credits it in a sentence that says
//! something).

use super::rubric::Found;
use crate::analysis::lexicon::L;
use crate::analysis::{AnswerAnalysis, FigureKind, Language};
use crate::text;

macro_rules! features {
    ($($v:ident => $n:literal,)*) => {
        /// The features, in the order of [`NAMES`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum F { $($v,)* }
        impl F {
            pub const COUNT: usize = [$($n,)*].len();
        }
        /// The names used in judge_weights.toml.
        pub const NAMES: [&str; F::COUNT] = [$($n,)*];
    };
}

features! {
    Substance => "substance",
    Specific => "specific",
    Generic => "generic",
    Echo => "echo",
    OffTopic => "off_topic",
    OnTopic => "on_topic",
    Evasion => "evasion",
    Vague => "vague",
    FigurePile => "figure_pile",
    Uptalk => "uptalk",
    Short => "short",
    VeryLong => "very_long",
    Direct => "direct",
    Story => "story",
    Rubric => "rubric",
    Repeat => "repeat",
    Signposts => "signposts",
    Bullets => "bullets",
    Reasoning => "reasoning",
    RunOn => "run_on",
    Rambling => "rambling",
    Fragments => "fragments",
    LongSentences => "long_sentences",
    Hedges => "hedges",
    Fillers => "fillers",
    Apologies => "apologies",
    SelfDeprecation => "self_deprecation",
    Ownership => "ownership",
    WeOnly => "we_only",
    Figures => "figures",
    Foreign => "foreign",
    Slips => "slips",
    Diversity => "diversity",
    Repetition => "repetition",
    Slang => "slang",
    Profanity => "profanity",
    Shouting => "shouting",
    Exclaims => "exclaims",
    RegisterMatch => "register_match",
    RegisterMismatch => "register_mismatch",
    Rude => "rude",
    Harsh => "harsh",
    Polite => "polite",
    AsksRelated => "asks_related",
    AsksGeneric => "asks_generic",
    AsksOpen => "asks_open",
    Counterpart => "counterpart",
    WordsBand => "words_band",
    Discovery => "discovery",
}

/// The register the user asked to rehearse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Register {
    Formal,
    Friendly,
    Assertive,
    Persuasive,
    Supportive,
    Neutral,
}

/// Whether a tone changes how the coach and the judge behave: one of the registers above, or a
/// challenging one. Any other ("angry") is kept as the user wrote it but changes nothing.
pub fn known_tone(tone: &str) -> bool {
    register(Some(tone)) != Register::Neutral || crate::coach::builtin::is_challenging(Some(tone))
}

pub fn register(tone: Option<&str>) -> Register {
    let t = tone.unwrap_or_default().to_lowercase();
    let any = |keys: &[&str]| keys.iter().any(|k| t.contains(k));
    if any(&[
        "supportive",
        "empath",
        "gentle",
        "encourag",
        "kind",
        "caring",
        "compassion",
    ]) {
        Register::Supportive
    } else if any(&[
        "persuasive",
        "enthusias",
        "inspir",
        "energetic",
        "convinc",
        "compelling",
        "passion",
    ]) {
        Register::Persuasive
    } else if any(&[
        "assertive",
        "confident",
        "direct",
        "firm",
        "challeng",
        "tough",
        "bold",
        "blunt",
        "skeptic",
        "sceptic",
    ]) {
        Register::Assertive
    } else if any(&[
        "friendly",
        "casual",
        "warm",
        "relaxed",
        "conversational",
        "informal",
        "fun",
    ]) {
        Register::Friendly
    } else if any(&[
        "formal",
        "professional",
        "polite",
        "corporate",
        "respectful",
        "executive",
        "diplomatic",
    ]) {
        Register::Formal
    } else {
        Register::Neutral
    }
}

/// The lists that match and miss a register: (matching lists, mismatching lists).
pub fn register_lists(r: Register) -> (&'static [L], &'static [L]) {
    match r {
        Register::Formal => (&[L::Polite, L::Formal], &[L::Slang, L::Profanity]),
        Register::Friendly => (&[L::Warm, L::Polite], &[L::Stiff, L::Harsh]),
        Register::Assertive => (&[L::Assertive], &[L::Timid, L::Apologies]),
        Register::Persuasive => (&[L::Persuasive], &[L::Timid, L::Flat]),
        Register::Supportive => (&[L::Supportive, L::Warm], &[L::Harsh]),
        Register::Neutral => (&[L::Polite], &[L::Profanity]),
    }
}

/// What the session expects of an answer beyond its own words.
pub struct Expect {
    pub register: Register,
    /// The user's job is to ask (sales discovery).
    pub asking: bool,
}

pub type Features = [f64; F::COUNT];

fn per100(n: usize, words: usize) -> f64 {
    if words == 0 {
        0.0
    } else {
        n as f64 * 100.0 / words as f64
    }
}

fn sat(x: f64, full: f64) -> f64 {
    (x / full).clamp(0.0, 1.0)
}

/// The index of the first sentence that carries the answer (not a greeting or an echo), and
/// whether it answers straight away.
pub fn direct_sentence(a: &AnswerAnalysis) -> Option<usize> {
    let first = a.sentences.iter().position(|s| s.words >= 3)?;
    let s = &a.sentences[first];
    let plain = !s.echo
        && !s.hits.any(L::Evasions)
        && !s.hits.any(L::GenericClaims)
        && !s.hits.any(L::Hedges)
        && (s.informative >= 2 || s.figures > 0)
        && (s.topic > 0.0 || s.figures > 0 || s.entities > 0)
        && !s.span.question;
    plain.then_some(first)
}

/// Whether the question asks for a short answer ("in one sentence", "briefly").
fn asks_for_brevity(question: &str) -> bool {
    const BRIEF: &[&str] = &[
        "one sentence",
        "a sentence",
        "single sentence",
        "one line",
        "briefly",
        "in a few words",
        "in a word",
        "short version",
        "quick version",
        "in short",
        "elevator pitch",
        "thirty seconds",
        "30 seconds",
    ];
    let norm = text::normalized(crate::analysis::asking_part(question));
    text::count_phrases(&norm, BRIEF) > 0
}

pub fn features(a: &AnswerAnalysis, found: &Found, expect: &Expect) -> Features {
    let mut f = [0.0; F::COUNT];
    let words = a.words;
    let sentences = a.sentences.len().max(1) as f64;
    let h = &a.hits;
    let english = a.language.is_english();
    let measured: usize = a
        .figures
        .iter()
        .filter(|x| {
            x.measure.is_some() && !matches!(x.kind, FigureKind::Date | FigureKind::Duration)
        })
        .count();
    // Only sentences that say something count as specific: an echo with a number does not.
    let entities: usize = a
        .sentences
        .iter()
        .filter(|s| !s.echo && s.informative >= 2)
        .map(|s| s.entities)
        .sum();
    let situation = a
        .sentences
        .iter()
        .any(|s| !s.echo && s.informative >= 3 && s.hits.any(L::Situation));

    f[F::Substance as usize] = 1.0 - (-(a.informative as f64) / 15.0).exp();
    f[F::Specific as usize] = sat(
        measured.min(3) as f64
            + 0.5 * entities.min(4) as f64
            + 0.5 * a.own_actions.min(3) as f64
            + if situation { 0.7 } else { 0.0 },
        4.0,
    );
    f[F::Generic as usize] = sat(
        h.n(L::GenericClaims) as f64 + 0.5 * h.n(L::Buzzwords) as f64,
        3.0,
    );
    f[F::Echo as usize] = a.echo_share;
    f[F::OffTopic as usize] = if a.semantic {
        a.off_topic
    } else if a.relevance == 0.0 && a.informative >= 6 {
        // Shared words are too weak a sign to call an answer off topic on their own.
        0.3
    } else {
        0.0
    };
    f[F::OnTopic as usize] = if a.semantic { a.relevance } else { 0.5 };
    f[F::Evasion as usize] = sat(h.n(L::Evasions) as f64, 1.0);
    f[F::Vague as usize] = sat(per100(h.n(L::Vague), words.max(20)), 6.0);
    // Three or more figures in one sentence, with no story around them: a pile of numbers.
    let piles = a
        .sentences
        .iter()
        .filter(|s| {
            a.figures
                .iter()
                .filter(|x| {
                    s.span.start <= x.at
                        && x.at < s.span.end
                        && !matches!(x.kind, FigureKind::Date | FigureKind::Duration)
                })
                .count()
                >= 3
                && s.own_actions == 0
                && !s.hits.any(L::Connectors)
        })
        .count();
    f[F::FigurePile as usize] = sat(piles as f64 / sentences, 0.5);
    f[F::Uptalk as usize] = sat(
        a.sentences
            .iter()
            .filter(|s| s.span.question && crate::analysis::uptalk(s.span.of(&a.text)))
            .count() as f64,
        1.0,
    );
    // "In one sentence, what do you do?": a short answer is what was asked for.
    let brief = asks_for_brevity(&a.question);
    f[F::Short as usize] = match words {
        10.. if brief => 0.0,
        0..8 => 1.0,
        8..15 => 0.6,
        15..25 => 0.25,
        _ => 0.0,
    };
    f[F::VeryLong as usize] = sat(words.saturating_sub(250) as f64, 250.0);
    f[F::Direct as usize] = if direct_sentence(a).is_some() {
        1.0
    } else {
        0.0
    };
    let result = a.result_figures() > 0;
    f[F::Story as usize] = match (situation, a.own_actions > 0, result) {
        (true, true, true) => 1.0,
        (true, true, false) | (false, true, true) | (true, false, true) => 0.5,
        _ => 0.0,
    };
    f[F::Rubric as usize] = found.share;
    f[F::Repeat as usize] = if a.repeats.is_some() { 1.0 } else { 0.0 };

    let with_content = |l: L| {
        a.sentences
            .iter()
            .filter(|s| s.hits.any(l) && s.informative >= 3 && !s.echo)
            .count()
    };
    f[F::Signposts as usize] = sat(with_content(L::Structure) as f64, 2.0);
    f[F::Bullets as usize] = sat(
        a.sentences
            .iter()
            .filter(|s| s.span.bullet && s.informative >= 2)
            .count() as f64,
        3.0,
    );
    f[F::Reasoning as usize] = sat(with_content(L::Connectors) as f64, 2.0);
    f[F::RunOn as usize] = sat(a.run_ons as f64 / sentences, 0.5);
    f[F::Rambling as usize] = sat(h.n(L::Rambling) as f64, 2.0);
    let fragments = a
        .sentences
        .iter()
        .filter(|s| s.words < 4 && !s.span.bullet && !s.span.question)
        .count();
    f[F::Fragments as usize] = if a.sentences.len() >= 3 {
        fragments as f64 / sentences
    } else {
        0.0
    };
    let prose: Vec<usize> = a
        .sentences
        .iter()
        .filter(|s| !s.span.bullet)
        .map(|s| s.words)
        .collect();
    let avg = if prose.is_empty() {
        0.0
    } else {
        prose.iter().sum::<usize>() as f64 / prose.len() as f64
    };
    f[F::LongSentences as usize] = sat(avg - 22.0, 15.0);

    f[F::Hedges as usize] = sat(per100(h.n(L::Hedges), words), 4.0);
    f[F::Fillers as usize] = sat(per100(h.n(L::Fillers), words), 3.0);
    f[F::Apologies as usize] = sat(h.n(L::Apologies) as f64, 2.0);
    f[F::SelfDeprecation as usize] = sat(h.n(L::SelfDeprecation) as f64, 1.0);
    f[F::Ownership as usize] = sat(a.own_actions as f64, 2.0);
    f[F::WeOnly as usize] = if a.we_actions >= 2 && a.own_actions == 0 {
        1.0
    } else {
        0.0
    };
    f[F::Figures as usize] = sat(measured as f64, 2.0);

    f[F::Foreign as usize] = if english { 0.0 } else { 1.0 };
    f[F::Slips as usize] = sat(per100(a.slips, words.max(20)), 3.0);
    f[F::Diversity as usize] = ((a.diversity - 0.65) / 0.2).clamp(0.0, 1.0);
    f[F::Repetition as usize] = sat(a.repetition, 4.0);
    f[F::Slang as usize] = sat(per100(h.n(L::Slang), words.max(20)), 3.0);
    f[F::Profanity as usize] = sat(h.n(L::Profanity) as f64, 1.0);
    f[F::Shouting as usize] = sat(a.shouting as f64, 2.0);
    f[F::Exclaims as usize] = sat(a.exclamations.saturating_sub(1) as f64, 3.0);

    let (good, bad) = register_lists(expect.register);
    let matched: usize = good.iter().map(|&l| h.n(l)).sum();
    let mismatched: usize = bad.iter().map(|&l| h.n(l)).sum();
    f[F::RegisterMatch as usize] = sat(matched as f64, 3.0);
    f[F::RegisterMismatch as usize] = sat(mismatched as f64, 3.0);
    f[F::Rude as usize] = sat(h.n(L::Rude) as f64, 1.0);
    f[F::Harsh as usize] = match expect.register {
        Register::Supportive | Register::Friendly => sat(h.n(L::Harsh) as f64, 2.0),
        _ => sat(h.n(L::Harsh) as f64, 4.0),
    };
    f[F::Polite as usize] = sat(h.n(L::Polite) as f64, 2.0);

    let real: Vec<_> = a.asks.iter().filter(|q| !q.generic).collect();
    f[F::AsksRelated as usize] = sat(real.iter().map(|q| q.related).sum::<f64>(), 1.5);
    f[F::AsksGeneric as usize] = sat(a.asks.iter().filter(|q| q.generic).count() as f64, 2.0);
    f[F::AsksOpen as usize] = sat(real.iter().filter(|q| q.open).count() as f64, 2.0);
    f[F::Counterpart as usize] = sat(h.n(L::CounterpartRefs) as f64, 2.0);
    // A discovery turn that asks a real open question needs 15 words, not a 35-word story.
    let least = if brief {
        10
    } else if expect.asking && real.iter().any(|q| q.open) {
        15
    } else {
        35
    };
    f[F::WordsBand as usize] = if (least..=250).contains(&words) {
        1.0
    } else {
        0.0
    };
    f[F::Discovery as usize] = if expect.asking {
        sat(
            real.iter()
                .filter(|q| q.open)
                .map(|q| 0.5 + 0.5 * q.related)
                .sum::<f64>(),
            1.5,
        )
    } else {
        0.0
    };
    if a.language == Language::Lorem || a.language == Language::WordList {
        f[F::Substance as usize] = 0.0;
        f[F::Specific as usize] = 0.0;
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_question_that_asks_for_one_sentence_is_told_apart() {
        assert!(asks_for_brevity(
            "Thanks for coming in. In one sentence, what does your company do?"
        ));
        assert!(asks_for_brevity("Briefly: why now?"));
        assert!(!asks_for_brevity(
            "Walk me through the last incident you handled, from start to finish."
        ));
    }
}
