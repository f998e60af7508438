//! `rasd serve --watch DIR`: a file dropped into the watched folder shows in
//! the API without a restart. In process, loopback only, bounded waits.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use rasd_server::watch::{FolderWatcher, WatchFolder};
use rasd_server::{api, AppState, Config};
use serde_json::Value;
use std::time::{Duration, Instant};
use tower::ServiceExt;

/// Our own writing.
const REPORT: &str = "افتتاح جسر جديد فوق النهر\n\nافتتح وزير النقل صباح اليوم جسرا جديدا فوق النهر يربط شطري المدينة، وقال إن الجسر سيخفف الازدحام المروري ويختصر زمن الرحلة إلى النصف.\n";

async fn articles(app: &axum::Router) -> Vec<Value> {
    let r = app
        .clone()
        .oneshot(
            Request::get("/api/v1/articles")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let b = r.into_body().collect().await.unwrap().to_bytes();
    let v: Value = serde_json::from_slice(&b).unwrap();
    v["items"].as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_dropped_into_the_watched_folder_show_without_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let state = AppState::open(Config {
        db: dir.path().join("w.db"),
        addr: "127.0.0.1:0".parse().unwrap(),
        token: None,
        max_body: 64 * 1024,
    })
    .unwrap();
    let app = api::router(state.clone());
    assert!(articles(&app).await.is_empty());
    let watcher = FolderWatcher::spawn(
        state.clone(),
        WatchFolder {
            dir: input.clone(),
            interval: Duration::from_millis(200),
        },
    );
    std::fs::write(input.join("bridge.txt.part"), REPORT).unwrap();
    std::fs::rename(input.join("bridge.txt.part"), input.join("bridge.txt")).unwrap();
    let t0 = Instant::now();
    let mut items = Vec::new();
    while t0.elapsed() < Duration::from_secs(20) {
        items = articles(&app).await;
        if !items.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(items.len(), 1, "the dropped file did not show within 20 s");
    assert_eq!(items[0]["title"], "افتتاح جسر جديد فوق النهر");
    // The watcher lives on after a file and the stages it set off (it used
    // to die there: the stages were started on tokio's blocking pool from
    // the watcher's thread, which is outside the runtime).
    let second = format!("{REPORT}\nوأضاف المسؤول أن الجسر سيفتح أمام المركبات الأسبوع المقبل.\n");
    std::fs::write(input.join("bridge-2.txt.part"), second).unwrap();
    std::fs::rename(input.join("bridge-2.txt.part"), input.join("bridge-2.txt")).unwrap();
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(20) {
        items = articles(&app).await;
        if items.len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(items.len(), 2, "the second file did not show within 20 s");
    let stop = tokio::time::timeout(Duration::from_secs(20), watcher.stop()).await;
    assert!(stop.is_ok(), "the watcher did not stop");
}
