//! The LLM judge: asks a model for an evaluation as JSON, checks it, and falls back to the
//! heuristic evaluator (with a visible notice) when the model cannot produce a valid one.
//!
//! The judge sees the heuristic's measured features and must quote evidence verbatim; quotes
//! that are not in the user's messages are dropped. It asks for JSON with a JSON schema where the
//! server supports `response_format`, else JSON mode, else plain text from which the first JSON
//! object is extracted; an invalid answer gets one repair request with the validation error.

use serde::Deserialize;

use super::heuristic::{HeuristicEvaluator, overall_of};
use super::{EvalError, EvalInput, Evaluator};
use crate::coach::Cancel;
use crate::coach::llm::estimate_tokens;
use crate::domain::{
    Assessment, Dimension, EvaluatorInfo, Evidence, ImprovementArea, Priority, Role as Speaker,
    Scores, round_score,
};
use crate::llm::{BlockingClient, ChatRequest, LlmError, Message, ResponseFormat, Role};

const TEMPLATE: &str = include_str!("../../assets/prompts/judge.md");
/// The longest verdict asked for; a small context window gets 3/8 of it at most (a verdict
/// takes some 400–800 tokens).
const MAX_TOKENS: u32 = 1200;

pub struct LlmJudge {
    client: BlockingClient,
    model: String,
    /// Tokens for the prompt (instructions, features and transcript), and for the verdict.
    budget: usize,
    max_tokens: u32,
    /// The built-in judge: its analysis goes into the prompt, and it answers when the model
    /// cannot.
    fallback: HeuristicEvaluator,
}

impl LlmJudge {
    /// `context_window` is the model's context in tokens, which prompt and verdict share.
    pub fn new(client: BlockingClient, model: String, context_window: usize) -> Self {
        let max_tokens = MAX_TOKENS.min((context_window * 3 / 8) as u32);
        LlmJudge {
            client,
            model,
            budget: context_window.saturating_sub(max_tokens as usize),
            max_tokens,
            fallback: HeuristicEvaluator::lexical(),
        }
    }

    /// Uses this built-in judge (the one with the embedding model, say) for the analysis and as
    /// the fallback.
    pub fn with_fallback(mut self, fallback: HeuristicEvaluator) -> Self {
        self.fallback = fallback;
        self
    }
}

/// What the model must answer (the Evaluation shape without ids and overall score, which the
/// judge computes itself with the type's weights).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Verdict {
    scores: RawScores,
    summary: String,
    strengths: Vec<String>,
    improvement_areas: Vec<RawArea>,
    practice_suggestions: Vec<String>,
    evidence: Vec<RawEvidence>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScores {
    clarity_structure: f64,
    relevance_focus: f64,
    confidence_delivery: f64,
    language_quality: f64,
    tone_alignment: f64,
    engagement: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArea {
    dimension: String,
    suggestion: String,
    priority: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvidence {
    dimension: String,
    quote: String,
    note: String,
}

/// The JSON schema of [`Verdict`], for `response_format` (strict: every field required).
pub fn schema() -> serde_json::Value {
    let dims: Vec<&str> = Dimension::ALL.iter().map(|d| d.as_str()).collect();
    let score = serde_json::json!({"type": "number", "minimum": 0, "maximum": 10});
    let strings = serde_json::json!({"type": "array", "items": {"type": "string"}});
    let mut score_props = serde_json::Map::new();
    for d in &dims {
        score_props.insert((*d).to_string(), score.clone());
    }
    serde_json::json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["scores", "summary", "strengths", "improvement_areas", "practice_suggestions", "evidence"],
        "properties": {
            "scores": {"type": "object", "additionalProperties": false, "required": dims, "properties": score_props},
            "summary": {"type": "string"},
            "strengths": strings,
            "improvement_areas": {"type": "array", "items": {
                "type": "object", "additionalProperties": false,
                "required": ["dimension", "suggestion", "priority"],
                "properties": {
                    "dimension": {"type": "string", "enum": dims},
                    "suggestion": {"type": "string"},
                    "priority": {"type": "string", "enum": ["high", "medium", "low"]}
                }
            }},
            "practice_suggestions": strings,
            "evidence": {"type": "array", "items": {
                "type": "object", "additionalProperties": false,
                "required": ["dimension", "quote", "note"],
                "properties": {
                    "dimension": {"type": "string", "enum": dims},
                    "quote": {"type": "string"},
                    "note": {"type": "string"}
                }
            }}
        }
    })
}

