//! Fetching over HTTP: one blocking client with timeouts, a size cap, a
//! User-Agent naming rasd, conditional requests, and politeness (one request
//! at a time, and a minimum delay between requests to the same host).

use std::collections::HashMap;
use std::time::{Duration, Instant};
use ureq::ResponseExt;

/// What a GET returned.
#[derive(Debug)]
pub enum Fetched {
    /// 304 Not Modified: the validators sent still hold.
    NotModified,
    /// 200 OK.
    Body {
        body: Vec<u8>,
        content_type: Option<String>,
        etag: Option<String>,
        last_modified: Option<String>,
        /// The URL after redirects.
        url: String,
    },
}

/// Validators of an earlier answer, for a conditional request.
#[derive(Debug, Clone, Copy, Default)]
pub struct Validators<'a> {
    pub etag: Option<&'a str>,
    pub last_modified: Option<&'a str>,
}

/// HTTP settings.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub connect_timeout: Duration,
    /// Limit on waiting for the response head, and on reading the body.
    pub read_timeout: Duration,
    /// Largest body accepted, in bytes.
    pub max_body: u64,
    /// Least time between two requests to the same host.
    pub host_delay: Duration,
    pub user_agent: String,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            max_body: rasd_pipeline::DEFAULT_MAX_FILE_SIZE,
            host_delay: Duration::from_secs(1),
            user_agent: format!(
                "rasd/{} (news monitor; +https://example.invalid/rasd)",
                env!("CARGO_PKG_VERSION")
            ),
        }
    }
}

/// A polite HTTP client. Requests are made one at a time (the client is
/// used from one thread), and a request to a host waits until `host_delay`
/// has passed since the previous request to that host ended.
pub struct Fetcher {
    agent: ureq::Agent,
    cfg: HttpConfig,
    last: HashMap<String, Instant>,
}

impl Fetcher {
    pub fn new(cfg: HttpConfig) -> Self {
        let agent = ureq::Agent::config_builder()
            .timeout_connect(Some(cfg.connect_timeout))
            .timeout_recv_response(Some(cfg.read_timeout))
            .timeout_recv_body(Some(cfg.read_timeout))
            .user_agent(cfg.user_agent.as_str())
            .http_status_as_error(false)
            .max_redirects(5)
            .build()
            .into();
        Fetcher {
            agent,
            cfg,
            last: HashMap::new(),
        }
    }

    fn wait_for_host(&mut self, host: &str) {
        if let Some(t) = self.last.get(host) {
            let since = t.elapsed();
            if since < self.cfg.host_delay {
                std::thread::sleep(self.cfg.host_delay - since);
            }
        }
    }

    /// GETs `url`, conditionally when validators are given. Errors are
    /// reasons for people: `HTTP 404 Not Found`, `timeout: …`, `body larger
    /// than the … limit`.
    pub fn get(&mut self, url: &str, v: Validators) -> Result<Fetched, String> {
        let host = rasd_ingest::url_host(url).unwrap_or_default();
        self.wait_for_host(&host);
        let out = self.get_now(url, v);
        self.last.insert(host, Instant::now());
        out
    }

    fn get_now(&self, url: &str, v: Validators) -> Result<Fetched, String> {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(format!("not an http(s) URL: {url}"));
        }
        let mut req = self.agent.get(url);
        if let Some(e) = v.etag {
            req = req.header("If-None-Match", e);
        }
        if let Some(m) = v.last_modified {
            req = req.header("If-Modified-Since", m);
        }
        let mut resp = req.call().map_err(|e| describe(&e, self.cfg.max_body))?;
        let status = resp.status();
        if status.as_u16() == 304 {
            return Ok(Fetched::NotModified);
        }
        if status.as_u16() != 200 {
            return Err(format!(
                "HTTP {} {}",
                status.as_u16(),
                status.canonical_reason().unwrap_or("")
            )
            .trim_end()
            .to_string());
        }
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|h| h.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header("content-type");
        let etag = header("etag");
        let last_modified = header("last-modified");
        let final_url = resp.get_uri().to_string();
        let body = resp
            .body_mut()
            .with_config()
            .limit(self.cfg.max_body)
            .read_to_vec()
            .map_err(|e| describe(&e, self.cfg.max_body))?;
        Ok(Fetched::Body {
            body,
            content_type,
            etag,
            last_modified,
            url: final_url,
        })
    }
}

fn describe(e: &ureq::Error, limit: u64) -> String {
    match e {
        ureq::Error::BodyExceedsLimit(_) => format!(
            "response body too large: over the {:.1} MB limit",
            limit as f64 / 1e6
        ),
        ureq::Error::Timeout(t) => format!("timeout ({t})"),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            "connection refused".into()
        }
        other => other.to_string(),
    }
}
