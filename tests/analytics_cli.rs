//! Progress through the real binary: `prapp analytics trends|improvements|chart`, `prapp drill`
//! and `prapp session export`, on empty and seeded stores, as people and scripts see them.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns

mod util;

use std::collections::BTreeSet;

use serde_json::Value;
use util::Env;

const DIMENSIONS: [&str; 6] = [
    "clarity_structure",
    "relevance_focus",
    "confidence_delivery",
    "language_quality",
    "tone_alignment",
    "engagement",
];

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .cloned()
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// `n` sessions spread over the last 30 days, every one completed and evaluated.
fn seeded(n: usize) -> Env {
    let env = Env::new();
    env.ok(&[
        "dev",
        "seed",
        "--sessions",
        &n.to_string(),
        "--turns",
        "1",
        "--evaluated",
        "--span-days",
        "30",
    ]);
    env
}

fn stderr_of(env: &Env, args: &[&str]) -> (String, String) {
    let out = env.cmd().args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}");
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The exit code of `prapp args…` (for clap's own multi-line usage errors).
fn code(env: &Env, args: &[&str]) -> Option<i32> {
    env.cmd().args(args).output().unwrap().status.code()
}

/// A session completed through the real chat, with the given answers.
fn completed(env: &Env, args: &[&str]) -> String {
    let id = env.new_session(args);
    for a in [
        "Last year I led the migration of our billing service. First I mapped every dependency, then I ran two dry runs, and as a result deploys went from 40 minutes to 6. What does your team's release process look like today?",
        "I would start by profiling the checkout path, then move the fraud check to a queue, which cut p99 by 60% in my last team. You mentioned growth: how many releases do you ship a week?",
        "Um, I guess we kind of had a conflict about the schema, you know, and it sort of worked out in the end.",
    ] {
        env.chat(&id, a);
    }
    env.ok(&["session", "complete", &id]);
    id
}

#[test]
fn empty_stores_say_what_to_do() {
    let env = Env::new();
    let (out, err) = stderr_of(&env, &["analytics", "trends"]);
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("no sessions in the last 90 days") && err.contains("prapp session new"),
        "{err}"
    );
    let t = env.json(&["analytics", "trends", "--json"]);
    assert_eq!(t["total_sessions"], 0);
    assert_eq!(t["evaluated_sessions"], 0);
    assert!(t["average_scores"].is_null() && t["overall_average"].is_null());
    assert!(t["improvement_velocity"].is_null());
    assert_eq!(t["recent_trend"], "insufficient_data");
    assert_eq!(t["score_progression"], serde_json::json!([]));

    env.new_session(&["--type", "interview"]);
    let (_, err) = stderr_of(&env, &["analytics", "trends"]);
    assert!(
        err.contains("no evaluated sessions yet") && err.contains("prapp session evaluate <id>"),
        "{err}"
    );
    let (out, err) = stderr_of(&env, &["analytics", "improvements"]);
    assert!(out.is_empty());
    assert!(
        err.contains("no evaluated sessions yet — run `prapp session evaluate <id>`"),
        "{err}"
    );
    assert_eq!(
        env.json(&["analytics", "improvements", "--json"]),
        serde_json::json!({"improvements": [], "practice_suggestions": []})
    );
    let err = env.fails(&["drill"], 2);
    assert!(
        err.contains("--dimension") && err.contains("evaluate"),
        "{err}"
    );
    let err = env.fails(
        &[
            "analytics",
            "chart",
            "--out",
            env.path("p.svg").to_str().unwrap(),
        ],
        2,
    );
    assert!(err.contains("nothing to chart"), "{err}");
    assert!(!env.path("p.svg").exists());
}

