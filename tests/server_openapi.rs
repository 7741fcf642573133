//! The generated OpenAPI document agrees with the contract (`../shared/CONTRACT.md`): every
//! endpoint is there with its method, the schemas carry the contract's field names, every `$ref`
//! resolves; and `/docs` is a self-contained page.
#![allow(clippy::unwrap_used)]

mod server_util;

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};
use serde_json::Value;
use server_util::TestServer;

/// The contract's endpoint table.
const CONTRACT_ENDPOINTS: &[(&str, &str)] = &[
    ("get", "/healthz"),
    ("post", "/api/v1/auth/signup"),
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/logout"),
    ("get", "/api/v1/auth/me"),
    ("get", "/api/v1/users/profile"),
    ("put", "/api/v1/users/profile"),
    ("get", "/api/v1/users/account"),
    ("post", "/api/v1/users/change-password"),
    ("post", "/api/v1/sessions"),
    ("get", "/api/v1/sessions"),
    ("get", "/api/v1/sessions/{session_id}"),
    ("patch", "/api/v1/sessions/{session_id}"),
    ("delete", "/api/v1/sessions/{session_id}"),
    ("post", "/api/v1/sessions/{session_id}/messages"),
    ("post", "/api/v1/sessions/{session_id}/complete"),
    ("post", "/api/v1/sessions/{session_id}/evaluate"),
    ("get", "/api/v1/sessions/{session_id}/evaluation"),
    ("get", "/api/v1/analytics/trends"),
    ("get", "/api/v1/analytics/improvements"),
    ("put", "/api/v1/sync/sessions/{session_id}"),
    ("get", "/api/v1/sync/sessions"),
];

/// The contract's types and their fields, exactly.
const CONTRACT_SCHEMAS: &[(&str, &[&str])] = &[
    (
        "Session",
        &[
            "session_id",
            "user_id",
            "preparation_type",
            "meeting_subtype",
            "agenda",
            "tone",
            "role_context",
            "status",
            "transcript",
            "turn_count",
            "created_at",
            "updated_at",
            "completed_at",
            "evaluation_summary",
        ],
    ),
    (
        "ChatMessage",
        &["message_id", "role", "content", "timestamp"],
    ),
    (
        "Scores",
        &[
            "clarity_structure",
            "relevance_focus",
            "confidence_delivery",
            "language_quality",
            "tone_alignment",
            "engagement",
        ],
    ),
    (
        "ImprovementArea",
        &["dimension", "current_level", "suggestion", "priority"],
    ),
    (
        "Evaluation",
        &[
            "evaluation_id",
            "session_id",
            "user_id",
            "preparation_type",
            "universal_scores",
            "overall_score",
            "summary",
            "strengths",
            "improvement_areas",
            "practice_suggestions",
            "evidence",
            "evaluator",
            "created_at",
        ],
    ),
    (
        "User",
        &[
            "user_id",
            "email",
            "full_name",
            "is_activated",
            "created_at",
        ],
    ),
    (
        "Profile",
        &[
            "full_name",
            "target_role",
            "experience_level",
            "industry",
            "bio",
            "preferences",
        ],
    ),
    ("Preferences", &["default_preparation_type", "default_tone"]),
    (
        "AccountSummary",
        &[
            "user",
            "session_count",
            "completed_session_count",
            "evaluation_count",
        ],
    ),
    ("SessionPage", &["sessions", "total", "page", "page_size"]),
    ("TurnReply", &["user_message", "ai_message", "turn_number"]),
    ("TokenResponse", &["access_token", "token_type", "user"]),
    (
        "Improvement",
        &[
            "dimension",
            "priority",
            "suggestion",
            "occurrences",
            "latest_score",
        ],
    ),
    ("Improvements", &["improvements", "practice_suggestions"]),
    ("SyncItem", &["session", "evaluation"]),
    ("SyncPage", &["items", "next_cursor"]),
];

