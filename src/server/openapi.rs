//! The OpenAPI 3.1 document (`GET /openapi.json`), generated from the handlers' annotations and
//! the contract types' derives, and the API reference page (`GET /docs`): plain HTML and a
//! small script of our own that render the document in the browser, so nothing is downloaded at
//! build time or at run time.

use std::sync::LazyLock;

use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

use super::routes::{analytics, auth, sessions, sync, users};

/// `{"detail": "human readable message"}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub detail: String,
}

/// 422: `{"detail": [{"loc": ["body", "field"], "msg": "...", "type": "..."}]}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ValidationErrorBody {
    pub detail: Vec<ValidationItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ValidationItem {
    /// Where the bad value is: "body", "query" or "path", then the field's path.
    pub loc: Vec<String>,
    pub msg: String,
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub kind: String,
}

/// `GET /healthz`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// "ok", or "error" when the database does not answer (503).
    pub status: String,
    pub database: String,
    pub version: String,
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .bearer_format("JWT")
                        .build(),
                ),
            );
        }
    }
}

/// The server refuses unknown fields in every request body, nested objects included (see
/// `extract::parse_body`); these shared types cannot say so with `deny_unknown_fields` (clients
/// read them too), so the document says it for them.
struct ClosedObjects;

impl Modify for ClosedObjects {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::RefOr;
        use utoipa::openapi::schema::{AdditionalProperties, Schema};
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        for name in ["Session", "EvaluationSummary"] {
            if let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(name) {
                object.additional_properties =
                    Some(Box::new(AdditionalProperties::FreeForm(false)));
            }
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "prapp",
        description = "The prapp REST contract (v1): practice sessions with a coach, evaluations and progress."
    ),
    paths(
        super::healthz,
        auth::signup,
        auth::login,
        auth::logout,
        auth::me,
        users::get_profile,
        users::put_profile,
        users::account,
        users::change_password,
        sessions::create,
        sessions::list,
        sessions::show,
        sessions::patch,
        sessions::archive,
        sessions::send_message,
        sessions::complete,
        sessions::evaluate,
        sessions::evaluation,
        analytics::trends,
        analytics::improvements,
        sync::push,
        sync::pull,
    ),
    components(schemas(ErrorBody, ValidationErrorBody, ValidationItem, Health)),
    modifiers(&BearerAuth, &ClosedObjects),
    tags(
        (name = "auth", description = "Accounts and access tokens"),
        (name = "users", description = "Profile, account summary, password"),
        (name = "sessions", description = "Practice sessions, messages, evaluations"),
        (name = "analytics", description = "Progress over evaluations"),
        (name = "sync", description = "Extension for `prapp sync`: push merged sessions, pull changes"),
    )
)]
pub struct ApiDoc;

/// The document, built once.
pub fn document() -> &'static str {
    static DOC: LazyLock<String> = LazyLock::new(|| {
        let mut doc = ApiDoc::openapi();
        doc.info.version = env!("CARGO_PKG_VERSION").to_string();
        doc.to_json().unwrap_or_else(|_| "{}".into())
    });
    &DOC
}

pub async fn openapi_json() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        document(),
    )
        .into_response()
}

/// The reference page may run our script and styles and fetch the document; nothing else.
const DOCS_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
                        connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; \
                        base-uri 'none'; form-action 'none'";

fn with_csp(mut res: Response) -> Response {
    res.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(DOCS_CSP),
    );
    res
}

pub async fn docs_page() -> Response {
    with_csp(Html(include_str!("docs/index.html")).into_response())
}

pub async fn docs_script() -> Response {
    with_csp(
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            )],
            include_str!("docs/docs.js"),
        )
            .into_response(),
    )
}

pub async fn docs_style() -> Response {
    with_csp(
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            )],
            include_str!("docs/docs.css"),
        )
            .into_response(),
    )
}
