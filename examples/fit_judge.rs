//! Fits and checks the built-in judge's weights on the labelled data in tests/fixtures/judge/.
//!
//! ```sh
//! cargo run --release --example fit_judge -- check [MODEL_DIR]   # accuracy, train and held-out
//! cargo run --release --example fit_judge -- fit [MODEL_DIR]     # rewrites assets/eval/judge_weights.toml
//! ```
//!
//! The training part is `pairs_train.toml`, the older `eval_pairs.toml`, and the odd-numbered
//! cases of `gaming.toml` and `sessions.toml`; `pairs_heldout.toml` and the even-numbered ones
//! are never used by `fit`. Each dimension's score is `base + Σ w·feature`: the fit keeps every
//! weight's sign as written by hand (a hedge never helps) and moves its size to satisfy, with
//! hinge losses, (1) the better answer of a pair beats the worse on its dimension and overall,
//! (2) an honest session beats its gamed copy overall by a margin, (3) excellent sessions land
//! at 8.3 or more and poor ones at 3.7 or less, rude ones low on tone; with an L2 pull towards
//! the hand-set weights so that no weight runs away. With MODEL_DIR (a folder holding the
//! all-MiniLM-L6-v2 files) the features are the semantic ones.
#![allow(clippy::unwrap_used, clippy::needless_range_loop)]

use prapp::domain::{ChatMessage, Dimension, PreparationType, Role};
use prapp::eval::EvalInput;
use prapp::eval::heuristic::config::{WEIGHTS, Weights};
use prapp::eval::heuristic::features::{F, NAMES};
use prapp::eval::heuristic::{AnswerScores, overall_of, score_answers, scoring};
use prapp::semantic::{Embeddings, MiniLm};

const DIR: &str = "tests/fixtures/judge";

struct Setup {
    kind: PreparationType,
    subtype: String,
    tone: String,
    agenda: String,
}

struct Pair {
    id: String,
    dimension: Dimension,
    kind: PreparationType,
    heldout: bool,
    semantic: bool,
    better: Vec<AnswerScores>,
    worse: Vec<AnswerScores>,
}

struct Case {
    id: String,
    kind: PreparationType,
    heldout: bool,
    honest: Vec<AnswerScores>,
    gamed: Vec<AnswerScores>,
}

struct Sess {
    id: String,
    label: String,
    kind: PreparationType,
    heldout: bool,
    answers: Vec<AnswerScores>,
}

fn msg(role: Role, c: &str) -> ChatMessage {
    ChatMessage {
        message_id: uuid::Uuid::nil(),
        role,
        content: c.into(),
        timestamp: prapp::domain::now(),
    }
}

fn analyse(s: &Setup, qa: &[(String, String)], emb: Option<&Embeddings<'_>>) -> Vec<AnswerScores> {
    let mut t = Vec::new();
    for (q, a) in qa {
        t.push(msg(Role::Ai, q));
        t.push(msg(Role::User, a));
    }
    let input = EvalInput {
        preparation_type: s.kind,
        meeting_subtype: Some(&s.subtype),
        agenda: Some(&s.agenda),
        tone: Some(&s.tone),
        role_context: None,
        transcript: &t,
    };
    score_answers(&input, emb)
}

fn text(t: &toml::Table, k: &str) -> String {
    t.get(k)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

fn setup(t: &toml::Table) -> Setup {
    Setup {
        kind: text(t, "preparation_type").parse().unwrap(),
        subtype: text(t, "subtype"),
        tone: text(t, "tone"),
        agenda: text(t, "agenda"),
    }
}

fn load(file: &str) -> toml::Table {
    toml::from_str(&std::fs::read_to_string(file).unwrap()).unwrap()
}

fn pairs(file: &str, heldout: bool, emb: Option<&Embeddings<'_>>) -> Vec<Pair> {
    let v = load(file);
    v["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let p = p.as_table().unwrap();
            let s = setup(p);
            let q = text(p, "question");
            Pair {
                id: text(p, "id"),
                dimension: text(p, "dimension").parse().unwrap(),
                kind: s.kind,
                heldout,
                semantic: emb.is_some(),
                better: analyse(&s, &[(q.clone(), text(p, "better"))], emb),
                worse: analyse(&s, &[(q, text(p, "worse"))], emb),
            }
        })
        .collect()
}

