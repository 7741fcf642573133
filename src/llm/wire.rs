//! The OpenAI chat-completions wire format, built and parsed apart from sending so it can be
//! tested without a server. Only the fields prapp uses; unknown fields are ignored.

use serde::{Deserialize, Serialize};

use super::{ChatRequest, Message, ResponseFormat, Usage};

#[derive(Debug, Serialize)]
pub(crate) struct RequestBody<'a> {
    model: &'a str,
    messages: &'a [Message],
    stream: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    stream_options: Option<StreamOptions>,
    /// `max_tokens`, not `max_completion_tokens`: llama.cpp ignores the newer name.
    #[serde(skip_serializing_if = "Option::is_none")]
    max_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_format: Option<serde_json::Value>,
}

#[derive(Debug, Serialize)]
struct StreamOptions {
    include_usage: bool,
}

pub(crate) fn request_body<'a>(
    model: &'a str,
    req: &'a ChatRequest,
    stream: bool,
) -> RequestBody<'a> {
    RequestBody {
        model,
        messages: &req.messages,
        stream,
        stream_options: stream.then_some(StreamOptions {
            include_usage: true,
        }),
        max_tokens: req.max_tokens,
        temperature: req.temperature,
        response_format: req.response_format.as_ref().map(response_format),
    }
}

fn response_format(format: &ResponseFormat) -> serde_json::Value {
    match format {
        ResponseFormat::JsonSchema { name, schema } => serde_json::json!({
            "type": "json_schema",
            "json_schema": { "name": name, "schema": schema, "strict": true },
        }),
        ResponseFormat::JsonObject => serde_json::json!({ "type": "json_object" }),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct UsageWire {
    #[serde(default)]
    prompt_tokens: u32,
    #[serde(default)]
    completion_tokens: u32,
}

impl From<UsageWire> for Usage {
    fn from(u: UsageWire) -> Self {
        Usage {
            prompt_tokens: u.prompt_tokens,
            completion_tokens: u.completion_tokens,
        }
    }
}

/// A non-streamed reply.
#[derive(Debug, Deserialize)]
pub(crate) struct CompletionWire {
    pub model: Option<String>,
    #[serde(default)]
    pub choices: Vec<ChoiceWire>,
    pub usage: Option<UsageWire>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ChoiceWire {
    pub message: Option<MessageWire>,
    pub finish_reason: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct MessageWire {
    pub content: Option<String>,
}

/// One event of a streamed reply: a delta, the finish reason, or (last, with `choices: []`) the
/// usage. Some servers report a failure mid-stream as an `error` object.
#[derive(Debug, Deserialize)]
pub(crate) struct ChunkWire {
    pub model: Option<String>,
    #[serde(default)]
    pub choices: Vec<ChunkChoiceWire>,
    pub usage: Option<UsageWire>,
    pub error: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ChunkChoiceWire {
    pub delta: Option<MessageWire>,
    pub finish_reason: Option<String>,
}

/// `GET /models`.
#[derive(Debug, Deserialize)]
pub(crate) struct ModelsWire {
    #[serde(default)]
    pub data: Vec<ModelWire>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ModelWire {
    pub id: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::Role;

    fn request() -> ChatRequest {
        ChatRequest {
            messages: vec![Message {
                role: Role::System,
                content: "Be brief.".into(),
            }],
            max_tokens: Some(64),
            temperature: None,
            response_format: Some(ResponseFormat::JsonSchema {
                name: "scores".into(),
                schema: serde_json::json!({"type": "object"}),
            }),
        }
    }

    #[test]
    fn a_streamed_request_asks_for_usage_and_uses_max_tokens() {
        let req = request();
        let body = serde_json::to_value(request_body("m", &req, true)).unwrap();
        assert_eq!(
            body,
            serde_json::json!({
                "model": "m",
                "messages": [{"role": "system", "content": "Be brief."}],
                "stream": true,
                "stream_options": {"include_usage": true},
                "max_tokens": 64,
                "response_format": {
                    "type": "json_schema",
                    "json_schema": {"name": "scores", "schema": {"type": "object"}, "strict": true}
                }
            })
        );
    }

    #[test]
    fn a_plain_request_leaves_unset_options_out() {
        let req = ChatRequest {
            response_format: Some(ResponseFormat::JsonObject),
            max_tokens: None,
            ..request()
        };
        let body = serde_json::to_value(request_body("m", &req, false)).unwrap();
        assert_eq!(body["stream"], false);
        assert!(body.get("stream_options").is_none());
        assert!(body.get("max_tokens").is_none());
        assert!(body.get("temperature").is_none());
        assert_eq!(
            body["response_format"],
            serde_json::json!({"type": "json_object"})
        );
    }

    #[test]
    fn chunks_tolerate_null_content_and_unknown_fields() {
        let role_only: ChunkWire = serde_json::from_str(
            r#"{"id":"x","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":null},"logprobs":null,"finish_reason":null}]}"#,
        )
        .unwrap();
        assert!(
            role_only.choices[0]
                .delta
                .as_ref()
                .unwrap()
                .content
                .is_none()
        );
        let usage: ChunkWire = serde_json::from_str(
            r#"{"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}"#,
        )
        .unwrap();
        assert_eq!(Usage::from(usage.usage.unwrap()).completion_tokens, 3);
    }
}
