//! The question banks and reaction templates in `assets/`, embedded in the binary and parsed once.

use std::sync::LazyLock;

use serde::Deserialize;

use crate::domain::{Dimension, PreparationType, UnknownValue};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bank {
    pub preparation_type: PreparationType,
    pub label: String,
    pub counterpart: String,
    pub default_subtype: String,
    pub default_topic: String,
    pub metric_hint: String,
    pub questions_per_session: usize,
    pub subtypes: Vec<Subtype>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subtype {
    pub name: String,
    pub label: String,
    pub description: String,
    #[serde(default)]
    pub star: bool,
    pub openings: Vec<String>,
    pub questions: Vec<Question>,
    pub closing: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub ask: String,
    /// The same question for a challenging tone: blunt and short.
    pub short: String,
}

/// Phrasings for each way the coach reacts, in a normal and a challenging register.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variants {
    pub normal: Vec<String>,
    pub challenging: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Followups {
    pub vague: Variants,
    pub no_result: Variants,
    pub we_not_i: Variants,
    pub star_situation: Variants,
    pub star_action: Variants,
    pub star_result: Variants,
    pub too_short: Variants,
    pub off_topic: Variants,
    pub hedging: Variants,
    pub echo: Variants,
    pub repeats: Variants,
    pub tradeoff: Variants,
    pub recall_result: Variants,
    pub acknowledge: Variants,
    pub ack_figure: Variants,
    pub ack_action: Variants,
    pub move_on: Variants,
    pub after_close: Variants,
    pub context: Variants,
    pub back_to: Variants,
    pub anything_else: Variants,
    pub as_said: Variants,
    pub small_talk: Variants,
    pub objection: Variants,
    pub answer_concern: Variants,
    pub cv_employer: Variants,
    pub job_skill: Variants,
    pub back_on_track: Variants,
}

impl Followups {
    /// Every pool of phrasings.
    pub fn all(&self) -> [&Variants; 28] {
        [
            &self.vague,
            &self.no_result,
            &self.we_not_i,
            &self.star_situation,
            &self.star_action,
            &self.star_result,
            &self.too_short,
            &self.off_topic,
            &self.hedging,
            &self.echo,
            &self.repeats,
            &self.tradeoff,
            &self.recall_result,
            &self.acknowledge,
            &self.ack_figure,
            &self.ack_action,
            &self.move_on,
            &self.after_close,
            &self.context,
            &self.back_to,
            &self.anything_else,
            &self.as_said,
            &self.small_talk,
            &self.objection,
            &self.answer_concern,
            &self.cv_employer,
            &self.job_skill,
            &self.back_on_track,
        ]
    }
}

const BANK_SOURCES: [(&str, &str); 6] = [
    (
        "interview",
        include_str!("../../assets/banks/interview.toml"),
    ),
    (
        "corporate",
        include_str!("../../assets/banks/corporate.toml"),
    ),
    ("pitch", include_str!("../../assets/banks/pitch.toml")),
    ("sales", include_str!("../../assets/banks/sales.toml")),
    (
        "presentation",
        include_str!("../../assets/banks/presentation.toml"),
    ),
    ("other", include_str!("../../assets/banks/other.toml")),
];

// The assets are part of the binary and checked by tests, so a parse failure is a build defect.
#[allow(clippy::panic)]
static BANKS: LazyLock<Vec<Bank>> = LazyLock::new(|| {
    BANK_SOURCES
        .iter()
        .map(|(name, src)| {
            toml::from_str(src).unwrap_or_else(|e| panic!("assets/banks/{name}.toml: {e}"))
        })
        .collect()
});

#[allow(clippy::panic)]
static FOLLOWUPS: LazyLock<Followups> = LazyLock::new(|| {
    toml::from_str(include_str!("../../assets/coach/followups.toml"))
        .unwrap_or_else(|e| panic!("assets/coach/followups.toml: {e}"))
});

pub fn bank(t: PreparationType) -> &'static Bank {
    let banks: &'static [Bank] = &BANKS;
    banks
        .iter()
        .find(|b| b.preparation_type == t)
        .unwrap_or(&banks[0])
}

pub fn followups() -> &'static Followups {
    &FOLLOWUPS
}

