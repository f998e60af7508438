//! `rasd serve` on PostgreSQL: two servers on one database; an upload
//! through one is visible in the other. Runs when `RASD_TEST_PG` names a
//! PostgreSQL server (`.ci/run` starts one).

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use rasd_server::{api, AppState, Config, SharedState};
use serde_json::{json, Value};
use tower::ServiceExt;

const TOKEN: &str = "test-token-123";

async fn call(app: &axum::Router, req: Request<Body>) -> (StatusCode, Value) {
    let r = app.clone().oneshot(req).await.unwrap();
    let status = r.status();
    let body = r.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

/// A server's state, opened off the async runtime (the PostgreSQL client
/// runs one of its own).
fn open(url: &str) -> SharedState {
    let config = Config {
        db: url.into(),
        addr: "127.0.0.1:0".parse().unwrap(),
        token: Some(TOKEN.to_string()),
        max_body: 64 * 1024,
    };
    std::thread::spawn(move || AppState::open(config).unwrap())
        .join()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_share_one_database() {
    // Made and dropped off the async runtime, as the stores are.
    let made = std::thread::spawn(|| rasd_store::testing::TestDb::new("server_two"));
    let Some(db) = made.join().unwrap() else {
        eprintln!("skip: RASD_TEST_PG is not set (no PostgreSQL server to test on)");
        return;
    };
    let (one, two) = (open(&db.url), open(&db.url));
    let (a, b) = (api::router(one.clone()), api::router(two.clone()));
    let (s, stats) = call(
        &b,
        Request::get("/api/v1/stats").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!((s, stats["articles"].clone()), (StatusCode::OK, json!(0)));
    let upload = json!({"articles": [{
        "title": "لافروف يلتقي شكري في موسكو",
        "body": "التقى وزير الخارجية الروسي سيرغي لافروف في موسكو اليوم الثلاثاء وزير الخارجية المصري سامح شكري، وبحث الجانبان الأوضاع في المنطقة.",
        "published": "2024-03-05",
        "source": "wire",
        "url": "https://wire.example/1"
    }]});
    let req = Request::post("/api/v1/ingest?wait=true")
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {TOKEN}"))
        .body(Body::from(serde_json::to_vec(&upload).unwrap()))
        .unwrap();
    let (s, sum) = call(&a, req).await;
    assert_eq!(s, StatusCode::CREATED, "{sum}");
    assert_eq!(sum["articles_new"], 1);
    // The other server notices the write (it checks once a second) and
    // reloads its catalog.
    let mut seen = Value::Null;
    for _ in 0..40 {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        let (_, v) = call(
            &b,
            Request::get("/api/v1/search?q=%D9%84%D8%A7%D9%81%D8%B1%D9%88%D9%81")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        if v["items"].as_array().is_some_and(|i| !i.is_empty()) {
            seen = v;
            break;
        }
    }
    assert_eq!(
        seen["items"][0]["title"], "لافروف يلتقي شكري في موسكو",
        "{seen}"
    );
    let (_, stats) = call(
        &b,
        Request::get("/api/v1/stats").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(stats["articles"], 1);
    assert!(stats["events"].as_u64().unwrap_or(0) >= 1, "{stats}");
    drop((a, b, one, two));
    std::thread::spawn(move || drop(db)).join().unwrap();
}
