//! Loading the labelled judge data and scoring it, for the lexical and semantic quality tests.
#![allow(dead_code, clippy::unwrap_used)]

use prapp::domain::{self, Assessment, ChatMessage, PreparationType, Role};
use prapp::eval::EvalInput;
use prapp::eval::heuristic::evaluate_with;
use prapp::semantic::Embeddings;

pub const GOOD: &str = "Last year I led the migration of our billing platform to a new provider. First, I mapped every integration and agreed a cut-over plan with finance. Then I ran two dry runs. As a result we moved 40,000 accounts in one weekend with no failed invoices, and costs fell by 18 percent.";

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/judge");

pub fn msg(role: Role, content: &str) -> ChatMessage {
    ChatMessage {
        message_id: uuid::Uuid::nil(),
        role,
        content: content.into(),
        timestamp: domain::now(),
    }
}

pub fn transcript(turns: &[(&str, &str)]) -> Vec<ChatMessage> {
    turns
        .iter()
        .flat_map(|(q, a)| [msg(Role::Ai, q), msg(Role::User, a)])
        .collect()
}

pub fn judge(t: &[ChatMessage], emb: Option<&Embeddings<'_>>) -> Assessment {
    judge_as(t, "interview", Some("behavioral"), emb)
}

pub fn judge_as(
    t: &[ChatMessage],
    kind: &str,
    subtype: Option<&str>,
    emb: Option<&Embeddings<'_>>,
) -> Assessment {
    evaluate_with(
        &EvalInput {
            preparation_type: kind.parse().unwrap(),
            meeting_subtype: subtype,
            agenda: Some("Practice session"),
            tone: Some("neutral"),
            role_context: None,
            transcript: t,
        },
        emb,
    )
    .unwrap()
}

fn table(file: &str) -> toml::Table {
    toml::from_str(&std::fs::read_to_string(format!("{DIR}/{file}")).unwrap()).unwrap()
}

fn s(t: &toml::Table, k: &str) -> String {
    t.get(k)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

pub struct Setup {
    pub kind: PreparationType,
    pub subtype: String,
    pub tone: String,
    pub agenda: String,
}

fn setup(t: &toml::Table) -> Setup {
    Setup {
        kind: s(t, "preparation_type").parse().unwrap(),
        subtype: s(t, "subtype"),
        tone: s(t, "tone"),
        agenda: s(t, "agenda"),
    }
}

pub fn score(
    setup: &Setup,
    turns: &[(String, String)],
    emb: Option<&Embeddings<'_>>,
) -> Assessment {
    let t: Vec<ChatMessage> = turns
        .iter()
        .flat_map(|(q, a)| [msg(Role::Ai, q), msg(Role::User, a)])
        .collect();
    evaluate_with(
        &EvalInput {
            preparation_type: setup.kind,
            meeting_subtype: Some(&setup.subtype),
            agenda: Some(&setup.agenda),
            tone: Some(&setup.tone),
            role_context: None,
            transcript: &t,
        },
        emb,
    )
    .unwrap()
}

pub struct Pair {
    pub id: String,
    pub dimension: domain::Dimension,
    pub setup: Setup,
    pub question: String,
    pub better: String,
    pub worse: String,
}

pub fn load_pairs(file: &str) -> Vec<Pair> {
    table(file)["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let p = p.as_table().unwrap();
            Pair {
                id: s(p, "id"),
                dimension: s(p, "dimension").parse().unwrap(),
                setup: setup(p),
                question: s(p, "question"),
                better: s(p, "better"),
                worse: s(p, "worse"),
            }
        })
        .collect()
}

pub struct Accuracy {
    pub dimension: f64,
    pub overall: f64,
    pub n: usize,
    pub misses: Vec<String>,
}

impl Accuracy {
    pub fn describe(&self) -> String {
        format!(
            "pair accuracy: dimension {:.1}%, overall {:.1}% over {} pairs; misses: {:#?}",
            self.dimension * 100.0,
            self.overall * 100.0,
            self.n,
            self.misses
        )
    }
}

pub fn pair_accuracy(pairs: &[Pair], emb: Option<&Embeddings<'_>>) -> Accuracy {
    let (mut dim_ok, mut overall_ok) = (0, 0);
    let mut misses = Vec::new();
    for p in pairs {
        let b = score(&p.setup, &[(p.question.clone(), p.better.clone())], emb);
        let w = score(&p.setup, &[(p.question.clone(), p.worse.clone())], emb);
        let d = p.dimension;
        if b.universal_scores.get(d) > w.universal_scores.get(d) {
            dim_ok += 1;
        } else {
            misses.push(format!(
                "{} {d}: {:.1} <= {:.1}",
                p.id,
                b.universal_scores.get(d),
                w.universal_scores.get(d)
            ));
        }
        if b.overall_score > w.overall_score {
            overall_ok += 1;
        } else {
            misses.push(format!(
                "{} overall: {:.1} <= {:.1}",
                p.id, b.overall_score, w.overall_score
            ));
        }
    }
    let n = pairs.len().max(1) as f64;
    Accuracy {
        dimension: dim_ok as f64 / n,
        overall: overall_ok as f64 / n,
        n: pairs.len(),
        misses,
    }
}

pub struct GameResult {
    pub id: String,
    pub honest: f64,
    pub gamed: f64,
}

pub fn gaming(emb: Option<&Embeddings<'_>>) -> Vec<GameResult> {
    table("gaming.toml")["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let c = c.as_table().unwrap();
            let list = |k: &str| -> Vec<String> {
                c[k].as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_str().unwrap().to_string())
                    .collect()
            };
            let qs = list("questions");
            let su = setup(c);
            let h: Vec<(String, String)> = qs.iter().cloned().zip(list("honest")).collect();
            let g: Vec<(String, String)> = qs.iter().cloned().zip(list("gamed")).collect();
            GameResult {
                id: s(c, "id"),
                honest: score(&su, &h, emb).overall_score,
                gamed: score(&su, &g, emb).overall_score,
            }
        })
        .collect()
}

pub struct SessionResult {
    pub id: String,
    pub label: String,
    pub overall: f64,
    pub tone: f64,
}

pub fn sessions(emb: Option<&Embeddings<'_>>) -> Vec<SessionResult> {
    table("sessions.toml")["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let c = c.as_table().unwrap();
            let turns: Vec<(String, String)> = c["turns"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| {
                    let t = t.as_table().unwrap();
                    (s(t, "question"), s(t, "answer"))
                })
                .collect();
            let a = score(&setup(c), &turns, emb);
            SessionResult {
                id: s(c, "id"),
                label: s(c, "label"),
                overall: a.overall_score,
                tone: a.universal_scores.tone_alignment,
            }
        })
        .collect()
}
