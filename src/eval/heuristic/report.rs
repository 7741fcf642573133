//! The assessment from the scores: evidence that fits its note, summary, strengths,
//! improvement areas, drills and the per-answer results.
//!
//! Every note is written only where the measure behind it holds for the quoted sentence, and
//! every quote is a whole sentence (or, for a long one, the clause that holds what the note is
//! about), verbatim. With nothing telling to quote, a dimension gets no evidence.

use super::config::{Rubric, Scope, WORDING, note};
use super::features::{F, Features, Register, direct_sentence};
use super::rubric::Found;
use super::scoring::Flag;
use crate::analysis::lexicon::L;
use crate::analysis::{AnswerAnalysis, FigureKind, Language};
use crate::domain::{
    AnswerResult, Assessment, Dimension, EvaluatorInfo, Evidence, ImprovementArea, PreparationType,
    Priority, Scores, round_score,
};
use crate::text::sentences::clauses;

/// One answer's judged state.
pub struct Judged<'a> {
    pub a: &'a AnswerAnalysis,
    pub f: Features,
    pub scores: [f64; 6],
    pub overall: f64,
    pub flags: Vec<Flag>,
    pub found: Found,
}

/// Something worth quoting: which answer and sentence, what it shows, and how strongly.
#[derive(Debug, Clone)]
pub struct Observation {
    pub dimension: Dimension,
    pub good: bool,
    pub strength: f64,
    pub answer: usize,
    pub sentence: usize,
    /// A phrase of the sentence the note is about (to pick the clause of a long sentence).
    pub anchor: Option<String>,
    pub note: String,
}

pub struct Session<'a> {
    pub kind: PreparationType,
    pub tone: Option<&'a str>,
    pub register: Register,
    pub rubric: Option<&'static Rubric>,
    pub semantic: bool,
    pub model: Option<String>,
}

/// The words to quote: the sentence, or its clause holding the anchor when it is long.
pub fn quote(a: &AnswerAnalysis, sentence: usize, anchor: Option<&str>) -> String {
    let s = a.sentence_text(sentence);
    if s.split_whitespace().count() <= 32 {
        return s.to_string();
    }
    let parts = clauses(s, 5);
    let lower_anchor = anchor.map(crate::text::normalized);
    let pick = lower_anchor
        .as_ref()
        .and_then(|p| {
            parts
                .iter()
                .find(|c| crate::text::normalized(c).contains(p.as_str()))
        })
        .or_else(|| parts.first());
    pick.map_or_else(|| s.to_string(), |c| (*c).to_string())
}

/// Whether `phrase` opens the sentence or one of its clauses ("First, …", "…; then I …").
fn leads_a_clause(sentence: &str, phrase: &str) -> bool {
    let lower = sentence.to_lowercase();
    let lower = lower.trim_start_matches(|c: char| !c.is_alphanumeric());
    lower.starts_with(phrase)
        || [", ", "; ", ": ", " and "].iter().any(|sep| {
            lower.contains(&format!("{sep}{phrase} ")) || lower.contains(&format!("{sep}{phrase},"))
        })
}

fn first_phrase_sentence(a: &AnswerAnalysis, l: L) -> Option<(usize, &'static str)> {
    a.sentences
        .iter()
        .enumerate()
        .find_map(|(i, s)| s.hits.first(l).map(|p| (i, p)))
}

