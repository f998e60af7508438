//! API errors: a status and a JSON body `{"error": "…"}`.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

#[derive(Debug)]
pub enum ApiError {
    /// 400: a bad parameter, cursor or body.
    BadRequest(String),
    /// 401: a write without the right token.
    Unauthorized(String),
    /// 404: an unknown id or path.
    NotFound(String),
    /// 413: a body over the limit.
    TooLarge(String),
    /// 415: a body of a type the endpoint does not take.
    UnsupportedType(String),
    /// 500: the store failed (the reason is logged, not sent).
    Internal(String),
}

impl ApiError {
    pub fn bad(msg: impl Into<String>) -> Self {
        ApiError::BadRequest(msg.into())
    }

    pub fn not_found(what: &str, id: impl std::fmt::Display) -> Self {
        ApiError::NotFound(format!("no {what} with id {id}"))
    }
}

impl From<rasd_store::StoreError> for ApiError {
    fn from(e: rasd_store::StoreError) -> Self {
        ApiError::Internal(e.to_string())
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(e: tokio::task::JoinError) -> Self {
        ApiError::Internal(e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, msg) = match self {
            ApiError::BadRequest(m) => (StatusCode::BAD_REQUEST, m),
            ApiError::Unauthorized(m) => (StatusCode::UNAUTHORIZED, m),
            ApiError::NotFound(m) => (StatusCode::NOT_FOUND, m),
            ApiError::TooLarge(m) => (StatusCode::PAYLOAD_TOO_LARGE, m),
            ApiError::UnsupportedType(m) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, m),
            ApiError::Internal(m) => {
                tracing::error!(error = %m, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal error (see the server log)".to_string(),
                )
            }
        };
        let mut r = json_response(status, &serde_json::json!({ "error": msg }));
        if status == StatusCode::UNAUTHORIZED {
            r.headers_mut()
                .insert(header::WWW_AUTHENTICATE, "Bearer".parse().unwrap());
        }
        r
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// A JSON response with `<`, `>` and `&` written as `\u003c`, `\u003e`,
/// `\u0026`: the same JSON, but no article text (untrusted scraped HTML)
/// can ever be read as markup, even by a client that sniffs or embeds it.
/// Outside strings JSON has none of these characters, so replacing them in
/// the serialized text only touches string contents.
pub fn json_response<T: serde::Serialize + ?Sized>(status: StatusCode, v: &T) -> Response {
    let text = match serde_json::to_string(v) {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, "response did not serialize");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let mut r = (status, escape_json(&text)).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    r
}

/// Serialized JSON with `<`, `>`, `&` escaped (see [`json_response`]).
pub fn escape_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}