/// Trends: the contract's fields, plus the documented `drill_effects` extension.
const TRENDS_FIELDS: &[&str] = &[
    "total_sessions",
    "evaluated_sessions",
    "average_scores",
    "overall_average",
    "improvement_velocity",
    "recurring_weaknesses",
    "score_progression",
    "recent_trend",
];

fn collect_refs(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "$ref" {
                    out.insert(x.as_str().unwrap().to_string());
                } else {
                    collect_refs(x, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_refs(x, out)),
        _ => {}
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_document_agrees_with_the_contract() {
    let s = TestServer::start().await;
    let r = s.call(Method::GET, "/openapi.json", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let doc = r.body;
    assert_eq!(doc["openapi"], "3.1.0");
    for (method, path) in CONTRACT_ENDPOINTS {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} is missing from /openapi.json"
        );
    }
    let schemas = &doc["components"]["schemas"];
    let fields = |name: &str| -> BTreeSet<String> {
        schemas[name]["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("no schema {name}"))
            .keys()
            .cloned()
            .collect()
    };
    // Additions to the contract, optional in every body, which older clients ignore.
    const ADDITIONS: &[(&str, &str)] = &[("Evaluation", "answers")];
    for (name, expected) in CONTRACT_SCHEMAS {
        let mut expected: BTreeSet<String> = expected.iter().map(|f| f.to_string()).collect();
        for (schema, field) in ADDITIONS {
            if schema == name {
                expected.insert(field.to_string());
            }
        }
        assert_eq!(fields(name), expected, "schema {name}");
    }
    for (schema, field) in ADDITIONS {
        let required = schemas[schema]["required"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(
            !required.iter().any(|r| r == field),
            "{schema}.{field} is an addition and must stay optional"
        );
    }
    // Every Session field is always sent (null when unset), but the transcript, which lists
    // leave out.
    let required: BTreeSet<String> = schemas["Session"]["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let mut always = fields("Session");
    always.remove("transcript");
    assert_eq!(required, always);
    let trends = fields("Trends");
    for f in TRENDS_FIELDS {
        assert!(trends.contains(*f), "Trends.{f}");
    }
    // Enums spelled as the contract spells them.
    assert_eq!(
        schemas["SessionStatus"]["enum"],
        serde_json::json!(["setup", "in_progress", "completed", "archived"])
    );
    assert_eq!(
        schemas["PreparationType"]["enum"],
        serde_json::json!([
            "interview",
            "corporate",
            "pitch",
            "sales",
            "presentation",
            "other"
        ])
    );
    // Request bodies refuse unknown fields, as the server does.
    for name in [
        "SignupRequest",
        "CreateSessionRequest",
        "SendMessageRequest",
        "SyncItem",
        "Session",
        "ChatMessage",
        "Evaluation",
        "PreferencesRequest",
    ] {
        assert_eq!(
            schemas[name]["additionalProperties"], false,
            "{name} should forbid unknown fields"
        );
    }
    // Protected operations say so; signup and login do not.
    assert!(doc["paths"]["/api/v1/sessions"]["get"]["security"].is_array());
    assert!(doc["paths"]["/api/v1/auth/login"]["post"]["security"].is_null());
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let mut refs = BTreeSet::new();
    collect_refs(&doc, &mut refs);
    for r in refs {
        let name = r.strip_prefix("#/components/schemas/").unwrap();
        assert!(schemas[name].is_object(), "dangling {r}");
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn docs_page_is_self_contained() {
    let s = TestServer::start().await;
    let r = s.call(Method::GET, "/docs", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let csp = r.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(csp.contains("connect-src 'self'"), "{csp}");
    // Nothing from elsewhere: every src/href is local.
    assert!(
        !r.text.contains("http://") && !r.text.contains("https://"),
        "{}",
        r.text
    );
    for asset in ["/docs/docs.js", "/docs/docs.css"] {
        assert!(r.text.contains(asset));
        let a = s.call(Method::GET, asset, None, None).await;
        assert_eq!(a.status, StatusCode::OK, "{asset}");
        assert!(
            !a.text.contains("https://"),
            "{asset} fetches from elsewhere"
        );
    }
    s.stop().await;
}