fn cases(emb: Option<&Embeddings<'_>>) -> Vec<Case> {
    let v = load(&format!("{DIR}/gaming.toml"));
    v["cases"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let c = c.as_table().unwrap();
            let s = setup(c);
            let list = |k: &str| -> Vec<String> {
                c[k].as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_str().unwrap().to_string())
                    .collect()
            };
            let qs = list("questions");
            let h: Vec<(String, String)> = qs.iter().cloned().zip(list("honest")).collect();
            let g: Vec<(String, String)> = qs.iter().cloned().zip(list("gamed")).collect();
            Case {
                id: text(c, "id"),
                kind: s.kind,
                heldout: i % 2 == 0,
                honest: analyse(&s, &h, emb),
                gamed: analyse(&s, &g, emb),
            }
        })
        .collect()
}

fn sessions(emb: Option<&Embeddings<'_>>) -> Vec<Sess> {
    let v = load(&format!("{DIR}/sessions.toml"));
    v["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let c = c.as_table().unwrap();
            let s = setup(c);
            let turns: Vec<(String, String)> = c["turns"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| {
                    let t = t.as_table().unwrap();
                    (text(t, "question"), text(t, "answer"))
                })
                .collect();
            Sess {
                id: text(c, "id"),
                label: text(c, "label"),
                kind: s.kind,
                heldout: i % 2 == 0,
                answers: analyse(&s, &turns, emb),
            }
        })
        .collect()
}

type Dense = [(f64, [f64; F::COUNT]); 6];

/// One answer's capped scores under `w`, and which dimensions were not capped or clamped
/// (those are the ones a weight can move).
fn answer_scores(a: &AnswerScores, w: &Dense) -> ([f64; 6], [bool; 6]) {
    let raw: Vec<f64> = w
        .iter()
        .map(|(b, ws)| {
            b + ws
                .iter()
                .zip(a.features.iter())
                .map(|(x, y)| x * y)
                .sum::<f64>()
        })
        .map(|s| 5.5 + scoring::SPREAD * (s - 5.5))
        .collect();
    let mut s = scoring::linear(&a.features, w);
    scoring::limits(&a.analysis, &a.features, &mut s);
    let mut free = [false; 6];
    for d in 0..6 {
        free[d] = (raw[d] - s[d]).abs() < 1e-9;
    }
    (s, free)
}

/// A session's six scores and overall.
fn session_scores(answers: &[AnswerScores], kind: PreparationType, w: &Dense) -> ([f64; 6], f64) {
    let mut avg = [0.0; 6];
    for a in answers {
        let (s, _) = answer_scores(a, w);
        for d in 0..6 {
            avg[d] += s[d] / answers.len() as f64;
        }
    }
    (avg, overall_of(kind, avg))
}

fn overall_weights(kind: PreparationType) -> [f64; 6] {
    let w = prapp::eval::heuristic::overall_weights(kind, [10.0; 6]);
    let sum: f64 = w.iter().sum();
    w.map(|x| x / sum)
}

/// Adds `scale` × d(score of dimension `d` of the session)/dw to `grad`.
fn add_grad(
    grad: &mut Dense,
    answers: &[AnswerScores],
    w: &Dense,
    dims: &[(usize, f64)],
    scale: f64,
) {
    let n = answers.len() as f64;
    for a in answers {
        let (_, free) = answer_scores(a, w);
        for &(d, k) in dims {
            if !free[d] {
                continue;
            }
            grad[d].0 += scale * k / n;
            for (g, f) in grad[d].1.iter_mut().zip(a.features.iter()) {
                *g += scale * k * f / n;
            }
        }
    }
}

struct Report {
    dim: (usize, usize),
    overall: (usize, usize),
    misses: Vec<String>,
}

fn check_pairs_ref(pairs: &[&Pair], w: &Dense, heldout: bool) -> Report {
    let mut r = Report {
        dim: (0, 0),
        overall: (0, 0),
        misses: Vec::new(),
    };
    for p in pairs.iter().filter(|p| p.heldout == heldout) {
        let (bs, bo) = session_scores(&p.better, p.kind, w);
        let (ws, wo) = session_scores(&p.worse, p.kind, w);
        let d = p.dimension.index();
        r.dim.1 += 1;
        r.overall.1 += 1;
        let br = (bs[d] * 10.0).round();
        let wr = (ws[d] * 10.0).round();
        if br > wr {
            r.dim.0 += 1;
        } else {
            r.misses.push(format!(
                "{} {}: {:.1} <= {:.1}",
                p.id, p.dimension, bs[d], ws[d]
            ));
        }
        if bo > wo {
            r.overall.0 += 1;
        } else {
            r.misses
                .push(format!("{} overall: {bo:.1} <= {wo:.1}", p.id));
        }
    }
    r
}