#[test]
fn trends_json_has_exactly_the_contract_fields() {
    let env = seeded(12);
    let t = env.json(&["analytics", "trends", "--json"]);
    assert_eq!(
        keys(&t),
        set(&[
            "total_sessions",
            "evaluated_sessions",
            "average_scores",
            "overall_average",
            "improvement_velocity",
            "recurring_weaknesses",
            "score_progression",
            "recent_trend",
            "drill_effects",
        ])
    );
    assert_eq!(t["total_sessions"], 12);
    assert_eq!(t["evaluated_sessions"], 12);
    assert_eq!(keys(&t["average_scores"]), set(&DIMENSIONS));
    assert!(t["improvement_velocity"].is_number());
    assert!(
        ["improving", "declining", "stable"].contains(&t["recent_trend"].as_str().unwrap()),
        "{}",
        t["recent_trend"]
    );
    let progression = t["score_progression"].as_array().unwrap();
    assert_eq!(progression.len(), 12);
    for p in progression {
        assert_eq!(
            keys(p),
            set(&["session_id", "evaluated_at", "overall_score", "scores"])
        );
        assert_eq!(keys(&p["scores"]), set(&DIMENSIONS));
    }
    let weak = t["recurring_weaknesses"].as_array().unwrap();
    assert!(!weak.is_empty());
    for w in weak {
        assert_eq!(keys(w), set(&["dimension", "occurrences", "share"]));
        let share = w["share"].as_f64().unwrap();
        let expected = w["occurrences"].as_f64().unwrap() / 12.0;
        assert!((share - expected).abs() <= 0.005, "{w}");
    }
    let counts: Vec<u64> = weak
        .iter()
        .map(|w| w["occurrences"].as_u64().unwrap())
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");

    let imp = env.json(&["analytics", "improvements", "--json"]);
    assert_eq!(keys(&imp), set(&["improvements", "practice_suggestions"]));
    let items = imp["improvements"].as_array().unwrap();
    assert!(!items.is_empty());
    for i in items {
        assert_eq!(
            keys(i),
            set(&[
                "dimension",
                "priority",
                "suggestion",
                "occurrences",
                "latest_score"
            ])
        );
        assert!(["high", "medium", "low"].contains(&i["priority"].as_str().unwrap()));
    }
    assert!(!imp["practice_suggestions"].as_array().unwrap().is_empty());
}

#[test]
fn trends_filter_by_days_and_type() {
    let env = seeded(12);
    // Round-robin types: two pitch sessions out of twelve.
    let pitch = env.json(&["analytics", "trends", "--type", "pitch", "--json"]);
    assert_eq!(
        (
            pitch["total_sessions"].as_u64(),
            pitch["evaluated_sessions"].as_u64()
        ),
        (Some(2), Some(2))
    );
    let listed = env.json(&["session", "list", "--all", "--json"]);
    let now = chrono::Utc::now();
    let recent = listed["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| {
            let at: chrono::DateTime<chrono::Utc> =
                s["created_at"].as_str().unwrap().parse().unwrap();
            now - at < chrono::Duration::days(10)
        })
        .count() as u64;
    assert!((1..12).contains(&recent), "{recent}");
    let ten = env.json(&["analytics", "trends", "--days", "10", "--json"]);
    assert_eq!(ten["total_sessions"].as_u64(), Some(recent));
    assert_eq!(ten["evaluated_sessions"].as_u64(), Some(recent));
    let all = env.json(&["analytics", "trends", "--all-time", "--json"]);
    assert_eq!(all["evaluated_sessions"], 12);
    let err = env.fails(&["analytics", "trends", "--type", "dance"], 2);
    assert!(err.contains("unknown preparation type 'dance'"), "{err}");
    assert_eq!(code(&env, &["analytics", "trends", "--days", "0"]), Some(2));
    assert_eq!(
        code(&env, &["analytics", "trends", "--days", "7", "--all-time"]),
        Some(2)
    );
}

#[test]
fn human_trends_draw_sparklines_arrows_and_a_chart_without_escapes_when_piped() {
    let env = seeded(12);
    let out = env.ok(&["analytics", "trends"]);
    assert!(!out.contains('\x1b'), "no escape codes in a pipe:\n{out}");
    for part in [
        "Progress",
        "DIMENSION",
        "Clarity & structure",
        "Engagement",
        "Overall",
        "Overall score, 12 evaluations",
        "Recurring weaknesses",
        "Drills",
    ] {
        assert!(out.contains(part), "missing {part}:\n{out}");
    }
    let spark_rows = out
        .lines()
        .filter(|l| l.chars().filter(|c| ('▁'..='█').contains(c)).count() >= 12)
        .count();
    assert_eq!(
        spark_rows, 7,
        "a sparkline per dimension and the overall:\n{out}"
    );
    assert!(
        out.lines()
            .filter(|l| l.starts_with("Clarity") || l.starts_with("Overall  "))
            .all(|l| l.contains(['↗', '↘', '→'])),
        "{out}"
    );
    let braille = out
        .lines()
        .filter(|l| l.contains('┤') && l.chars().any(|c| ('\u{2801}'..='\u{28ff}').contains(&c)))
        .count();
    assert!(braille >= 2, "the overall chart is drawn:\n{out}");

    let under_no_color = env
        .cmd()
        .args(["analytics", "trends", "--color", "auto"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&under_no_color.stdout).contains('\x1b'));
    // The check above can fail: forced colour does put escapes in.
    let forced = env.ok(&["analytics", "trends", "--color", "always"]);
    assert!(forced.contains('\x1b'));
    assert_eq!(
        anstream::adapter::strip_str(&forced).to_string(),
        out,
        "colour is all that differs"
    );
}

