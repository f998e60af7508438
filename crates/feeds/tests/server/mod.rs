//! A small HTTP/1.1 server on 127.0.0.1 for the tests: fixed routes, every
//! request logged with its headers, a thread per connection.

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone)]
pub enum Route {
    /// 200 with this Content-Type and body; with an ETag and Last-Modified,
    /// answers 304 to a request that sends the same ETag back.
    Ok {
        content_type: String,
        body: Vec<u8>,
        etag: Option<String>,
        last_modified: Option<String>,
    },
    Status(u16),
    /// Sleeps, then answers 200 with a small page.
    Sleep(Duration),
}

pub fn html(body: &str) -> Route {
    Route::Ok {
        content_type: "text/html; charset=utf-8".into(),
        body: body.as_bytes().to_vec(),
        etag: None,
        last_modified: None,
    }
}

#[derive(Debug, Clone)]
pub struct Request {
    pub path: String,
    /// Lowercased names.
    pub headers: HashMap<String, String>,
}

#[derive(Clone)]
pub struct Server {
    pub base: String,
    routes: Arc<Mutex<HashMap<String, Route>>>,
    log: Arc<Mutex<Vec<Request>>>,
}

impl Server {
    pub fn start() -> Server {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", l.local_addr().unwrap());
        let s = Server {
            base,
            routes: Arc::default(),
            log: Arc::default(),
        };
        let s2 = s.clone();
        std::thread::spawn(move || {
            for c in l.incoming() {
                let Ok(c) = c else { continue };
                let s = s2.clone();
                std::thread::spawn(move || s.handle(c));
            }
        });
        s
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn set(&self, path: &str, r: Route) {
        self.routes.lock().unwrap().insert(path.into(), r);
    }

    pub fn requests(&self) -> Vec<Request> {
        self.log.lock().unwrap().clone()
    }

    pub fn hits(&self, path: &str) -> usize {
        self.requests().iter().filter(|r| r.path == path).count()
    }

    pub fn clear_log(&self) {
        self.log.lock().unwrap().clear();
    }

    fn handle(&self, mut c: TcpStream) {
        c.set_read_timeout(Some(Duration::from_secs(5))).ok();
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 65536 {
            match c.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let head = String::from_utf8_lossy(&buf).to_string();
        let mut lines = head.split("\r\n");
        let path = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .unwrap_or("/")
            .to_string();
        let headers: HashMap<String, String> = lines
            .take_while(|l| !l.is_empty())
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let inm = headers.get("if-none-match").cloned();
        self.log.lock().unwrap().push(Request {
            path: path.clone(),
            headers,
        });
        let route = self.routes.lock().unwrap().get(&path).cloned();
        let (status, extra, body): (&str, String, Vec<u8>) = match route {
            None => ("404 Not Found", String::new(), b"not found".to_vec()),
            Some(Route::Status(s)) => (
                match s {
                    404 => "404 Not Found",
                    500 => "500 Internal Server Error",
                    _ => "503 Service Unavailable",
                },
                String::new(),
                b"error".to_vec(),
            ),
            Some(Route::Sleep(d)) => {
                std::thread::sleep(d);
                (
                    "200 OK",
                    "Content-Type: text/html\r\n".into(),
                    b"<html><body><p>late</p></body></html>".to_vec(),
                )
            }
            Some(Route::Ok {
                content_type,
                body,
                etag,
                last_modified,
            }) => {
                let mut extra = format!("Content-Type: {content_type}\r\n");
                if let Some(e) = &etag {
                    extra += &format!("ETag: {e}\r\n");
                }
                if let Some(m) = &last_modified {
                    extra += &format!("Last-Modified: {m}\r\n");
                }
                if etag.is_some() && inm == etag {
                    ("304 Not Modified", extra, Vec::new())
                } else {
                    ("200 OK", extra, body)
                }
            }
        };
        let mut out = format!(
            "HTTP/1.1 {status}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n",
            if status.starts_with("304") {
                0
            } else {
                body.len()
            }
        )
        .into_bytes();
        out.extend_from_slice(&body);
        let _ = c.write_all(&out);
        let _ = c.flush();
    }
}