/// A quote of at most 16 words for the prompt (the judge reads the transcript itself).
fn short_quote(q: &str) -> String {
    let words: Vec<&str> = q.split_whitespace().collect();
    if words.len() <= 16 {
        q.to_string()
    } else {
        format!("{} …", words[..16].join(" "))
    }
}

/// The conversation asking for a verdict, fitted to `budget` tokens: when the whole transcript
/// does not fit, the opening question and as many of the latest messages as fit (never fewer
/// than the last two) are sent, with a line saying how many were left out.
pub fn messages(input: &EvalInput<'_>, heuristic: &Assessment, budget: usize) -> Vec<Message> {
    let persona = crate::coach::llm::persona(input.preparation_type.as_str());
    let mut features = String::new();
    for d in Dimension::ALL {
        let ev = heuristic.evidence.iter().find(|e| e.dimension == d);
        features.push_str(&format!(
            "- {}: measured {:.1}/10{}\n",
            d.as_str(),
            heuristic.universal_scores.get(d),
            ev.map(|e| format!(" — {} (\"{}\")", e.note, short_quote(&e.quote)))
                .unwrap_or_default()
        ));
    }
    // The rubric and the weakest answers' analysis, when the model's context leaves room.
    let mut extra = String::new();
    if let Some(r) =
        crate::eval::heuristic::config::rubric_for(input.preparation_type, input.meeting_subtype)
    {
        extra.push_str(&format!(
            "Rubric for a {}: {}.\n",
            r.name,
            r.items
                .iter()
                .map(|i| i.label.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    // The weakest answers only: the prompt must fit small context windows.
    let mut weakest: Vec<&crate::domain::AnswerResult> = heuristic.answers.iter().collect();
    weakest.sort_by(|a, b| {
        a.overall
            .total_cmp(&b.overall)
            .then(a.number.cmp(&b.number))
    });
    weakest.truncate(3);
    weakest.sort_by_key(|a| a.number);
    for a in weakest {
        extra.push_str(&format!(
            "- answer {}: measured {:.1}/10, relevance {:.2}{}{}{}\n",
            a.number,
            a.overall,
            a.relevance,
            if a.rubric_found.is_empty() {
                String::new()
            } else {
                format!("; has {}", a.rubric_found.join(", "))
            },
            if a.rubric_missing.is_empty() {
                String::new()
            } else {
                format!("; lacks {}", a.rubric_missing.join(", "))
            },
            if a.flags.is_empty() {
                String::new()
            } else {
                format!("; {}", a.flags.join(", "))
            },
        ));
    }
    if estimate_tokens(&features) + estimate_tokens(&extra) + estimate_tokens(TEMPLATE)
        <= budget / 2
    {
        features.push_str(&extra);
    }
    let tone_hint = input
        .tone
        .filter(|t| !t.trim().is_empty())
        .map(|t| format!(" and the requested tone ({})", t.trim()))
        .unwrap_or_default();
    let system = TEMPLATE
        .replace("{occasion}", &persona.occasion)
        .replace("{tone_hint}", &tone_hint)
        .replace("{features}", features.trim_end());
    let mut transcript = format!("Setup: {}", input.preparation_type);
    if let Some(s) = input.meeting_subtype {
        transcript.push_str(&format!(" ({s})"));
    }
    if let Some(a) = input.agenda.filter(|a| !a.trim().is_empty()) {
        transcript.push_str(&format!("\nAgenda: {}", a.trim()));
    }
    transcript.push_str("\n\nTranscript:\n");
    let line = |m: &crate::domain::ChatMessage| {
        let who = match m.role {
            Speaker::Ai => "COUNTERPART",
            Speaker::User => "USER",
        };
        format!("[{who}] {}\n", m.content.trim())
    };
    let lines: Vec<String> = input.transcript.iter().map(line).collect();
    const ASK: &str = "\nEvaluate the USER now, as the JSON object described.";
    let mut used = estimate_tokens(&system) + estimate_tokens(&transcript) + estimate_tokens(ASK);
    // The first line always; then the newest that fit, back to front.
    let mut keep = 0;
    if let Some((first, rest)) = lines.split_first() {
        used += estimate_tokens(first);
        for l in rest.iter().rev() {
            let cost = estimate_tokens(l);
            if keep >= 2 && used + cost > budget {
                break;
            }
            used += cost;
            keep += 1;
        }
        transcript.push_str(first);
        let left_out = rest.len() - keep;
        if left_out > 0 {
            transcript.push_str(&format!(
                "[… {left_out} earlier messages are left out to fit the model's context …]\n"
            ));
        }
        for l in &rest[rest.len() - keep..] {
            transcript.push_str(l);
        }
    }
    transcript.push_str(ASK);
    vec![
        Message {
            role: Role::System,
            content: system,
        },
        Message {
            role: Role::User,
            content: transcript,
        },
    ]
}

/// The first balanced `{…}` in `text` (models wrap JSON in prose or code fences).
pub fn extract_json(text: &str) -> Option<&str> {
    let start = text.find('{')?;
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text[start..].char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '{' if !in_string => depth += 1,
            '}' if !in_string => {
                depth -= 1;
                if depth == 0 {
                    return Some(&text[start..start + i + 1]);
                }
            }
            _ => {}
        }
    }
    None
}

/// Lower-cased words, for finding a quote in the transcript whatever the spacing and case.
fn words(s: &str) -> String {
    s.split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Parses and checks a verdict; the error says what to fix, for the repair request.
fn validate(text: &str, input: &EvalInput<'_>, model: &str) -> Result<Assessment, String> {
    let json = extract_json(text).ok_or("the answer contains no JSON object")?;
    let v: Verdict = serde_json::from_str(json).map_err(|e| format!("invalid JSON: {e}"))?;
    let raw = [
        v.scores.clarity_structure,
        v.scores.relevance_focus,
        v.scores.confidence_delivery,
        v.scores.language_quality,
        v.scores.tone_alignment,
        v.scores.engagement,
    ];
    if let Some(bad) = raw
        .iter()
        .find(|s| !(0.0..=10.0).contains(*s) || s.is_nan())
    {
        return Err(format!("score {bad} is outside 0.0..10.0"));
    }
    let dimension = |name: &str| {
        name.parse::<Dimension>()
            .map_err(|_| format!("'{name}' is not one of the six dimension names"))
    };
    let nonempty = |list: Vec<String>| -> Vec<String> {
        list.into_iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let summary = v.summary.trim().to_string();
    if summary.is_empty() {
        return Err("the summary is empty".into());
    }
    let strengths = nonempty(v.strengths);
    if strengths.is_empty() {
        return Err("give at least one strength".into());
    }
    let scores = Scores::from_array(raw).rounded();
    let mut improvement_areas = Vec::new();
    for a in v.improvement_areas {
        let d = dimension(&a.dimension)?;
        let priority = match a.priority.trim().to_ascii_lowercase().as_str() {
            "high" => Priority::High,
            "medium" => Priority::Medium,
            "low" => Priority::Low,
            other => return Err(format!("priority '{other}' is not high, medium or low")),
        };
        if a.suggestion.trim().is_empty() {
            continue;
        }
        improvement_areas.push(ImprovementArea {
            dimension: d,
            current_level: scores.get(d),
            suggestion: a.suggestion.trim().to_string(),
            priority,
        });
    }
    if improvement_areas.is_empty() {
        return Err("give at least one improvement area".into());
    }
    // Evidence must be the user's own words: anything else is dropped, not trusted.
    let said: Vec<String> = input
        .transcript
        .iter()
        .filter(|m| m.role == Speaker::User)
        .map(|m| words(&m.content))
        .collect();
    let mut evidence = Vec::new();
    for e in v.evidence {
        let d = dimension(&e.dimension)?;
        let q = words(&e.quote);
        if q.split(' ').count() >= 2 && said.iter().any(|s| s.contains(&q)) {
            evidence.push(Evidence {
                dimension: d,
                quote: e.quote.trim().to_string(),
                note: e.note.trim().to_string(),
            });
        } else {
            tracing::debug!(dimension = %d, "judge quote not found in the transcript; dropped");
        }
    }
    Ok(Assessment {
        overall_score: overall_of(input.preparation_type, raw.map(round_score)),
        universal_scores: scores,
        summary,
        strengths,
        improvement_areas,
        practice_suggestions: nonempty(v.practice_suggestions),
        evidence,
        evaluator: EvaluatorInfo {
            engine: "llm".into(),
            model: Some(model.to_string()),
        },
        answers: Vec::new(),
        notice: None,
    })
}

/// Whether a failed request means "this server does not support that response_format".
fn unsupported_format(e: &LlmError) -> bool {
    // llama.cpp answers a request it cannot handle with 500 rather than 400.
    matches!(e.status(), Some(400 | 422 | 500 | 501)) && !e.is_context_overflow()
}

impl LlmJudge {
    /// Asks with the strictest response format the server accepts.
    fn ask(&self, messages: &[Message], cancel: &Cancel) -> Result<(String, String), LlmError> {
        let formats = [
            Some(ResponseFormat::JsonSchema {
                name: "evaluation".into(),
                schema: schema(),
            }),
            Some(ResponseFormat::JsonObject),
            None,
        ];
        let mut last = None;
        for format in formats {
            let req = ChatRequest {
                messages: messages.to_vec(),
                max_tokens: Some(self.max_tokens),
                temperature: Some(0.2),
                response_format: format,
            };
            match self.client.complete(&req, cancel) {
                Ok(done) => return Ok((done.text, done.model)),
                Err(e) if unsupported_format(&e) => {
                    tracing::debug!(status = ?e.status(), "response_format refused; trying a looser one");
                    last = Some(e);
                }
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or(LlmError::Cancelled))
    }
}

impl Evaluator for LlmJudge {
    fn evaluate(&self, input: &EvalInput<'_>) -> Result<Assessment, EvalError> {
        let heuristic = self.fallback.evaluate(input)?;
        let fallback = |why: String| {
            let mut a = heuristic.clone();
            a.notice = Some(format!(
                "the LLM judge ({}) {why}; this evaluation is the built-in heuristic one",
                self.model
            ));
            Ok(a)
        };
        let cancel = Cancel::default();
        let mut messages = messages(input, &heuristic, self.budget);
        let (text, model) = match self.ask(&messages, &cancel) {
            Ok(answer) => answer,
            Err(e) => return fallback(format!("failed: {e}")),
        };
        // The verdict is the model's; the per-answer results stay the built-in analysis's.
        let with_answers = |mut a: Assessment| {
            a.answers = heuristic.answers.clone();
            Ok(a)
        };
        let error = match validate(&text, input, &model) {
            Ok(a) => return with_answers(a),
            Err(error) => error,
        };
        tracing::info!(%error, "judge answer invalid; asking once more");
        messages.push(Message {
            role: Role::Assistant,
            content: text,
        });
        messages.push(Message {
            role: Role::User,
            content: format!(
                "That answer is not valid: {error}. Reply with only the corrected JSON object."
            ),
        });
        match self.ask(&messages, &cancel) {
            Ok((text, model)) => match validate(&text, input, &model) {
                Ok(a) => with_answers(a),
                Err(e) => fallback(format!("gave invalid JSON twice ({e})")),
            },
            Err(e) => fallback(format!("failed: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ChatMessage, PreparationType};
    use uuid::Uuid;

    fn transcript() -> Vec<ChatMessage> {
        let now = crate::domain::now();
        let m = |role, content: &str| ChatMessage {
            message_id: Uuid::now_v7(),
            role,
            content: content.into(),
            timestamp: now,
        };
        vec![
            m(Speaker::Ai, "Tell me about a project you led."),
            m(
                Speaker::User,
                "I led the migration of our billing system to Postgres and cut costs by 30 percent.",
            ),
        ]
    }

    fn input(t: &[ChatMessage]) -> EvalInput<'_> {
        EvalInput {
            preparation_type: PreparationType::Interview,
            meeting_subtype: None,
            agenda: None,
            tone: None,
            role_context: None,
            transcript: t,
        }
    }

    const GOOD: &str = r#"Here you go:
```json
{"scores": {"clarity_structure": 7.25, "relevance_focus": 8, "confidence_delivery": 6.5,
  "language_quality": 7, "tone_alignment": 7, "engagement": 5},
 "summary": "Clear and concrete.", "strengths": ["Numbers {with braces}"],
 "improvement_areas": [{"dimension": "engagement", "suggestion": "Ask a question back.", "priority": "High"}],
 "practice_suggestions": ["Ask one question per answer."],
 "evidence": [{"dimension": "language_quality", "quote": "cut costs by 30  Percent", "note": "a number"},
              {"dimension": "engagement", "quote": "I asked the CFO for a budget", "note": "invented"}]}
```"#;

    #[test]
    fn a_good_verdict_is_accepted_and_invented_quotes_dropped() {
        let t = transcript();
        let a = validate(GOOD, &input(&t), "m").unwrap();
        assert_eq!(a.universal_scores.clarity_structure, 7.3);
        assert_eq!(a.evaluator.engine, "llm");
        assert_eq!(a.evidence.len(), 1, "the invented quote is dropped");
        assert_eq!(a.improvement_areas[0].priority, Priority::High);
        assert_eq!(a.improvement_areas[0].current_level, 5.0);
        assert!(a.overall_score > 5.0 && a.overall_score < 8.0);
    }

    #[test]
    fn invalid_verdicts_say_what_is_wrong() {
        let t = transcript();
        let i = input(&t);
        assert!(
            validate("no json here", &i, "m")
                .unwrap_err()
                .contains("no JSON")
        );
        let out_of_range = GOOD.replace("\"engagement\": 5}", "\"engagement\": 12}");
        assert!(
            validate(&out_of_range, &i, "m")
                .unwrap_err()
                .contains("outside")
        );
        let bad_dim = GOOD.replace(
            "\"dimension\": \"engagement\", \"suggestion\"",
            "\"dimension\": \"charisma\", \"suggestion\"",
        );
        assert!(
            validate(&bad_dim, &i, "m")
                .unwrap_err()
                .contains("charisma")
        );
        let missing = GOOD.replace("\"summary\": \"Clear and concrete.\", ", "");
        assert!(validate(&missing, &i, "m").unwrap_err().contains("summary"));
    }

    #[test]
    fn json_is_found_inside_prose_and_fences() {
        assert_eq!(extract_json("x {\"a\": \"}\"} y"), Some("{\"a\": \"}\"}"));
        assert_eq!(
            extract_json("{\"a\": {\"b\": 1}} tail"),
            Some("{\"a\": {\"b\": 1}}")
        );
        assert_eq!(extract_json("{unclosed"), None);
    }

    #[test]
    fn a_long_transcript_is_fitted_to_the_context() {
        let mut t = transcript();
        for i in 0..60 {
            let mut pair = transcript();
            pair[1].content = format!("Answer {i}: {}", "we measured the impact ".repeat(20));
            t.extend(pair);
        }
        let heuristic = HeuristicEvaluator::lexical().evaluate(&input(&t)).unwrap();
        let text = |m: &[Message]| m.iter().map(|m| m.content.as_str()).collect::<String>();
        // Plenty of room: every message, nothing said about leaving some out.
        let whole = messages(&input(&t), &heuristic, 1_000_000);
        assert!(text(&whole).contains("[USER] Answer 0:") && !text(&whole).contains("left out"));
        // A 2,048-token model with a 768-token verdict: the opening and the latest answers fit.
        let judge_budget = 2048 - 768;
        let fitted = messages(&input(&t), &heuristic, judge_budget);
        let sent = text(&fitted);
        let cost: usize = fitted.iter().map(|m| estimate_tokens(&m.content)).sum();
        assert!(cost <= judge_budget, "{cost} tokens");
        assert!(
            sent.contains("Tell me about a project you led."),
            "the opening stays"
        );
        assert!(sent.contains("Answer 59:"), "the latest answer stays");
        assert!(!sent.contains("[USER] Answer 0:"));
        assert!(sent.contains("earlier messages are left out"));
        // Never fewer than the last two messages, however small the budget.
        let tiny = text(&messages(&input(&t), &heuristic, 10));
        assert!(tiny.contains("[USER] Answer 59:") && !tiny.contains("[USER] Answer 58:"));
    }

    #[test]
    fn the_schema_names_every_dimension() {
        let s = schema().to_string();
        for d in Dimension::ALL {
            assert!(s.contains(d.as_str()));
        }
    }
}