/// A drill: questions that each practise one dimension, played by the coach like a bank's subtype.
/// A drill session is an ordinary session whose subtype is `drill-<dimension>`.
#[derive(Debug)]
pub struct Drill {
    pub dimension: Dimension,
    /// The session's agenda when `prapp drill` starts one: says what is drilled.
    pub agenda: String,
    /// What to work on, for improvement lists that have no evaluator's suggestion to quote.
    pub suggestion: String,
    /// Named `drill-<dimension>`.
    pub subtype: Subtype,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DrillFile {
    dimension: Dimension,
    label: String,
    description: String,
    agenda: String,
    suggestion: String,
    #[serde(default)]
    star: bool,
    openings: Vec<String>,
    questions: Vec<Question>,
    closing: String,
}

const DRILL_SOURCES: [(&str, &str); 6] = [
    (
        "clarity_structure",
        include_str!("../../assets/drills/clarity_structure.toml"),
    ),
    (
        "relevance_focus",
        include_str!("../../assets/drills/relevance_focus.toml"),
    ),
    (
        "confidence_delivery",
        include_str!("../../assets/drills/confidence_delivery.toml"),
    ),
    (
        "language_quality",
        include_str!("../../assets/drills/language_quality.toml"),
    ),
    (
        "tone_alignment",
        include_str!("../../assets/drills/tone_alignment.toml"),
    ),
    (
        "engagement",
        include_str!("../../assets/drills/engagement.toml"),
    ),
];

/// Every drill subtype starts with this.
pub const DRILL_PREFIX: &str = "drill-";

// Embedded and checked by tests, like the banks: a parse failure is a build defect.
#[allow(clippy::panic)]
static DRILLS: LazyLock<Vec<Drill>> = LazyLock::new(|| {
    DRILL_SOURCES
        .iter()
        .map(|(name, src)| {
            let f: DrillFile =
                toml::from_str(src).unwrap_or_else(|e| panic!("assets/drills/{name}.toml: {e}"));
            Drill {
                dimension: f.dimension,
                agenda: f.agenda,
                suggestion: f.suggestion,
                subtype: Subtype {
                    name: drill_subtype(f.dimension),
                    label: f.label,
                    description: f.description,
                    star: f.star,
                    openings: f.openings,
                    questions: f.questions,
                    closing: f.closing,
                },
            }
        })
        .collect()
});

pub fn drill(d: Dimension) -> &'static Drill {
    let drills: &'static [Drill] = &DRILLS;
    drills
        .iter()
        .find(|x| x.dimension == d)
        .unwrap_or(&drills[0])
}

/// The subtype of a session that drills `d`: `drill-engagement`, `drill-clarity_structure`.
pub fn drill_subtype(d: Dimension) -> String {
    format!("{DRILL_PREFIX}{d}")
}

/// The dimension a subtype drills, if it is a drill subtype (in any spelling:
/// `drill-clarity-structure`, `Drill clarity`). `None` for other subtypes; an error for a drill of
/// something that is not a dimension.
pub fn drilled_dimension(subtype: &str) -> Result<Option<Dimension>, UnknownValue> {
    let wanted = slug(subtype);
    let Some(rest) = wanted.strip_prefix(DRILL_PREFIX) else {
        return Ok(None);
    };
    rest.parse().map(Some).map_err(|_| UnknownValue {
        what: "drill",
        given: subtype.to_string(),
        valid: Dimension::ALL.map(drill_subtype).join(", "),
    })
}

/// The subtype a session of type `t` plays: a drill (`drill-<dimension>`, for any type) or one of
/// the type's bank, or the bank's default when none is given.
pub fn subtype(t: PreparationType, given: Option<&str>) -> Result<&'static Subtype, UnknownValue> {
    match given.map(drilled_dimension).transpose()?.flatten() {
        Some(d) => Ok(&drill(d).subtype),
        None => bank(t).subtype(given),
    }
}

