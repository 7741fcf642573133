//! Finding a rubric's items in an answer: by a built-in measure of the analysis, by cue phrases
//! (one pass per sentence over all the rubric's cues), or by meaning against example sentences.

use std::sync::LazyLock;

use super::config::{RUBRICS, Rubric, Scope};
use super::features::direct_sentence;
use crate::analysis::AnswerAnalysis;
use crate::analysis::lexicon::L;
use crate::semantic::cosine;
use crate::text;

/// What an answer holds of its rubric.
#[derive(Debug, Clone, Default)]
pub struct Found {
    /// (item index, sentence it was found in).
    pub items: Vec<(usize, usize)>,
    /// How much of what every answer should hold is there, 0..=1.
    pub share: f64,
}

impl Found {
    pub fn has(&self, item: usize) -> bool {
        self.items.iter().any(|(i, _)| *i == item)
    }
}

/// Per rubric: one automaton over all its items' cues. A cue of four letters or more matches at
/// the start of a word ("frustrat" finds "frustrated"); shorter ones match whole words.
struct Cues {
    ac: Option<aho_corasick::AhoCorasick>,
    item_of: Vec<usize>,
}

#[allow(clippy::panic)]
static CUES: LazyLock<Vec<Cues>> = LazyLock::new(|| {
    RUBRICS
        .iter()
        .map(|r| {
            let mut patterns = Vec::new();
            let mut item_of = Vec::new();
            for (i, item) in r.items.iter().enumerate() {
                for c in &item.cues {
                    let w = text::words(c).join(" ");
                    if w.is_empty() {
                        continue;
                    }
                    patterns.push(if w.len() >= 4 {
                        format!(" {w}")
                    } else {
                        format!(" {w} ")
                    });
                    item_of.push(i);
                }
            }
            let ac = (!patterns.is_empty()).then(|| {
                aho_corasick::AhoCorasick::new(&patterns)
                    .unwrap_or_else(|e| panic!("assets/eval/rubrics.toml cues: {e}"))
            });
            Cues { ac, item_of }
        })
        .collect()
});

/// The rubric's example sentences' vectors, when the model gave them (same order as items).
pub type Examples = Vec<Vec<Vec<f32>>>;

/// The rubric's items found in one answer.
pub fn find(rubric: &Rubric, a: &AnswerAnalysis, examples: Option<&Examples>) -> Found {
    let ri = RUBRICS
        .iter()
        .position(|r| std::ptr::eq(r, rubric))
        .unwrap_or(0);
    let cues = &CUES[ri];
    let mut found: Vec<(usize, usize)> = Vec::new();
    let add = |item: usize, sentence: usize, found: &mut Vec<(usize, usize)>| {
        if !found.iter().any(|(i, _)| *i == item) {
            found.push((item, sentence));
        }
    };
    // A sentence only counts when it says something of its own.
    let substantive = |i: usize| {
        let s = &a.sentences[i];
        !s.echo && (s.informative >= 2 || s.figures > 0)
    };
    if let Some(ac) = &cues.ac {
        for (si, s) in a.sentences.iter().enumerate() {
            if !substantive(si) {
                continue;
            }
            let norm = text::normalized(s.span.of(&a.text));
            for m in ac.find_overlapping_iter(&norm) {
                add(cues.item_of[m.pattern().as_usize()], si, &mut found);
            }
        }
    }
    for (ii, item) in rubric.items.iter().enumerate() {
        if let Some(d) = item.detect.as_deref()
            && let Some(si) = detect(d, a)
        {
            add(ii, si, &mut found);
        }
        if let Some(ex) = examples.and_then(|e| e.get(ii)).filter(|e| !e.is_empty()) {
            for (si, s) in a.sentences.iter().enumerate() {
                let Some(v) = &s.vector else { continue };
                if substantive(si) && ex.iter().any(|e| cosine(v, e) >= 0.62) {
                    add(ii, si, &mut found);
                    break;
                }
            }
        }
    }
    found.sort_unstable();
    let per_answer: Vec<usize> = rubric
        .items
        .iter()
        .enumerate()
        .filter(|(_, it)| it.scope == Scope::Answer)
        .map(|(i, _)| i)
        .collect();
    let answer_share = if per_answer.is_empty() {
        0.5
    } else {
        per_answer
            .iter()
            .filter(|i| found.iter().any(|(f, _)| f == *i))
            .count() as f64
            / per_answer.len() as f64
    };
    let session_found = found
        .iter()
        .filter(|(i, _)| rubric.items[*i].scope == Scope::Session)
        .count();
    Found {
        share: (answer_share * 0.75 + 0.15 * session_found as f64).min(1.0),
        items: found,
    }
}

/// A built-in measure: the sentence that shows it, if any.
fn detect(name: &str, a: &AnswerAnalysis) -> Option<usize> {
    let s = &a.sentences;
    let pick = |pred: &dyn Fn(usize) -> bool| (0..s.len()).find(|&i| !s[i].echo && pred(i));
    match name {
        "situation" => pick(&|i| s[i].hits.any(L::Situation) && s[i].informative >= 3),
        "own_action" => pick(&|i| s[i].own_actions > 0),
        "result_number" => pick(&|i| s[i].figures > 0 && s[i].hits.any(L::ResultVerbs)),
        "figures" => pick(&|i| s[i].figures > 0),
        "figures_or_entities" => {
            pick(&|i| s[i].figures > 0 || (s[i].entities > 0 && s[i].informative >= 3))
        }
        "reflection" => pick(&|i| s[i].hits.any(L::Reflection) && s[i].informative >= 2),
        "ownership" => (a.own_actions > 0 && a.own_actions * 2 >= a.we_actions)
            .then(|| pick(&|i| s[i].own_actions > 0))
            .flatten(),
        "open_question" => a
            .asks
            .iter()
            .find(|q| q.open && !q.generic)
            .map(|q| q.sentence),
        "related_question" => a
            .asks
            .iter()
            .find(|q| !q.generic && q.related >= 0.5)
            .map(|q| q.sentence),
        "related" => pick(&|i| s[i].topic >= 0.5 && s[i].informative >= 3),
        "reasoning" => pick(&|i| s[i].hits.any(L::Connectors) && s[i].informative >= 3),
        "signposts" => pick(&|i| s[i].hits.any(L::Structure) && s[i].informative >= 3),
        "direct" => direct_sentence(a),
        _ => None,
    }
}