/// What each answer shows, good and bad, per dimension.
pub fn observations(j: &[Judged<'_>], session: &Session<'_>) -> Vec<Observation> {
    use Dimension::*;
    let mut out = Vec::new();
    let tone = session.tone.unwrap_or("neutral");
    for (ai, x) in j.iter().enumerate() {
        let a = x.a;
        // An answer beside the point is never quoted as a strength, however well it is worded.
        let beside = x
            .flags
            .iter()
            .any(|f| matches!(f, Flag::OffTopic | Flag::Echo | Flag::Repeats(_)));
        let mut push = |d: Dimension,
                        good: bool,
                        strength: f64,
                        sentence: usize,
                        anchor: Option<&str>,
                        note: String| {
            if good && beside {
                return;
            }
            out.push(Observation {
                dimension: d,
                good,
                strength,
                answer: ai,
                sentence,
                anchor: anchor.map(str::to_string),
                note,
            });
        };
        let english = a.language.is_english();
        if !english {
            let key = match a.language {
                Language::Lorem => "placeholder",
                Language::WordList => "word_list",
                _ => "foreign",
            };
            let n = note(key, &[("language", a.language.name())]);
            push(LanguageQuality, false, 5.0, 0, None, n.clone());
            push(RelevanceFocus, false, 4.0, 0, None, n);
            continue;
        }
        if a.sentences.is_empty() {
            continue;
        }
        if x.flags.contains(&Flag::Curt) {
            push(Engagement, false, 3.5, 0, None, note("curt", &[]));
            continue;
        }
        if a.repeats.is_some() {
            push(Engagement, false, 3.0, 0, None, note("repeated", &[]));
            push(RelevanceFocus, false, 3.0, 0, None, note("repeated", &[]));
        }
        // clarity_structure
        for (i, s) in a.sentences.iter().enumerate() {
            if s.echo {
                continue;
            }
            // "What happens next?" asks, and "in the first two months" counts: neither signposts.
            let leads = s
                .hits
                .first(L::Structure)
                .is_some_and(|p| leads_a_clause(s.span.of(&a.text), p));
            if leads && s.informative >= 3 && !s.span.question {
                push(
                    ClarityStructure,
                    true,
                    1.0 + x.f[F::Signposts as usize],
                    i,
                    s.hits.first(L::Structure),
                    note("signposted", &[]),
                );
                break;
            }
        }
        let bullets: Vec<usize> = (0..a.sentences.len())
            .filter(|&i| a.sentences[i].span.bullet && a.sentences[i].informative >= 2)
            .collect();
        if bullets.len() >= 2 {
            push(
                ClarityStructure,
                true,
                1.5,
                bullets[0],
                None,
                note("listed", &[]),
            );
        }
        if x.f[F::Story as usize] >= 1.0
            && let Some(i) = a
                .sentences
                .iter()
                .position(|s| s.figures > 0 && s.hits.any(L::ResultVerbs) && !s.echo)
        {
            push(ClarityStructure, true, 2.0, i, None, note("story", &[]));
        }
        if let Some((i, s)) = a
            .sentences
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                s.words > 40
                    || s.words > 30
                        && crate::text::sentences::clauses(s.span.of(&a.text), 1)
                            .iter()
                            .any(|c| c.split_whitespace().count() > 30)
            })
            .max_by_key(|(_, s)| s.words)
        {
            let n = s.words.to_string();
            push(
                ClarityStructure,
                false,
                1.0 + s.words as f64 / 30.0,
                i,
                None,
                note("run_on", &[("n", &n)]),
            );
        }
        if let Some((i, p)) = first_phrase_sentence(a, L::Rambling) {
            push(
                ClarityStructure,
                false,
                1.0 + x.f[F::Rambling as usize],
                i,
                Some(p),
                note("rambling", &[("phrase", p)]),
            );
        }
        // relevance_focus
        {
            if let Some(i) = a.sentences.iter().position(|s| s.echo) {
                push(
                    RelevanceFocus,
                    false,
                    2.0 + 2.0 * a.echo_share,
                    i,
                    None,
                    note("echo", &[]),
                );
            }
        }
        if x.flags.contains(&Flag::OffTopic)
            && let Some((i, _)) = a
                .sentences
                .iter()
                .enumerate()
                .filter(|(_, s)| s.words >= 5)
                .min_by(|x, y| x.1.topic.total_cmp(&y.1.topic))
        {
            push(RelevanceFocus, false, 3.5, i, None, note("off_topic", &[]));
        }
        if x.flags.contains(&Flag::NoSubstance)
            && let Some(i) = a.sentences.iter().position(|s| s.words >= 4)
        {
            push(
                RelevanceFocus,
                false,
                3.0,
                i,
                None,
                note("no_substance", &[]),
            );
        }
        if let Some((i, p)) = first_phrase_sentence(a, L::GenericClaims)
            && a.sentences[i].figures == 0
            && a.sentences[i].entities == 0
        {
            {
                push(
                    RelevanceFocus,
                    false,
                    3.6 + x.f[F::Generic as usize],
                    i,
                    Some(p),
                    note("generic", &[]),
                );
            }
        }
        if let Some((i, p)) = first_phrase_sentence(a, L::Evasions) {
            push(
                RelevanceFocus,
                false,
                2.0,
                i,
                Some(p),
                note("evasive", &[("phrase", p)]),
            );
        }
        if !x
            .flags
            .iter()
            .any(|f| matches!(f, Flag::OffTopic | Flag::Echo | Flag::Repeats(_)))
        {
            // The most specific sentence, said with a number, a name or an action.
            let best = a
                .sentences
                .iter()
                .enumerate()
                .filter(|(_, s)| {
                    !s.echo
                        && (s.figures > 0 || s.entities > 0 || s.own_actions > 0)
                        && s.informative >= 3
                })
                .max_by(|p, q| {
                    let score = |s: &crate::analysis::Sentence| {
                        s.figures as f64 * 1.5
                            + s.entities.min(3) as f64
                            + s.own_actions as f64
                            + s.informative as f64 / 10.0
                    };
                    score(p.1).total_cmp(&score(q.1)).then(q.0.cmp(&p.0))
                });
            if let Some((i, s)) = best {
                let what = what_is_specific(a, i);
                push(
                    RelevanceFocus,
                    true,
                    1.0 + x.f[F::Specific as usize] * 2.0 + s.figures as f64 * 0.3,
                    i,
                    None,
                    note("specific", &[("what", &what)]),
                );
            } else if let Some(i) = direct_sentence(a) {
                push(RelevanceFocus, true, 1.0, i, None, note("direct", &[]));
            }
        }
        // confidence_delivery
        if let Some(i) = a.sentences.iter().position(|s| s.own_actions > 0) {
            push(
                ConfidenceDelivery,
                true,
                1.0 + x.f[F::Ownership as usize],
                i,
                None,
                note("owned", &[]),
            );
        }
        if let Some(fig) = a.figures.iter().find(|f| {
            f.measure.is_some() && !matches!(f.kind, FigureKind::Date | FigureKind::Duration)
        }) && let Some(i) = a
            .sentences
            .iter()
            .position(|s| s.span.start <= fig.at && fig.at < s.span.end)
            && !a.sentences[i].echo
        {
            let shown = format!(
                "{} {}",
                fig.text,
                fig.measure.as_deref().unwrap_or_default()
            );
            push(
                ConfidenceDelivery,
                true,
                1.2,
                i,
                Some(&fig.text),
                note("measured", &[("figure", shown.trim())]),
            );
        }
        for (l, key, weight) in [
            (L::Hedges, "hedged", 1.0 + x.f[F::Hedges as usize] * 2.0),
            (L::Fillers, "filler", 1.0 + x.f[F::Fillers as usize] * 2.0),
            (L::Apologies, "apology", 2.0),
            (L::SelfDeprecation, "self_deprecating", 2.5),
        ] {
            if let Some((i, p)) = first_phrase_sentence(a, l) {
                push(
                    ConfidenceDelivery,
                    false,
                    weight,
                    i,
                    Some(p),
                    note(key, &[("phrase", p)]),
                );
            }
        }
        if x.f[F::WeOnly as usize] > 0.0
            && let Some(i) = a
                .sentences
                .iter()
                .position(|s| s.hits.any(L::We) && s.informative >= 2)
        {
            push(
                ConfidenceDelivery,
                false,
                1.2,
                i,
                Some("we"),
                note("we_only", &[]),
            );
        }
        // language_quality
        if let Some(i) = slip_sentence(a) {
            push(
                LanguageQuality,
                false,
                1.5 + x.f[F::Slips as usize] * 2.0,
                i,
                None,
                note("slip", &[("phrase", &slip_phrase(a, i))]),
            );
        }
        if x.f[F::Slang as usize] > 0.2
            && matches!(session.register, Register::Formal | Register::Neutral)
            && let Some((i, p)) = first_phrase_sentence(a, L::Slang)
        {
            push(
                LanguageQuality,
                false,
                1.0 + x.f[F::Slang as usize],
                i,
                Some(p),
                note("slang", &[("tone", tone), ("phrase", p)]),
            );
        }
        if let Some((i, p)) = first_phrase_sentence(a, L::Profanity) {
            push(
                LanguageQuality,
                false,
                2.0,
                i,
                Some(p),
                note("profanity", &[("phrase", p)]),
            );
            push(
                ToneAlignment,
                false,
                2.0,
                i,
                Some(p),
                note("profanity", &[("phrase", p)]),
            );
        }
        if a.shouting > 0
            && let Some((i, w)) = shouting_word(a)
        {
            push(
                LanguageQuality,
                false,
                1.5,
                i,
                Some(&w),
                note("shouting", &[("phrase", &w)]),
            );
        }
        if a.slips == 0
            && x.f[F::Diversity as usize] > 0.5
            && a.words >= 25
            && x.f[F::Slang as usize] == 0.0
            && let Some((i, _)) = a
                .sentences
                .iter()
                .enumerate()
                .filter(|(_, s)| {
                    (10..=32).contains(&s.words)
                        && !s.echo
                        && s.hits.n(L::Hedges) + s.hits.n(L::Fillers) == 0
                })
                .max_by_key(|(_, s)| s.informative)
        {
            push(
                LanguageQuality,
                true,
                1.0 + x.f[F::Diversity as usize],
                i,
                None,
                note("clean", &[]),
            );
        }
        // tone_alignment
        if let Some((i, p)) = first_phrase_sentence(a, L::Rude) {
            push(
                ToneAlignment,
                false,
                4.0,
                i,
                Some(p),
                note("rude", &[("phrase", p)]),
            );
            push(
                Engagement,
                false,
                2.5,
                i,
                Some(p),
                note("rude", &[("phrase", p)]),
            );
        }
        if x.f[F::Harsh as usize] > 0.0
            && matches!(session.register, Register::Supportive | Register::Friendly)
            && let Some((i, p)) = first_phrase_sentence(a, L::Harsh)
        {
            push(
                ToneAlignment,
                false,
                2.5,
                i,
                Some(p),
                note("harsh", &[("tone", tone), ("phrase", p)]),
            );
        }
        let (good_lists, _) = super::features::register_lists(session.register);
        if session.register != Register::Neutral
            && let Some((i, p)) = good_lists.iter().find_map(|&l| first_phrase_sentence(a, l))
        {
            push(
                ToneAlignment,
                true,
                1.0 + x.f[F::RegisterMatch as usize],
                i,
                Some(p),
                note("register", &[("tone", tone)]),
            );
        }
        // engagement
        for q in &a.asks {
            if q.generic {
                push(
                    Engagement,
                    false,
                    1.5,
                    q.sentence,
                    None,
                    note("generic_question", &[]),
                );
            } else if q.related >= 0.5 {
                let key = if session.rubric.is_some_and(|r| r.asking) {
                    "discovery"
                } else {
                    "question_back"
                };
                push(
                    Engagement,
                    true,
                    1.5 + q.related,
                    q.sentence,
                    None,
                    note(key, &[]),
                );
            }
        }
        if let Some((i, p)) = first_phrase_sentence(a, L::CounterpartRefs)
            && a.sentences[i].informative >= 2
        {
            {
                push(
                    Engagement,
                    true,
                    1.2,
                    i,
                    Some(p),
                    note("counterpart", &[("phrase", p)]),
                );
            }
        }
    }
    out
}

