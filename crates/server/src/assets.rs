//! The web UI's static files, embedded in the binary at build time (no
//! CDN, no files beside the binary: analysts work offline).

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

#[derive(rust_embed::Embed)]
#[folder = "assets/"]
struct Assets;

/// The page's Content-Security-Policy: everything from this server only,
/// no inline script, no eval.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

fn file(path: &str) -> Response {
    // Embedded names only: no path ever reaches the file system.
    if path
        .split('/')
        .any(|p| p.is_empty() || p == ".." || p == ".")
    {
        return StatusCode::NOT_FOUND.into_response();
    }
    match Assets::get(path) {
        Some(f) => {
            let mime = f.metadata.mimetype();
            let mut r = f.data.into_owned().into_response();
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_str(&if mime.starts_with("text/")
                    || mime.ends_with("javascript")
                    || mime.ends_with("json")
                {
                    format!("{mime}; charset=utf-8")
                } else {
                    mime.to_string()
                })
                .unwrap_or(HeaderValue::from_static("application/octet-stream")),
            );
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            h.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CSP),
            );
            r
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

pub async fn index() -> Response {
    file("index.html")
}

pub async fn asset(Path(path): Path<String>) -> Response {
    file(&path)
}