#[test]
fn csv_rows_for_spreadsheets() {
    let env = seeded(6);
    let csv = env.ok(&["analytics", "trends", "--csv"]);
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(
        rows[0],
        "session_id,evaluated_at,overall_score,clarity_structure,relevance_focus,confidence_delivery,language_quality,tone_alignment,engagement"
    );
    assert_eq!(rows.len(), 7);
    for r in &rows[1..] {
        let f: Vec<&str> = r.split(',').collect();
        assert_eq!(f.len(), 9, "{r}");
        assert!(f[1].ends_with('Z'), "{r}");
        for x in &f[2..] {
            let v: f64 = x.parse().unwrap();
            assert!((0.0..=10.0).contains(&v));
        }
    }
    let json = env.json(&["analytics", "trends", "--json"]);
    assert_eq!(
        rows[1].split(',').next().unwrap(),
        json["score_progression"][0]["session_id"].as_str().unwrap()
    );
}

fn svg_series(svg: &str, points: usize) -> Vec<(String, f64)> {
    let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    doc.descendants()
        .filter(|n| n.has_tag_name("polyline"))
        .filter(|n| {
            n.attribute("points")
                .unwrap_or("")
                .split_whitespace()
                .count()
                == points
        })
        .map(|n| {
            (
                n.attribute("stroke").unwrap().to_string(),
                n.attribute("stroke-width").unwrap().parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn charts_are_valid_svg_and_png_with_a_line_per_dimension() {
    let env = seeded(9);
    let svg_path = env.path("progress.svg");
    let out = env.ok(&["analytics", "chart", "--out", svg_path.to_str().unwrap()]);
    assert!(out.contains("7 lines over 9 evaluations"), "{out}");
    let svg = std::fs::read_to_string(&svg_path).unwrap();
    let series = svg_series(&svg, 9);
    assert_eq!(
        series.len(),
        7,
        "six dimensions and the overall: {series:?}"
    );
    let colours: BTreeSet<&String> = series.iter().map(|s| &s.0).collect();
    assert_eq!(colours.len(), 7, "{series:?}");
    let widest = series.iter().map(|s| s.1).fold(0.0, f64::max);
    assert_eq!(
        series.iter().filter(|s| s.1 == widest).count(),
        1,
        "one bold line"
    );
    for label in [
        "Clarity &amp; structure",
        "Engagement",
        "Overall",
        "Practice progress",
    ] {
        assert!(svg.contains(label), "missing {label}");
    }

    let one = env.path("engagement.svg");
    env.ok(&[
        "analytics",
        "chart",
        "--dimension",
        "engagement",
        "--out",
        one.to_str().unwrap(),
    ]);
    assert_eq!(
        svg_series(&std::fs::read_to_string(&one).unwrap(), 9).len(),
        2
    );

    let png_path = env.path("progress.png");
    env.ok(&["analytics", "chart", "--out", png_path.to_str().unwrap()]);
    let png = util::read(&png_path);
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(&png[12..16], b"IHDR");
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!((width, height), (1280, 720));
    assert!(png.len() > 20_000, "a real picture, {} bytes", png.len());

    let gif = env.path("progress.gif");
    let err = env.fails(&["analytics", "chart", "--out", gif.to_str().unwrap()], 2);
    assert!(err.contains(".svg or .png"), "{err}");
    assert!(!gif.exists());
    let err = env.fails(
        &[
            "analytics",
            "chart",
            "--dimension",
            "charm",
            "--out",
            "x.svg",
        ],
        2,
    );
    assert!(err.contains("unknown dimension 'charm'"), "{err}");
    let err = env.fails(
        &[
            "analytics",
            "chart",
            "--out",
            env.path("no/such/dir/p.svg").to_str().unwrap(),
        ],
        2,
    );
    assert!(err.contains("does not exist"), "{err}");
}

fn drill_openings(dimension: &str) -> Vec<String> {
    let src = std::fs::read_to_string(format!(
        "{}/assets/drills/{dimension}.toml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let v: toml::Value = toml::from_str(&src).unwrap();
    v["openings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn drill_starts_a_session_on_the_weakest_or_named_dimension() {
    let env = seeded(12);
    let named = env.json(&[
        "drill",
        "--dimension",
        "engagement",
        "--type",
        "sales",
        "--json",
    ]);
    assert_eq!(named["meeting_subtype"], "drill-engagement");
    // Lists show it as people read it (paper cuts, point 16), the JSON keeps the stored value.
    let list = env.ok(&["session", "list"]);
    assert!(list.contains("drill · engagement"), "{list}");
    assert!(!list.contains("drill-engagement"), "{list}");
    assert_eq!(named["preparation_type"], "sales");
    assert_eq!(named["status"], "in_progress");
    let opening = named["transcript"][0]["content"].as_str().unwrap();
    assert!(
        drill_openings("engagement").iter().any(|o| o == opening),
        "{opening}"
    );
    assert!(
        named["agenda"]
            .as_str()
            .unwrap()
            .starts_with("Engagement drill")
    );

    // The weakest: the lowest average over the last 10 evaluations.
    let t = env.json(&["analytics", "trends", "--all-time", "--json"]);
    let last: Vec<&Value> = t["score_progression"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .take(10)
        .collect();
    let weakest = DIMENSIONS
        .iter()
        .min_by(|a, b| {
            let avg = |d: &str| {
                last.iter()
                    .map(|p| p["scores"][d].as_f64().unwrap())
                    .sum::<f64>()
            };
            avg(a).total_cmp(&avg(b))
        })
        .unwrap();
    let out = env.ok(&["drill", "--no-chat"]);
    assert!(out.starts_with("Drill: "), "{out}");
    assert!(
        out.contains("your weakest") && out.contains("over your last 10 evaluations"),
        "{out}"
    );
    assert!(
        out.contains(&format!("drill-{weakest}")),
        "{weakest}:\n{out}"
    );
    assert!(out.contains("prapp chat"), "{out}");
    assert!(
        drill_openings(weakest)
            .iter()
            .any(|o| out.contains(o.as_str())),
        "{out}"
    );

    // A drill is an ordinary subtype for `session new` too, in any spelling.
    let s = env.json(&[
        "session",
        "new",
        "--type",
        "pitch",
        "--subtype",
        "drill-clarity",
        "--json",
    ]);
    assert_eq!(s["meeting_subtype"], "drill-clarity_structure");
    let err = env.fails(
        &[
            "session",
            "new",
            "--type",
            "pitch",
            "--subtype",
            "drill-charm",
        ],
        2,
    );
    assert!(err.contains("unknown drill 'drill-charm'"), "{err}");
    let err = env.fails(&["drill", "--dimension", "charm"], 2);
    assert!(err.contains("unknown dimension 'charm'"), "{err}");
}

#[test]
fn a_completed_drill_shows_its_effect_in_trends() {
    let env = Env::new();
    let before = completed(&env, &["--type", "interview"]);
    env.ok(&["session", "evaluate", &before]);
    let drill = env.json(&["drill", "--dimension", "engagement", "--json"]);
    let id = drill["session_id"].as_str().unwrap();
    assert_eq!(
        drill["preparation_type"], "interview",
        "the latest evaluation's type"
    );
    for a in [
        "You mentioned onboarding is stretched. In my last team I wrote a two-week onboarding plan and paired each new hire with a buddy, which cut time to first deploy from 15 days to 6. How do new people get their first task here?",
        "Building on your point about priorities: I'd get both leads in one room, list the three goals, and agree which one wins for this quarter. What usually decides that for you?",
        "I'd ask the customer what problem the feature solves, then offer the closest thing on our roadmap with a date. Would you be open to a pilot with them?",
    ] {
        env.chat(id, a);
    }
    env.ok(&["session", "complete", id]);
    env.ok(&["session", "evaluate", id]);

    let t = env.json(&["analytics", "trends", "--json"]);
    let fx = &t["drill_effects"][0];
    assert_eq!(fx["dimension"], "engagement");
    assert_eq!(fx["drill_sessions"], 1);
    assert_eq!(
        (
            fx["evaluations_before"].as_u64(),
            fx["evaluations_after"].as_u64()
        ),
        (Some(1), Some(1))
    );
    let change = fx["change"].as_f64().unwrap();
    let (b, a) = (
        fx["mean_before"].as_f64().unwrap(),
        fx["mean_after"].as_f64().unwrap(),
    );
    assert!((a - b - change).abs() < 0.011, "{fx}");
    let out = env.ok(&["analytics", "trends"]);
    assert!(
        out.contains("Engagement: ") && out.contains("before the first drill"),
        "{out}"
    );
}

#[test]
fn export_a_session_as_markdown_or_json() {
    let env = Env::new();
    let id = completed(
        &env,
        &[
            "--type",
            "interview",
            "--agenda",
            "Backend role",
            "--context",
            "SECRET CV",
        ],
    );
    let md = env.ok(&["session", "export", &id]);
    assert!(
        md.starts_with("# Interview · behavioral practice session"),
        "{md}"
    );
    assert!(
        md.contains("_Not evaluated yet — run `prapp session evaluate"),
        "{md}"
    );
    assert!(md.contains("**Agenda:** Backend role"));
    assert!(
        md.contains("**You:** Last year I led the migration"),
        "{md}"
    );
    assert!(!md.contains("SECRET CV"), "the CV stays private");

    env.ok(&["session", "evaluate", &id]);
    let md = env.ok(&["session", "export", &id[..13], "--format", "md"]);
    for part in [
        "## Evaluation: ",
        "| Clarity & structure |",
        "### Summary",
        "### Strengths",
        "### Improvement areas",
        "### Practice next",
        "### Evidence from your answers",
        "## Transcript",
        "**Coach:** ",
    ] {
        assert!(md.contains(part), "missing {part}:\n{md}");
    }

    let file = env.path("report.json");
    let out = env
        .cmd()
        .args([
            "session",
            "export",
            &id,
            "--format",
            "json",
            "--out",
            file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("wrote"));
    let v: Value = serde_json::from_slice(&util::read(&file)).unwrap();
    assert_eq!(keys(&v), set(&["session", "evaluation"]));
    assert_eq!(v["session"]["session_id"], id.as_str());
    assert_eq!(v["session"]["transcript"].as_array().unwrap().len(), 7);
    assert!(v["session"]["role_context"].is_null());
    assert_eq!(v["evaluation"]["session_id"], id.as_str());

    let err = env.fails(&["session", "export", "ffffffff"], 3);
    assert!(err.contains("no session"), "{err}");
    assert_eq!(
        code(&env, &["session", "export", &id, "--format", "pdf"]),
        Some(2)
    );
}

/// Paper cuts, point 3: `prapp demo` fills a throwaway store with a recent history that the
/// analytics commands read, and never touches the user's; `dev seed` refuses a store that holds
/// the user's sessions.
#[test]
fn the_demo_is_a_throwaway_store_and_seeding_refuses_real_sessions() {
    let env = Env::new();
    let mine = env.new_session(&["--type", "interview"]);
    let dir = env.path("demo");
    let out = env.ok(&["demo", "--dir", dir.to_str().unwrap()]);
    assert!(
        out.contains("36 evaluated sessions over the last 60 days"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "prapp --data-dir {} analytics trends",
            dir.display()
        )),
        "{out}"
    );
    let demo = dir.to_str().unwrap();
    let trends = env.json(&["--data-dir", demo, "analytics", "trends", "--json"]);
    assert_eq!(trends["total_sessions"], 36, "{trends:#}");
    assert!(
        trends["improvement_velocity"].as_f64().unwrap() > 0.0,
        "{trends:#}"
    );
    // The user's own store still holds only their session.
    let list = env.json(&["session", "list", "--json"]);
    assert_eq!(list["total"], 1);
    assert_eq!(list["sessions"][0]["session_id"], mine.as_str());
    // A demo dir that is not empty is refused; so is seeding the user's store.
    let e = env.fails(&["demo", "--dir", demo], 2);
    assert!(e.contains("already holds sessions"), "{e}");
    let e = env.fails(&["dev", "seed", "--sessions", "3"], 2);
    assert!(
        e.contains("already holds 1 session") && e.contains("prapp demo"),
        "{e}"
    );
    env.ok(&["dev", "seed", "--sessions", "3", "--force"]);
}

/// Paper cuts, point 11: counts over a thousand are grouped everywhere ("named in 1,557
/// evaluations" beside "2,000 sessions"), not only in some lines.
#[test]
fn large_counts_are_grouped_in_every_line() {
    let env = seeded(2000);
    let out = env.ok(&["analytics", "improvements"]);
    let named: Vec<&str> = out.lines().filter(|l| l.contains("named in")).collect();
    assert!(!named.is_empty(), "{out}");
    for l in named {
        let n: String = l
            .split("named in ")
            .nth(1)
            .unwrap_or_default()
            .split(' ')
            .next()
            .unwrap_or_default()
            .to_string();
        let digits = n.chars().filter(char::is_ascii_digit).count();
        assert!(digits < 4 || n.contains(','), "ungrouped {n} in {l}");
    }
    assert!(
        out.lines()
            .any(|l| l.contains("named in") && l.contains(',')),
        "no count over a thousand to check: {out}"
    );
}