/// What makes a sentence specific, in a few words: its figure, its names or its action.
fn what_is_specific(a: &AnswerAnalysis, i: usize) -> String {
    let s = &a.sentences[i];
    if let Some(f) = a.figures.iter().find(|f| {
        s.span.start <= f.at
            && f.at < s.span.end
            && f.measure.is_some()
            // A timeframe ("a two-week pilot") is a plan, not a specific result.
            && !matches!(f.kind, FigureKind::Date | FigureKind::Duration)
    }) {
        return format!(
            "a figure ({} {})",
            f.text,
            f.measure.as_deref().unwrap_or_default()
        )
        .replace(" )", ")");
    }
    if s.entities > 0 {
        return "it names the specifics".into();
    }
    "it says what you did".into()
}

fn slip_sentence(a: &AnswerAnalysis) -> Option<usize> {
    if a.slips == 0 {
        return None;
    }
    (0..a.sentences.len()).find(|&i| !slip_phrase(a, i).is_empty())
}

/// The first slip in a sentence, as written.
fn slip_phrase(a: &AnswerAnalysis, i: usize) -> String {
    let s = a.sentence_text(i);
    let words = crate::text::words(s);
    let mut lower = String::from(" ");
    for w in &words {
        lower.push_str(w);
        lower.push(' ');
    }
    if let Some(m) = crate::analysis::SLIP_FINDER.find(&lower) {
        return crate::analysis::SLIPS[m.pattern().as_usize()]
            .trim()
            .to_string();
    }
    for raw in s.split_whitespace() {
        let w = raw.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'');
        if matches!(w, "i" | "i'm" | "i've" | "i'd" | "i'll") {
            return w.to_string();
        }
    }
    String::new()
}

