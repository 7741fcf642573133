//! The question banks and reaction templates in `assets/`, embedded in the binary and parsed once.

use std::sync::LazyLock;

use serde::Deserialize;

use crate::domain::{PreparationType, UnknownValue};

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
    pub star_task: Variants,
    pub star_action: Variants,
    pub star_result: Variants,
    pub too_short: Variants,
    pub off_topic: Variants,
    pub hedging: Variants,
    pub acknowledge: Variants,
    pub after_close: Variants,
    pub context: Variants,
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
