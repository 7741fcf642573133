//! The judge's data: wording (`assets/eval/judge.toml`), fitted weights
//! (`assets/eval/judge_weights.toml`) and rubrics (`assets/eval/rubrics.toml`).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

use super::features::{F, NAMES};
use crate::domain::{Dimension, PreparationType};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wording {
    pub overall: BTreeMap<PreparationType, [f64; 6]>,
    pub notes: BTreeMap<String, String>,
    pub suggestions: BTreeMap<Dimension, String>,
    pub drills: BTreeMap<Dimension, Vec<String>>,
}

/// One dimension's score: `base` plus the sum of weight × feature, clamped to 0..=10.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DimensionWeights {
    pub base: f64,
    pub weights: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    pub clarity_structure: DimensionWeights,
    pub relevance_focus: DimensionWeights,
    pub confidence_delivery: DimensionWeights,
    pub language_quality: DimensionWeights,
    pub tone_alignment: DimensionWeights,
    pub engagement: DimensionWeights,
}

impl Weights {
    pub fn get(&self, d: Dimension) -> &DimensionWeights {
        match d {
            Dimension::ClarityStructure => &self.clarity_structure,
            Dimension::RelevanceFocus => &self.relevance_focus,
            Dimension::ConfidenceDelivery => &self.confidence_delivery,
            Dimension::LanguageQuality => &self.language_quality,
            Dimension::ToneAlignment => &self.tone_alignment,
            Dimension::Engagement => &self.engagement,
        }
    }

    pub fn get_mut(&mut self, d: Dimension) -> &mut DimensionWeights {
        match d {
            Dimension::ClarityStructure => &mut self.clarity_structure,
            Dimension::RelevanceFocus => &mut self.relevance_focus,
            Dimension::ConfidenceDelivery => &mut self.confidence_delivery,
            Dimension::LanguageQuality => &mut self.language_quality,
            Dimension::ToneAlignment => &mut self.tone_alignment,
            Dimension::Engagement => &mut self.engagement,
        }
    }

    /// The weights as dense vectors over the features, per dimension.
    pub fn dense(&self) -> [(f64, [f64; F::COUNT]); 6] {
        Dimension::ALL.map(|d| {
            let dw = self.get(d);
            let mut v = [0.0; F::COUNT];
            for (name, w) in &dw.weights {
                if let Some(i) = NAMES.iter().position(|n| n == name) {
                    v[i] = *w;
                }
            }
            (dw.base, v)
        })
    }

    /// Parses a weights file, refusing unknown feature names.
    pub fn parse(text: &str) -> Result<Weights, String> {
        let w: Weights = toml::from_str(text).map_err(|e| e.to_string())?;
        for d in Dimension::ALL {
            for name in w.get(d).weights.keys() {
                if !NAMES.contains(&name.as_str()) {
                    return Err(format!("{d}: unknown feature `{name}`"));
                }
            }
        }
        Ok(w)
    }
}

/// How a rubric item is found.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub detect: Option<String>,
    #[serde(default)]
    pub cues: Vec<String>,
    #[serde(default)]
    pub examples: Vec<String>,
    pub dimensions: Vec<Dimension>,
    pub scope: Scope,
    pub missing: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Answer,
    Session,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rubric {
    #[serde(rename = "type")]
    pub kind: PreparationType,
    #[serde(default)]
    pub subtypes: Vec<String>,
    pub name: String,
    #[serde(default)]
    pub asking: bool,
    pub drills: Vec<String>,
    pub items: Vec<Item>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Rubrics {
    rubric: Vec<Rubric>,
}

// Embedded and covered by tests: a parse failure is a build defect, not a user error.
#[allow(clippy::panic)]
pub static WORDING: LazyLock<Wording> = LazyLock::new(|| {
    toml::from_str(include_str!("../../../assets/eval/judge.toml"))
        .unwrap_or_else(|e| panic!("assets/eval/judge.toml: {e}"))
});

#[allow(clippy::panic)]
pub static WEIGHTS: LazyLock<Weights> = LazyLock::new(|| {
    Weights::parse(include_str!("../../../assets/eval/judge_weights.toml"))
        .unwrap_or_else(|e| panic!("assets/eval/judge_weights.toml: {e}"))
});

#[allow(clippy::panic)]
pub static RUBRICS: LazyLock<Vec<Rubric>> = LazyLock::new(|| {
    toml::from_str::<Rubrics>(include_str!("../../../assets/eval/rubrics.toml"))
        .unwrap_or_else(|e| panic!("assets/eval/rubrics.toml: {e}"))
        .rubric
});

/// The rubric for a session: the one naming its subtype, else its type's general one.
pub fn rubric_for(kind: PreparationType, subtype: Option<&str>) -> Option<&'static Rubric> {
    let sub = subtype.unwrap_or_default();
    RUBRICS
        .iter()
        .find(|r| r.kind == kind && r.subtypes.iter().any(|s| s == sub))
        .or_else(|| {
            RUBRICS
                .iter()
                .find(|r| r.kind == kind && r.subtypes.is_empty())
        })
}

/// A note's wording with its slots filled.
pub fn note(key: &str, slots: &[(&str, &str)]) -> String {
    let mut s = WORDING
        .notes
        .get(key)
        .cloned()
        .unwrap_or_else(|| key.replace('_', " "));
    for (k, v) in slots {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_assets_parse_and_every_type_has_a_rubric() {
        assert_eq!(WORDING.overall.len(), 6);
        let _ = &*WEIGHTS;
        for kind in PreparationType::ALL {
            assert!(rubric_for(kind, None).is_some(), "{kind}");
        }
        assert_eq!(
            rubric_for(PreparationType::Sales, Some("discovery")).map(|r| r.asking),
            Some(true)
        );
        assert_eq!(
            rubric_for(PreparationType::Interview, Some("technical")).map(|r| r.name.as_str()),
            Some("technical interview")
        );
    }

    #[test]
    fn no_star_drill_outside_behavioural_interviews() {
        for r in RUBRICS.iter() {
            let star = r.drills.iter().any(|d| d.contains("STAR"));
            assert_eq!(
                star,
                r.name == "behavioral interview",
                "{}: {:?}",
                r.name,
                r.drills
            );
        }
        for drills in WORDING.drills.values() {
            assert!(drills.iter().all(|d| !d.contains("STAR")));
        }
    }
}