fn shouting_word(a: &AnswerAnalysis) -> Option<(usize, String)> {
    for (i, _) in a.sentences.iter().enumerate() {
        let s = a.sentence_text(i);
        for w in s.split_whitespace() {
            let letters: Vec<char> = w.chars().filter(|c| c.is_alphabetic()).collect();
            if letters.len() >= 4 && letters.iter().all(|c| c.is_uppercase()) {
                return Some((
                    i,
                    w.trim_matches(|c: char| !c.is_alphanumeric()).to_string(),
                ));
            }
        }
    }
    None
}

/// The observation that best explains a dimension's score: a strength when it is high, a
/// weakness when it is low; in between, whichever is stronger.
fn explain(obs: &[Observation], d: Dimension, score: f64) -> Option<&Observation> {
    let best = |good: bool| {
        obs.iter()
            .filter(|o| o.dimension == d && o.good == good)
            .max_by(|a, b| {
                a.strength
                    .total_cmp(&b.strength)
                    .then(b.answer.cmp(&a.answer))
            })
    };
    if score >= 7.0 {
        best(true)
    } else if score < 5.5 {
        best(false)
    } else {
        best(false).or_else(|| best(true))
    }
}

pub fn report(j: &[Judged<'_>], scores: Scores, overall: f64, session: &Session<'_>) -> Assessment {
    let obs = observations(j, session);
    let quote_of = |o: &Observation| quote(j[o.answer].a, o.sentence, o.anchor.as_deref());
    let mut evidence = Vec::new();
    let mut chosen: Vec<Option<&Observation>> = Vec::new();
    for d in Dimension::ALL {
        let o = explain(&obs, d, scores.get(d));
        if let Some(o) = o {
            evidence.push(Evidence {
                dimension: d,
                quote: quote_of(o),
                note: o.note.clone(),
            });
        }
        chosen.push(o);
    }
    let ascending = scores.ascending();
    let (best, best_score) = ascending[5];
    let (worst, worst_score) = ascending[0];
    let kind = session.kind;
    let level = match overall {
        x if x >= 8.0 => "A strong",
        x if x >= 6.5 => "A solid",
        x if x >= 4.5 => "A mixed",
        _ => "A weak",
    };
    let n = j.len();
    let words: usize = j.iter().map(|x| x.a.words).sum();
    let mut summary = format!(
        "{level} {kind} session: {n} answer{s}, {avg} words on average, overall {overall:.1}/10.",
        s = if n == 1 { "" } else { "s" },
        avg = words / n.max(1),
    );
    let best_obs = chosen[best.index()].filter(|o| o.good);
    let worst_obs = chosen[worst.index()].filter(|o| !o.good);
    if let Some(o) = best_obs {
        summary.push_str(&format!(
            " Strongest: {} ({best_score:.1}) — \"{}\": {}.",
            best.label().to_lowercase(),
            quote_of(o),
            o.note
        ));
    } else {
        summary.push_str(&format!(
            " Strongest: {} ({best_score:.1}).",
            best.label().to_lowercase()
        ));
    }
    // The same sentence is never both the strongest and the weakest moment.
    let same = |a: &Observation, b: &Observation| a.answer == b.answer && a.sentence == b.sentence;
    match worst_obs {
        Some(o) if !best_obs.is_some_and(|b| same(b, o)) => summary.push_str(&format!(
            " Weakest: {} ({worst_score:.1}) — \"{}\": {}.",
            worst.label().to_lowercase(),
            quote_of(o),
            o.note
        )),
        _ => summary.push_str(&format!(
            " Weakest: {} ({worst_score:.1}).",
            worst.label().to_lowercase()
        )),
    }
    if let Some(weak) = weakest_answer(j) {
        summary.push_str(&format!(
            " Weakest answer: question {} ({:.1}).",
            weak + 1,
            j[weak].overall
        ));
    }
    if !session.semantic {
        summary.push_str(" Judged by shared words (no sentence-embedding model installed).");
    }

    let mut strengths: Vec<String> = ascending
        .iter()
        .rev()
        .filter(|(_, s)| *s >= 6.5)
        .take(3)
        .map(|&(d, s)| match chosen[d.index()].filter(|o| o.good) {
            Some(o) => format!("{} ({s:.1}): {} — \"{}\"", d.label(), o.note, quote_of(o)),
            None => format!("{} ({s:.1})", d.label()),
        })
        .collect();
    if strengths.is_empty() {
        strengths.push(format!(
            "{} is your relative strength ({best_score:.1})",
            best.label()
        ));
    }

    // Improvement areas: the weakest dimensions, each with what the rubric found missing there
    // and the user's own weakest moment on it.
    let missing = missing_items(j, session.rubric);
    let mut improvement_areas: Vec<ImprovementArea> = ascending
        .iter()
        .filter(|(_, s)| *s < 7.0)
        .take(3)
        .map(|&(d, s)| area(d, s, &obs, j, &missing, session))
        .collect();
    if improvement_areas.is_empty() {
        improvement_areas.push(area(worst, worst_score, &obs, j, &missing, session));
    }

    let mut practice_suggestions: Vec<String> = Vec::new();
    if let Some(r) = session.rubric {
        practice_suggestions.extend(r.drills.iter().take(2).cloned());
    }
    for a in &improvement_areas {
        if let Some(d) = WORDING.drills.get(&a.dimension).and_then(|d| d.first())
            && !practice_suggestions.contains(d)
        {
            practice_suggestions.push(d.clone());
        }
    }
    practice_suggestions.truncate(5);
    if practice_suggestions.len() < 2
        && let Some(d) = WORDING.drills.get(&worst).and_then(|d| d.get(1))
    {
        practice_suggestions.push(d.clone());
    }

    Assessment {
        universal_scores: scores,
        overall_score: overall,
        summary,
        strengths,
        improvement_areas,
        practice_suggestions,
        evidence,
        evaluator: EvaluatorInfo {
            engine: "heuristic".into(),
            model: session.model.clone(),
        },
        answers: j.iter().map(|x| answer_result(x, &obs, session)).collect(),
        notice: None,
    }
}

/// The answer with the lowest overall score (the first of equals).
pub fn weakest_answer(j: &[Judged<'_>]) -> Option<usize> {
    (0..j.len()).min_by(|&a, &b| j[a].overall.total_cmp(&j[b].overall).then(a.cmp(&b)))
}

/// Rubric items found in no answer: (dimension-tagged item index).
fn missing_items(j: &[Judged<'_>], rubric: Option<&'static Rubric>) -> Vec<usize> {
    let Some(r) = rubric else { return Vec::new() };
    (0..r.items.len())
        .filter(|&i| !j.iter().any(|x| x.found.has(i)))
        .collect()
}

fn area(
    d: Dimension,
    score: f64,
    obs: &[Observation],
    j: &[Judged<'_>],
    missing: &[usize],
    session: &Session<'_>,
) -> ImprovementArea {
    let tone = session.tone.unwrap_or("neutral");
    let mut suggestion = WORDING
        .suggestions
        .get(&d)
        .cloned()
        .unwrap_or_default()
        .replace("{tone}", tone);
    if let Some(r) = session.rubric {
        let advice: Vec<&str> = missing
            .iter()
            .filter(|&&i| r.items[i].dimensions.first() == Some(&d))
            .map(|&i| r.items[i].missing.as_str())
            .take(2)
            .collect();
        if !advice.is_empty() {
            suggestion.push(' ');
            suggestion.push_str(&advice.join(" "));
        }
    }
    if let Some(o) = obs
        .iter()
        .filter(|o| o.dimension == d && !o.good)
        .max_by(|a, b| {
            a.strength
                .total_cmp(&b.strength)
                .then(b.answer.cmp(&a.answer))
        })
    {
        suggestion.push_str(&format!(
            " In answer {} you said \"{}\": {}.",
            o.answer + 1,
            quote(j[o.answer].a, o.sentence, o.anchor.as_deref()),
            o.note
        ));
    }
    ImprovementArea {
        dimension: d,
        current_level: score,
        suggestion,
        priority: match score {
            x if x < 5.0 => Priority::High,
            x if x < 6.5 => Priority::Medium,
            _ => Priority::Low,
        },
    }
}

fn answer_result(x: &Judged<'_>, obs: &[Observation], session: &Session<'_>) -> AnswerResult {
    let a = x.a;
    let (found, missing) = match session.rubric {
        Some(r) => (
            x.found
                .items
                .iter()
                .map(|(i, _)| r.items[*i].label.clone())
                .collect(),
            r.items
                .iter()
                .enumerate()
                .filter(|(i, it)| it.scope == Scope::Answer && !x.found.has(*i))
                .map(|(_, it)| it.label.clone())
                .collect(),
        ),
        None => (Vec::new(), Vec::new()),
    };
    let scores = Scores::from_array(x.scores).rounded();
    let (weakest, _) = scores.ascending()[0];
    let mine = |d: Dimension| {
        obs.iter()
            .filter(|o| o.answer == a.index && o.dimension == d && !o.good)
            .max_by(|p, q| p.strength.total_cmp(&q.strength))
    };
    let suggestion = mine(weakest)
        .or_else(|| {
            Dimension::ALL
                .iter()
                .filter_map(|&d| mine(d))
                .max_by(|p, q| p.strength.total_cmp(&q.strength))
        })
        .map(|o| {
            // A flagged answer needs the dimension's advice, not a rubric item's.
            let flagged = !x.flags.is_empty();
            let fix = session
                .rubric
                .filter(|_| !flagged)
                .and_then(|r| {
                    r.items
                        .iter()
                        .enumerate()
                        .find(|(i, it)| it.dimensions.contains(&o.dimension) && !x.found.has(*i))
                })
                .map(|(_, it)| it.missing.clone())
                .or_else(|| WORDING.suggestions.get(&o.dimension).cloned())
                .unwrap_or_default()
                .replace("{tone}", session.tone.unwrap_or("neutral"));
            format!(
                "\"{}\": {}. {fix}",
                quote(a, o.sentence, o.anchor.as_deref()),
                o.note
            )
        });
    AnswerResult {
        number: a.index as u32 + 1,
        question: crate::analysis::asking_part(&a.question).to_string(),
        answer: a.text.clone(),
        scores,
        overall: round_score(x.overall),
        relevance: round_score(x.scores[Dimension::RelevanceFocus.index()]) / 10.0,
        rubric_found: found,
        rubric_missing: missing,
        flags: x.flags.iter().map(|f| f.describe(a.language)).collect(),
        suggestion,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_word_that_opens_a_clause_signposts() {
        assert!(leads_a_clause("First, I mapped the callers.", "first"));
        assert!(leads_a_clause(
            "I mapped the callers; then I cut the API.",
            "then"
        ));
        assert!(!leads_a_clause(
            "Rejections dropped to 4% in the first two months.",
            "first"
        ));
        assert!(!leads_a_clause("What happens next, and how often?", "next"));
    }
}