fn print_check(pairs: &[Pair], cases: &[Case], sess: &[Sess], w: &Dense) {
    for (heldout, semantic) in [(false, true), (true, true), (false, false), (true, false)] {
        if !pairs.iter().any(|p| p.semantic == semantic) {
            continue;
        }
        let only: Vec<&Pair> = pairs.iter().filter(|p| p.semantic == semantic).collect();
        let r = check_pairs_ref(&only, w, heldout);
        print!("{} ", if semantic { "semantic" } else { "lexical" });
        println!(
            "{} pairs: dimension {}/{} ({:.1}%), overall {}/{} ({:.1}%)",
            if heldout { "held-out" } else { "training" },
            r.dim.0,
            r.dim.1,
            100.0 * r.dim.0 as f64 / r.dim.1.max(1) as f64,
            r.overall.0,
            r.overall.1,
            100.0 * r.overall.0 as f64 / r.overall.1.max(1) as f64
        );
        for m in &r.misses {
            println!("  miss {m}");
        }
    }
    let mut gamed_wins = 0;
    for c in cases {
        let (_, ho) = session_scores(&c.honest, c.kind, w);
        let (_, go) = session_scores(&c.gamed, c.kind, w);
        let mark = if go >= ho { "  <-- GAMED WINS" } else { "" };
        if go >= ho {
            gamed_wins += 1;
        }
        println!(
            "gaming {:<32} {} honest {ho:.1} gamed {go:.1}{mark}",
            c.id,
            if c.heldout {
                "(held-out)"
            } else {
                "(training)"
            }
        );
    }
    println!(
        "gamed above or equal to honest: {gamed_wins} of {}",
        cases.len()
    );
    for s in sess {
        let (d, o) = session_scores(&s.answers, s.kind, w);
        println!(
            "session {:<44} {} {:>9} overall {o:.1} tone {:.1} [{}]",
            s.id,
            if s.heldout {
                "(held-out)"
            } else {
                "(training)"
            },
            s.label,
            d[4],
            d.iter()
                .map(|x| format!("{x:.1}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
}

fn hinge(margin: f64) -> f64 {
    if margin > 0.0 { 1.0 } else { 0.0 }
}

fn fit(pairs: &[Pair], cases: &[Case], sess: &[Sess], start: &Dense) -> Dense {
    let sign: Vec<[f64; F::COUNT]> = start.iter().map(|(_, ws)| ws.map(f64::signum)).collect();
    let mut w = *start;
    let lr = 0.01;
    let lambda = 0.4;
    for epoch in 0..400 {
        let mut grad: Dense = [(0.0, [0.0; F::COUNT]); 6];
        let mut loss = 0.0;
        for p in pairs.iter().filter(|p| !p.heldout) {
            let d = p.dimension.index();
            let (bs, bo) = session_scores(&p.better, p.kind, &w);
            let (ws, wo) = session_scores(&p.worse, p.kind, &w);
            let m = 0.6 - (bs[d] - ws[d]);
            if m > 0.0 {
                loss += m;
                add_grad(&mut grad, &p.better, &w, &[(d, 1.0)], -1.0);
                add_grad(&mut grad, &p.worse, &w, &[(d, 1.0)], 1.0);
            }
            let m = 0.4 - (bo - wo);
            if m > 0.0 {
                loss += m;
                let ow: Vec<(usize, f64)> = overall_weights(p.kind)
                    .iter()
                    .copied()
                    .enumerate()
                    .collect();
                add_grad(&mut grad, &p.better, &w, &ow, -hinge(m));
                add_grad(&mut grad, &p.worse, &w, &ow, hinge(m));
            }
        }
        for c in cases.iter().filter(|c| !c.heldout) {
            let (_, ho) = session_scores(&c.honest, c.kind, &w);
            let (_, go) = session_scores(&c.gamed, c.kind, &w);
            let m = 1.5 - (ho - go);
            if m > 0.0 {
                loss += 2.0 * m;
                let ow: Vec<(usize, f64)> = overall_weights(c.kind)
                    .iter()
                    .copied()
                    .enumerate()
                    .collect();
                add_grad(&mut grad, &c.honest, &w, &ow, -2.0);
                add_grad(&mut grad, &c.gamed, &w, &ow, 2.0);
            }
        }
        for s in sess.iter().filter(|s| !s.heldout) {
            let (d, o) = session_scores(&s.answers, s.kind, &w);
            let ow: Vec<(usize, f64)> = overall_weights(s.kind)
                .iter()
                .copied()
                .enumerate()
                .collect();
            // Bands per dimension as well as overall, so that no dimension is bent to move the
            // overall score: a poor session may be polite and grammatical, and keeps its tone.
            let (low, high): ([f64; 6], [f64; 6]) = match s.label.as_str() {
                "excellent" => ([7.5; 6], [10.0; 6]),
                "poor" => ([0.0; 6], [4.5, 4.0, 5.0, 10.0, 10.0, 4.5]),
                _ => ([0.0; 6], [10.0, 10.0, 10.0, 10.0, 3.5, 5.0]),
            };
            for k in 0..6 {
                if d[k] < low[k] {
                    loss += 0.3 * (low[k] - d[k]);
                    add_grad(&mut grad, &s.answers, &w, &[(k, 1.0)], -0.3);
                }
                if d[k] > high[k] {
                    loss += 0.3 * (d[k] - high[k]);
                    add_grad(&mut grad, &s.answers, &w, &[(k, 1.0)], 0.3);
                }
            }
            match s.label.as_str() {
                "excellent" if o < 8.4 => {
                    loss += 1.5 * (8.4 - o);
                    add_grad(&mut grad, &s.answers, &w, &ow, -1.5);
                }
                "poor" if o > 3.6 => {
                    loss += 1.5 * (o - 3.6);
                    add_grad(&mut grad, &s.answers, &w, &ow, 1.5);
                }
                _ => {}
            }
        }
        for d in 0..6 {
            w[d].0 -= lr * (grad[d].0 + lambda * (w[d].0 - start[d].0));
            for k in 0..F::COUNT {
                if sign[d][k] == 0.0 {
                    continue;
                }
                let g = grad[d].1[k] + lambda * (w[d].1[k] - start[d].1[k]);
                let mut x = w[d].1[k] - lr * g;
                // The sign is the hand's; only the size is fitted, within 3× of it.
                if x * sign[d][k] < 0.0 {
                    x = 0.0;
                }
                let limit = 3.0 * start[d].1[k].abs();
                x = x.clamp(-limit, limit);
                w[d].1[k] = x;
            }
        }
        if epoch % 50 == 0 {
            eprintln!("epoch {epoch}: loss {loss:.2}");
        }
    }
    w
}

fn to_weights(w: &Dense, template: &Weights) -> Weights {
    let mut out = template.clone();
    for d in Dimension::ALL {
        let (base, ws) = &w[d.index()];
        let dw = out.get_mut(d);
        dw.base = (base * 100.0).round() / 100.0;
        for (name, v) in dw.weights.iter_mut() {
            let k = NAMES.iter().position(|n| n == name).unwrap();
            *v = (ws[k] * 100.0).round() / 100.0;
        }
    }
    out
}

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_else(|| "check".into());
    let model = std::env::args()
        .nth(2)
        .map(|d| MiniLm::load(std::path::Path::new(&d), "fit".into()).unwrap());
    let emb = model.as_ref().map(|m| Embeddings::new(m, None));
    // With a model, the fit sees every sample twice, judged by meaning and by shared words, so
    // one set of weights serves both paths.
    let mut paths: Vec<Option<&Embeddings<'_>>> = vec![None];
    if let Some(e) = emb.as_ref() {
        paths.insert(0, Some(e));
    }
    let (mut all, mut cases_all, mut sess) = (Vec::new(), Vec::new(), Vec::new());
    for emb in &paths {
        all.extend(pairs(&format!("{DIR}/pairs_train.toml"), false, *emb));
        all.extend(pairs("tests/fixtures/eval_pairs.toml", false, *emb));
        all.extend(pairs(&format!("{DIR}/pairs_heldout.toml"), true, *emb));
        cases_all.extend(cases(*emb));
        sess.extend(sessions(*emb));
    }
    let cases = cases_all;
    let prior =
        Weights::parse(&std::fs::read_to_string(format!("{DIR}/weights_prior.toml")).unwrap())
            .unwrap();
    let start = prior.dense();
    match mode.as_str() {
        "fit" => {
            let w = fit(&all, &cases, &sess, &start);
            print_check(&all, &cases, &sess, &w);
            let out = to_weights(&w, &prior);
            let header: String = include_str!("../assets/eval/judge_weights.toml")
                .lines()
                .take_while(|l| l.starts_with('#') || l.is_empty())
                .map(|l| format!("{l}\n"))
                .collect();
            let body = toml::to_string(&out).unwrap();
            std::fs::write("assets/eval/judge_weights.toml", format!("{header}{body}")).unwrap();
            println!("wrote assets/eval/judge_weights.toml");
        }
        _ => print_check(&all, &cases, &sess, &WEIGHTS.dense()),
    }
}