/// Lowercase, words joined by `-`: "System design" and "system_design" both become "system-design".
fn slug(s: &str) -> String {
    s.trim()
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

impl Bank {
    /// The subtype named `given` (by name or label, in any spelling), or the default one.
    pub fn subtype(&self, given: Option<&str>) -> Result<&Subtype, UnknownValue> {
        let Some(given) = given else {
            return Ok(self.default());
        };
        let wanted = slug(given);
        self.subtypes
            .iter()
            .find(|s| s.name == wanted || slug(&s.label) == wanted)
            .ok_or_else(|| UnknownValue {
                what: "subtype",
                given: format!("{given}' for '{}", self.preparation_type),
                valid: self.subtype_names().join(", "),
            })
    }

    pub fn default(&self) -> &Subtype {
        self.subtypes
            .iter()
            .find(|s| s.name == self.default_subtype)
            .unwrap_or(&self.subtypes[0])
    }

    pub fn subtype_names(&self) -> Vec<&str> {
        self.subtypes.iter().map(|s| s.name.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bank_parses_and_is_rich_enough() {
        for t in PreparationType::ALL {
            let b = bank(t);
            assert_eq!(b.preparation_type, t);
            let total: usize = b.subtypes.iter().map(|s| s.questions.len()).sum();
            assert!(total >= 12, "{t}: only {total} questions");
            assert!(
                b.subtype(Some(&b.default_subtype)).is_ok(),
                "{t}: bad default"
            );
            assert!((3..=10).contains(&b.questions_per_session));
            for s in &b.subtypes {
                assert!(
                    !s.openings.is_empty() && !s.closing.is_empty(),
                    "{t}/{}",
                    s.name
                );
                assert!(
                    s.questions.len() >= b.questions_per_session,
                    "{t}/{}",
                    s.name
                );
                for text in s
                    .openings
                    .iter()
                    .chain(s.questions.iter().flat_map(|q| [&q.ask, &q.short]))
                {
                    let stripped = text.replace("{topic}", "");
                    assert!(
                        !stripped.contains(['{', '}']),
                        "{t}/{}: stray placeholder in {text}",
                        s.name
                    );
                }
            }
        }
        let f = followups();
        assert!(f.context.normal.iter().all(|v| v.contains("{quote}")));
        assert!(!f.acknowledge.challenging.is_empty());
    }

    #[test]
    fn every_drill_parses_and_targets_its_dimension() {
        for d in Dimension::ALL {
            let drill = drill(d);
            assert_eq!(drill.dimension, d, "assets/drills/{d}.toml");
            assert_eq!(drill.subtype.name, format!("drill-{d}"));
            let s = &drill.subtype;
            assert!(
                s.questions.len() >= 8,
                "{d}: {} questions",
                s.questions.len()
            );
            assert!(!s.openings.is_empty() && !s.closing.is_empty(), "{d}");
            assert!(
                !drill.agenda.is_empty() && !drill.suggestion.is_empty(),
                "{d}"
            );
            let questions_per_session = PreparationType::ALL
                .map(|t| bank(t).questions_per_session)
                .into_iter()
                .max()
                .unwrap_or_default();
            assert!(s.questions.len() >= questions_per_session, "{d}");
            for text in s
                .openings
                .iter()
                .chain(s.questions.iter().flat_map(|q| [&q.ask, &q.short]))
                .chain([&s.closing, &drill.agenda, &drill.suggestion])
            {
                // A drill's agenda describes the drill, so `{topic}` would read badly.
                assert!(!text.contains(['{', '}']), "{d}: placeholder in {text}");
            }
            for q in &s.questions {
                assert!(
                    q.short.len() < q.ask.len(),
                    "{d}: short is not shorter: {}",
                    q.short
                );
            }
        }
    }

    #[test]
    fn drill_subtypes_resolve_for_every_type_and_bad_ones_are_refused() {
        for t in PreparationType::ALL {
            let s = subtype(t, Some("drill-engagement")).unwrap();
            assert_eq!(s.name, "drill-engagement");
        }
        assert_eq!(
            drilled_dimension("Drill clarity-structure"),
            Ok(Some(Dimension::ClarityStructure))
        );
        assert_eq!(drilled_dimension("behavioral"), Ok(None));
        let e = subtype(PreparationType::Pitch, Some("drill-charm"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("unknown drill 'drill-charm'") && e.contains("drill-engagement"),
            "{e}"
        );
        assert_eq!(
            subtype(PreparationType::Pitch, None).map(|s| s.name.as_str()),
            Ok("seed")
        );
    }

    #[test]
    fn subtypes_resolve_by_any_spelling() {
        let b = bank(PreparationType::Interview);
        assert_eq!(
            b.subtype(Some("System Design")).map(|s| s.name.as_str()),
            Ok("system-design")
        );
        assert_eq!(
            b.subtype(Some("system_design")).map(|s| s.name.as_str()),
            Ok("system-design")
        );
        let e = b.subtype(Some("behavioural")).unwrap_err().to_string();
        assert!(e.contains("valid: behavioral"), "{e}");
    }
}
