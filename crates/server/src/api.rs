//! The routes of `/api/v1` and the web UI.

use crate::catalog::{self, Catalog};
use crate::error::{escape_json, json_response, ApiError, ApiResult};
use crate::params::{page_of, paginate, Params};
use crate::views::{self, Page};
use crate::{assets, SharedState};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use rasd_doc::Field;
use rasd_pipeline::export::{csv_field, row, EventFilter, COLUMNS};
use rasd_store::EventRecord;
use serde::Serialize;
use std::collections::HashMap;
use std::fmt::Write as _;

pub fn router(state: SharedState) -> Router {
    let max_body = state.config.max_body;
    let api = Router::new()
        .route("/stats", get(stats))
        .route("/stories", get(stories))
        .route("/stories/{id}", get(story))
        .route("/articles", get(articles))
        .route("/articles/{id}", get(article))
        .route("/articles/{id}/related", get(related))
        .route("/entities", get(entities))
        .route("/entities/{id}", get(entity))
        .route("/events", get(events))
        .route("/events/{id}", get(event))
        .route("/duplicates", get(duplicates))
        .route("/search", get(search))
        .route("/ingest", axum::routing::post(ingest))
        .route("/openapi.json", get(openapi))
        .fallback(api_not_found)
        .layer(DefaultBodyLimit::max(max_body));
    Router::new()
        .route("/", get(assets::index))
        .route("/assets/{*path}", get(assets::asset))
        .nest("/api/v1", api)
        .fallback(not_found)
        .layer(axum::middleware::map_response(security_headers))
        // A bug must cost one request a 500, not the connection.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            panic_response,
        ))
        .with_state(state)
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::Internal("a request handler panicked".into()).into_response()
}

async fn security_headers(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    r
}

async fn api_not_found() -> ApiError {
    ApiError::NotFound("no such endpoint (see /api/v1/openapi.json)".into())
}

async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found").into_response()
}

async fn openapi() -> Json<serde_json::Value> {
    Json(crate::openapi::document())
}

fn parse_id(raw: &str, what: &str) -> ApiResult<i64> {
    raw.parse::<i64>()
        .ok()
        .filter(|&i| i > 0)
        .ok_or_else(|| ApiError::bad(format!("invalid {what} id '{raw}'")))
}

/// The id of a request that takes no parameters.
fn only_id(raw: &str, query: Option<&str>, what: &str) -> ApiResult<i64> {
    let id = parse_id(raw, what)?;
    Params::parse(query)?.finish()?;
    Ok(id)
}

fn json<T: Serialize + ?Sized>(v: &T) -> Response {
    json_response(StatusCode::OK, v)
}

#[derive(Serialize)]
struct StatsView<'a> {
    #[serde(flatten)]
    stats: &'a catalog::CatalogStats,
    /// Stories, events and the knowledge base are being brought up to date
    /// after an upload.
    updating: bool,
}

async fn stats(State(st): State<SharedState>, RawQuery(q): RawQuery) -> ApiResult<Response> {
    Params::parse(q.as_deref())?.finish()?;
    let c = st.catalog();
    Ok(json(&StatsView {
        stats: &c.stats,
        updating: st.updating(),
    }))
}

// ----- stories -----

async fn stories(State(st): State<SharedState>, RawQuery(q): RawQuery) -> ApiResult<Response> {
    let mut p = Params::parse(q.as_deref())?;
    let limit = p.limit()?;
    let sort = p.choice("sort", &["size", "recent"], "size")?;
    let min_size = p.count("min_size", 1, 1, 1_000_000)?;
    let text = p.text("q");
    let c = st.catalog();
    // Entities with a spelling of the same key as the query, looked up once.
    let keyed = text
        .as_deref()
        .map(|t| c.entities_with_key(&rasd_entity::key::name_key(t)))
        .unwrap_or_default();
    let folded = text.as_deref().map(rasd_text::fold_key).unwrap_or_default();
    let keep = |i: usize| {
        let s = &c.stories[i];
        s.articles.len() >= min_size
            && text.as_deref().is_none_or(|t| {
                let tl = t.to_lowercase();
                s.label.contains(t)
                    || (!folded.is_empty()
                        && (rasd_text::fold_key(&s.label).contains(&folded)
                            || s.terms.contains(&folded)))
                    || s.entities.iter().any(|e| {
                        e.name.contains(t)
                            || e.name_en
                                .as_deref()
                                .is_some_and(|n| n.to_lowercase().contains(&tl))
                            || keyed.contains(&e.id)
                    })
            })
    };
    let (items, next) = if sort == "size" {
        let key = |i: usize| catalog::story_size_key(&c.stories[i]);
        page_of(p, &c.stories_by_size, key, limit, keep)?
    } else {
        let key = |i: usize| catalog::story_recent_key(&c.stories[i]);
        page_of(p, &c.stories_by_recent, key, limit, keep)?
    };
    Ok(json(&Page {
        items: items
            .iter()
            .map(|&i| views::story_item(&c.stories[i]))
            .collect(),
        next_cursor: next,
    }))
}

async fn story(
    State(st): State<SharedState>,
    IdPath(id): IdPath,
    RawQuery(q): RawQuery,
) -> ApiResult<Response> {
    let id = only_id(&id, q.as_deref(), "story")?;
    let c = st.catalog();
    let s = c
        .story(id)
        .ok_or_else(|| ApiError::not_found("story", id))?;
    Ok(json(&views::story_detail(&c, s)))
}

// ----- articles -----

async fn articles(State(st): State<SharedState>, RawQuery(q): RawQuery) -> ApiResult<Response> {
    let mut p = Params::parse(q.as_deref())?;
    let limit = p.limit()?;
    let source = p.text("source");
    let since = p.date("since")?;
    let until = p.date("until")?;
    let story = p.int("story")?;
    let kind = p.text("kind");
    if kind
        .as_deref()
        .is_some_and(|k| rasd_doc::ArticleKind::parse(k).is_none())
    {
        return Err(ApiError::bad("'kind' must be page, appended or part"));
    }
    let after: Option<i64> = p.cursor()?;
    p.finish()?;
    let c = st.catalog();
    let members: Option<Vec<usize>> = match story {
        Some(sid) => {
            let s = c
                .story(sid)
                .ok_or_else(|| ApiError::not_found("story", sid))?;
            Some(
                s.articles
                    .iter()
                    .filter_map(|&a| c.article_position(a))
                    .collect(),
            )
        }
        None => None,
    };
    let all: Vec<usize>;
    let order: &[usize] = match &members {
        Some(m) => m,
        None => {
            all = (0..c.articles.len()).collect();
            &all
        }
    };
    let keep = |i: usize| {
        let h = &c.articles[i];
        let date = h.published.as_deref().map(|d| &d[..d.len().min(10)]);
        source
            .as_deref()
            .is_none_or(|s| h.source.as_deref() == Some(s))
            && kind.as_deref().is_none_or(|k| h.kind == k)
            && since
                .as_deref()
                .is_none_or(|s| date.is_some_and(|d| d >= s))
            && until
                .as_deref()
                .is_none_or(|u| date.is_some_and(|d| d[..d.len().min(u.len())] <= *u))
    };
    let (items, next) = paginate(order, |i| c.articles[i].id, after.as_ref(), limit, keep);
    Ok(json(&Page {
        items: items
            .iter()
            .map(|&i| views::article_item(&c, &c.articles[i]))
            .collect(),
        next_cursor: next,
    }))
}

/// An annotation span of an article field, for highlighting.
#[derive(Serialize)]
struct Span {
    kind: &'static str,
    start: usize,
    end: usize,
    ustart: usize,
    uend: usize,
    #[serde(flatten)]
    info: SpanInfo,
}

#[derive(Serialize)]
#[serde(untagged)]
enum SpanInfo {
    Entity {
        #[serde(rename = "type")]
        etype: String,
        entity: Option<i64>,
        name: String,
        name_en: Option<String>,
    },
    Time {
        value: Option<String>,
        grain: &'static str,
    },
    Event {
        #[serde(rename = "type")]
        etype: String,
        event: i64,
        role: &'static str,
    },
}

#[derive(Serialize)]
struct FieldView {
    name: &'static str,
    text: String,
    spans: Vec<Span>,
}

#[derive(Serialize)]
struct Appended {
    id: i64,
    title: Option<String>,
}

#[derive(Serialize)]
struct NearDuplicate<'a> {
    id: i64,
    title: Option<&'a str>,
    source: Option<&'a str>,
    published: Option<&'a str>,
    jaccard: Option<f64>,
}

#[derive(Serialize)]
struct ArticleDetail<'a> {
    #[serde(flatten)]
    item: views::ArticleItem<'a>,
    publisher: Option<String>,
    author: Option<String>,
    crawled: Option<String>,
    appended_to: Option<i64>,
    appended: Vec<Appended>,
    exact_duplicate_of: Option<i64>,
    near_duplicates: Vec<NearDuplicate<'a>>,
    fields: Vec<FieldView>,
}

async fn article(
    State(st): State<SharedState>,
    IdPath(id): IdPath,
    RawQuery(q): RawQuery,
) -> ApiResult<Response> {
    let id = only_id(&id, q.as_deref(), "article")?;
    let c = st.catalog();
    let Some(head) = c.article(id) else {
        return Err(ApiError::not_found("article", id));
    };
    let c2 = c.clone();
    let body = st
        .with_store(move |store| {
            let Some(sa) = store.article(id)? else {
                return Err(ApiError::not_found("article", id));
            };
            let ents = store.article_entities(id)?;
            let times = store.timexes(id)?;
            let appended = store
                .appended_items(id)?
                .into_iter()
                .map(|(id, title)| Appended { id, title })
                .collect();
            let a = &sa.article;
            let mut fields = Vec::new();
            for f in Field::ALL {
                let Some(text) = rasd_pipeline::annotate::field_text(a, f) else {
                    continue;
                };
                if text.is_empty() {
                    continue;
                }
                let span = |kind, start: usize, end: usize, info| Span {
                    kind,
                    start,
                    end,
                    ustart: views::utf16_offset(text, start),
                    uend: views::utf16_offset(text, end),
                    info,
                };
                let mut spans = Vec::new();
                for e in &ents {
                    let kb = e.kb_id.and_then(|k| c2.entity(k));
                    for m in e.mentions.iter().filter(|m| m.field == f) {
                        spans.push(span(
                            "entity",
                            m.start,
                            m.end,
                            SpanInfo::Entity {
                                etype: m.etype.as_str().to_string(),
                                entity: e.kb_id,
                                name: kb
                                    .map(|k| k.name.clone())
                                    .unwrap_or_else(|| e.entity.name.clone()),
                                name_en: kb.and_then(|k| k.name_en.clone()),
                            },
                        ));
                    }
                }
                for t in times.iter().filter(|t| t.field == f) {
                    spans.push(span(
                        "time",
                        t.span.start,
                        t.span.end,
                        SpanInfo::Time {
                            value: t.value.clone(),
                            grain: t.grain.as_str(),
                        },
                    ));
                }
                for e in c2.events_of_article(id) {
                    for m in e
                        .mentions
                        .iter()
                        .filter(|m| m.article == id && m.field == f.as_str())
                    {
                        spans.push(span(
                            "event",
                            m.trigger[0],
                            m.trigger[1],
                            SpanInfo::Event {
                                etype: e.etype.clone(),
                                event: e.id,
                                role: "trigger",
                            },
                        ));
                    }
                }
                spans.retain(|s| s.start < s.end && s.end <= text.len());
                spans.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
                fields.push(FieldView {
                    name: f.as_str(),
                    text: text.to_string(),
                    spans,
                });
            }
            Ok((sa, appended, fields))
        })
        .await?;
    let (sa, appended, fields) = body;
    let near = c
        .near_duplicates(id)
        .into_iter()
        .map(|m| NearDuplicate {
            id: m.id,
            title: m.title.as_deref(),
            source: m.publisher.as_deref(),
            published: m.published.as_deref(),
            jaccard: m.similarity,
        })
        .collect();
    let a = &sa.article;
    Ok(json(&ArticleDetail {
        item: views::article_item(&c, head),
        publisher: a.publisher.clone(),
        author: a.author.clone(),
        crawled: a.crawled.as_ref().map(|d| d.to_string()),
        appended_to: sa.appended_to,
        appended,
        exact_duplicate_of: sa.exact_duplicate_of,
        near_duplicates: near,
        fields,
    }))
}

#[derive(Serialize)]
struct RelatedItem<'a> {
    #[serde(flatten)]
    item: views::ArticleItem<'a>,
    score: f32,
}

async fn related(
    State(st): State<SharedState>,
    IdPath(id): IdPath,
    RawQuery(q): RawQuery,
) -> ApiResult<Response> {
    let id = parse_id(&id, "article")?;
    let mut p = Params::parse(q.as_deref())?;
    let top = p.count("top", 10, 1, 100)?;
    p.finish()?;
    let c = st.catalog();
    if c.article(id).is_none() {
        return Err(ApiError::not_found("article", id));
    }
    let rel = st
        .with_store(move |s| Ok(rasd_pipeline::stories::related(s, id, top)?))
        .await?;
    let items: Vec<RelatedItem> = rel
        .iter()
        .filter_map(|r| {
            c.article(r.id).map(|h| RelatedItem {
                item: views::article_item(&c, h),
                score: r.score,
            })
        })
        .collect();
    Ok(json(&serde_json::json!({ "items": items })))
}

// ----- entities -----

async fn entities(State(st): State<SharedState>, RawQuery(q): RawQuery) -> ApiResult<Response> {
    let mut p = Params::parse(q.as_deref())?;
    let limit = p.limit()?;
    let etype = p.text("type").map(|t| t.to_uppercase());
    if etype
        .as_deref()
        .is_some_and(|t| !["PER", "ORG", "LOC", "MISC"].contains(&t))
    {
        return Err(ApiError::bad("'type' must be PER, ORG, LOC or MISC"));
    }
    let text = p.text("q");
    let country = p.text("country").map(|c| c.to_uppercase());
    let sort = p.choice("sort", &["mentions", "name"], "mentions")?;
    let c = st.catalog();
    let qkey = text
        .as_deref()
        .map(rasd_entity::key::name_key)
        .unwrap_or_default();
    let keep = |i: usize| {
        let e = &c.entities[i];
        etype.as_deref().is_none_or(|t| e.etype == t)
            && country
                .as_deref()
                .is_none_or(|k| e.country.as_deref() == Some(k))
            && text
                .as_deref()
                .is_none_or(|t| c.entity_matches(i, t, &qkey))
    };
    let (items, next) = if sort == "mentions" {
        let key = |i: usize| catalog::entity_mentions_key(&c.entities[i]);
        page_of(p, &c.entities_by_mentions, key, limit, keep)?
    } else {
        let key = |i: usize| catalog::entity_name_key(&c.entities[i]);
        page_of(p, &c.entities_by_name, key, limit, keep)?
    };
    Ok(json(&Page {
        items: items
            .iter()
            .map(|&i| views::entity_item(&c.entities[i]))
            .collect(),
        next_cursor: next,
    }))
}

#[derive(Serialize)]
struct Context {
    article: i64,
    title: Option<String>,
    published: Option<String>,
    field: String,
    start: usize,
    end: usize,
    before: String,
    text: String,
    after: String,
}

#[derive(Serialize)]
struct RoleView<'a> {
    article: i64,
    date: Option<&'a str>,
    role: &'a str,
}

#[derive(Serialize)]
struct CoActor<'a> {
    id: i64,
    #[serde(rename = "type")]
    etype: &'a str,
    name: &'a str,
    name_en: Option<&'a str>,
    /// Articles naming both.
    count: u32,
}

#[derive(Serialize)]
struct EntityStory<'a> {
    id: i64,
    label: &'a str,
    size: usize,
    /// The story's articles that name the entity.
    articles: u32,
}

#[derive(Serialize)]
struct EntityDetail<'a> {
    #[serde(flatten)]
    item: views::EntityItem<'a>,
    country_evidence: Option<&'a str>,
    place_id: Option<i64>,
    articles: &'a [i64],
    contexts: Vec<Context>,
    roles: Vec<RoleView<'a>>,
    co_actors: Vec<CoActor<'a>>,
    events: Vec<&'a EventRecord>,
    stories: Vec<EntityStory<'a>>,
}

async fn entity(
    State(st): State<SharedState>,
    IdPath(id): IdPath,
    RawQuery(q): RawQuery,
) -> ApiResult<Response> {
    let id = only_id(&id, q.as_deref(), "entity")?;
    let c = st.catalog();
    let e = c
        .entity(id)
        .ok_or_else(|| ApiError::not_found("entity", id))?;
    let contexts = st
        .with_store(move |s| {
            let mut texts: HashMap<i64, rasd_store::StoredArticle> = HashMap::new();
            let mut out = Vec::new();
            for m in s.entity_mentions(id, 50)? {
                if let std::collections::hash_map::Entry::Vacant(v) = texts.entry(m.article) {
                    if let Some(a) = s.article(m.article)? {
                        v.insert(a);
                    }
                }
                let Some(a) = texts.get(&m.article) else {
                    continue;
                };
                let Some(f) = Field::parse(&m.field) else {
                    continue;
                };
                let Some(text) = rasd_pipeline::annotate::field_text(&a.article, f) else {
                    continue;
                };
                let (before, t, after) = views::context(text, m.start, m.end, 80);
                out.push(Context {
                    article: m.article,
                    title: a.article.title.clone(),
                    published: a.article.published.as_ref().map(|d| d.to_string()),
                    field: m.field,
                    start: m.start,
                    end: m.end,
                    before,
                    text: t,
                    after,
                });
            }
            Ok(out)
        })
        .await?;
    let roles = e
        .roles
        .iter()
        .map(|(a, r)| RoleView {
            article: *a,
            date: c.article(*a).and_then(|h| h.published.as_deref()),
            role: r,
        })
        .collect();
    let mut co: HashMap<i64, u32> = HashMap::new();
    for &a in &e.articles {
        for o in c.entities_of_article(a) {
            if o.id != id && o.etype != "MISC" {
                *co.entry(o.id).or_default() += 1;
            }
        }
    }
    let mut co: Vec<(i64, u32)> = co.into_iter().collect();
    co.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let co_actors = co
        .iter()
        .take(30)
        .filter_map(|&(o, n)| {
            c.entity(o).map(|o| CoActor {
                id: o.id,
                etype: &o.etype,
                name: &o.name,
                name_en: o.name_en.as_deref(),
                count: n,
            })
        })
        .collect();
    let mut events: Vec<&EventRecord> = c.events_of_entity(id).collect();
    events.sort_by(|a, b| a.date.cmp(&b.date).then(a.id.cmp(&b.id)));
    events.truncate(200);
    let mut in_story: HashMap<i64, u32> = HashMap::new();
    for &a in &e.articles {
        if let Some(s) = c.story_of(a) {
            *in_story.entry(s.id).or_default() += 1;
        }
    }
    let mut stories: Vec<EntityStory> = in_story
        .into_iter()
        .filter_map(|(sid, n)| {
            c.story(sid).map(|s| EntityStory {
                id: sid,
                label: &s.label,
                size: s.articles.len(),
                articles: n,
            })
        })
        .collect();
    stories.sort_by(|a, b| (b.articles, b.size, a.id).cmp(&(a.articles, a.size, b.id)));
    stories.truncate(50);
    Ok(json(&EntityDetail {
        item: views::entity_item(e),
        country_evidence: e.country_evidence.as_deref(),
        place_id: e.place_id,
        articles: &e.articles,
        contexts,
        roles,
        co_actors,
        events,
        stories,
    }))
}

// ----- events -----

fn event_filter(p: &mut Params, c: &Catalog) -> ApiResult<(EventFilter, Option<Vec<i64>>)> {
    let types: Vec<String> = p
        .text("type")
        .map(|t| {
            t.split(',')
                .map(|x| x.trim().to_uppercase())
                .filter(|x| !x.is_empty())
                .collect()
        })
        .unwrap_or_default();
    if let Some(bad) = types.iter().find(|t| !PLOVER_TYPES.contains(&t.as_str())) {
        return Err(ApiError::bad(format!(
            "unknown event type '{bad}' (one of {})",
            PLOVER_TYPES.join(", ")
        )));
    }
    let filter = EventFilter {
        types,
        actor: p.text("actor"),
        country: p.text("country"),
        place: p.text("place"),
        since: p.date("since")?,
        until: p.date("until")?,
        negated: p.bool("negated")?.unwrap_or(false),
    };
    let story = match p.int("story")? {
        Some(sid) => Some(
            c.story(sid)
                .ok_or_else(|| ApiError::not_found("story", sid))?
                .events
                .clone(),
        ),
        None => None,
    };
    Ok((filter, story))
}

/// The 18 PLOVER event types.
pub const PLOVER_TYPES: &[&str] = &[
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "INVESTIGATE",
    "DEMAND",
    "DISAPPROVE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "CRIME",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
];

async fn events(State(st): State<SharedState>, RawQuery(q): RawQuery) -> ApiResult<Response> {
    let mut p = Params::parse(q.as_deref())?;
    let format = p.choice("format", &["json", "jsonl", "csv"], "json")?;
    let c = st.catalog();
    let (filter, story) = event_filter(&mut p, &c)?;
    let keep = |i: usize| {
        let e = &c.events[i];
        filter.keep(e) && story.as_ref().is_none_or(|s| s.contains(&e.id))
    };
    if format != "json" {
        // A download is the whole filtered list, or its first `limit` rows.
        let cap = p.count("limit", usize::MAX, 1, i64::MAX as usize)?;
        p.finish()?;
        let mut out = String::new();
        if format == "csv" {
            out.push_str(&COLUMNS.join(","));
            out.push('\n');
        }
        for &i in c.events_by_date.iter().filter(|&&i| keep(i)).take(cap) {
            let e = &c.events[i];
            if format == "csv" {
                let r: Vec<String> = row(e).iter().map(|f| csv_field(f)).collect();
                out.push_str(&r.join(","));
            } else {
                // JSON Lines, escaped as every JSON answer is.
                out.push_str(&escape_json(
                    &serde_json::to_string(e).expect("events serialize"),
                ));
            }
            out.push('\n');
        }
        let (ctype, name) = if format == "csv" {
            ("text/csv; charset=utf-8", "rasd-events.csv")
        } else {
            ("application/x-ndjson; charset=utf-8", "rasd-events.jsonl")
        };
        let mut r = out.into_response();
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
        let mut disp = String::new();
        let _ = write!(disp, "attachment; filename=\"{name}\"");
        r.headers_mut().insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&disp).expect("ascii header"),
        );
        return Ok(r);
    }
    let limit = p.limit()?;
    let key = |i: usize| catalog::event_date_key(&c.events[i]);
    let (items, next) = page_of(p, &c.events_by_date, key, limit, keep)?;
    Ok(json(&Page {
        items: items.iter().map(|&i| &c.events[i]).collect(),
        next_cursor: next,
    }))
}

async fn event(
    State(st): State<SharedState>,
    IdPath(id): IdPath,
    RawQuery(q): RawQuery,
) -> ApiResult<Response> {
    let id = only_id(&id, q.as_deref(), "event")?;
    let c = st.catalog();
    let e = c
        .event(id)
        .ok_or_else(|| ApiError::not_found("event", id))?;
    Ok(json(e))
}

// ----- duplicates -----

async fn duplicates(State(st): State<SharedState>, RawQuery(q): RawQuery) -> ApiResult<Response> {
    let mut p = Params::parse(q.as_deref())?;
    let limit = p.limit()?;
    let min_size = p.count("min_size", 2, 2, 1_000_000)?;
    let c = st.catalog();
    let order: Vec<usize> = (0..c.duplicate_groups.len()).collect();
    let keep = |i: usize| c.duplicate_groups[i].members.len() >= min_size;
    let (items, next) = page_of(p, &order, |i| i, limit, keep)?;
    Ok(json(&Page {
        items: items.iter().map(|&i| &c.duplicate_groups[i]).collect(),
        next_cursor: next,
    }))
}

// ----- search -----

#[derive(Serialize)]
struct Expanded<'a> {
    entity: i64,
    name: &'a str,
    name_en: Option<&'a str>,
    /// The term of the query it expands.
    term: String,
    variants: Vec<&'a str>,
}

#[derive(Serialize)]
struct SnippetView {
    field: &'static str,
    /// Byte offsets of the window in the field's text.
    start: usize,
    end: usize,
    text: String,
    /// The matches, as UTF-16 offsets within `text`.
    highlights: Vec<[usize; 2]>,
}

#[derive(Serialize)]
struct SearchItem<'a> {
    #[serde(flatten)]
    item: views::ArticleItem<'a>,
    score: f64,
    snippets: Vec<SnippetView>,
}

#[derive(Serialize)]
struct SearchResults<'a> {
    query: String,
    total: usize,
    total_capped: bool,
    expanded: Vec<Expanded<'a>>,
    items: Vec<SearchItem<'a>>,
    next_cursor: Option<String>,
}

/// Most spellings of one entity ORed into a query term.
const MAX_VARIANTS: usize = 12;
/// Letters a query word's skeleton key needs before its entity's other
/// spellings are searched too.
const MIN_EXPANDED_KEY: usize = 4;

async fn search(State(st): State<SharedState>, RawQuery(q): RawQuery) -> ApiResult<Response> {
    let mut p = Params::parse(q.as_deref())?;
    let text = p
        .text("q")
        .ok_or_else(|| ApiError::bad("'q' is required: the words to search for"))?;
    let limit = p.count("limit", 20, 1, rasd_search::MAX_LIMIT)?;
    let offset: usize = p.cursor()?.unwrap_or(0);
    p.finish()?;
    if offset > rasd_search::COUNT_CAP {
        return Err(ApiError::bad("invalid cursor (past the last result)"));
    }
    let query = rasd_search::Query::parse(&text).map_err(|e| ApiError::bad(e.to_string()))?;
    let c = st.catalog();
    // A word of a person's or organisation's name also finds the other
    // spellings of that word in the entity's variants (يفكوروف finds
    // يفكيروف and فكيروف); other words need no help: the index folds
    // hamza, alef, ta marbuta and clitics already.
    let mut expanded = Vec::new();
    let alternatives: Vec<Vec<String>> = query
        .terms()
        .iter()
        .map(|t| {
            if t.exclude || t.words.len() != 1 {
                return Vec::new();
            }
            // Short skeletons are Arabic roots shared by unrelated words
            // (اليمن, الأمن, إيمان); transliterated names have long ones.
            let key = rasd_entity::key::name_key(&t.text);
            if key.chars().count() < MIN_EXPANDED_KEY || key.contains(' ') {
                return Vec::new();
            }
            let names_it = |name: &str| {
                rasd_entity::key::name_key(name)
                    .split(' ')
                    .any(|w| rasd_entity::key::word_keys_match(w, &key))
            };
            let Some(e) = c
                .entities_named(&t.text)
                .into_iter()
                .find(|e| (e.etype == "PER" || e.etype == "ORG") && names_it(&e.name))
            else {
                return Vec::new();
            };
            let mut words: Vec<&str> = Vec::new();
            for (v, _) in &e.variants {
                for w in v.split_whitespace() {
                    let wk = rasd_entity::key::word_key(w);
                    if rasd_entity::key::word_keys_match(&wk, &key)
                        && wk.chars().count() + 1 >= MIN_EXPANDED_KEY
                        && close_spelling(w, &t.text)
                        && !words.contains(&w)
                    {
                        words.push(w);
                    }
                }
            }
            words.truncate(MAX_VARIANTS);
            if words.len() < 2 {
                return Vec::new();
            }
            expanded.push(Expanded {
                entity: e.id,
                name: &e.name,
                name_en: e.name_en.as_deref(),
                term: t.text.clone(),
                variants: words.clone(),
            });
            words.into_iter().map(String::from).collect()
        })
        .collect();
    let q2 = query.clone();
    let page = st
        .with_store(move |s| Ok(rasd_search::search(s, &q2, &alternatives, limit, offset)?))
        .await?;
    let next_cursor = (page.hits.len() == limit && offset + limit < page.total)
        .then(|| crate::params::encode_cursor(&(offset + limit)));
    let items = page
        .hits
        .into_iter()
        .filter_map(|h| {
            let head = c.article(h.article_id)?;
            let snippets = h
                .snippets
                .into_iter()
                .map(|s| SnippetView {
                    field: s.field.as_str(),
                    start: s.start,
                    end: s.end,
                    highlights: s
                        .highlights
                        .iter()
                        .map(|&(a, b)| {
                            let (a, b) = (a.saturating_sub(s.start), b.saturating_sub(s.start));
                            [
                                views::utf16_offset(&s.text, a),
                                views::utf16_offset(&s.text, b),
                            ]
                        })
                        .collect(),
                    text: s.text,
                })
                .collect();
            Some(SearchItem {
                item: views::article_item(&c, head),
                score: h.score,
                snippets,
            })
        })
        .collect();
    Ok(json(&SearchResults {
        query: text,
        total: page.total,
        total_capped: page.total_capped,
        expanded,
        items,
        next_cursor,
    }))
}

/// Two spellings of one name: at most two letters apart once folded and
/// without the article (يفكيروف, يفكوروف, فكيروف; فاغنر, فاجنر), which
/// the skeleton key alone does not ensure (سلمان and المسلمين share one).
fn close_spelling(a: &str, b: &str) -> bool {
    let norm = |w: &str| -> Vec<char> {
        let f = rasd_text::fold(w, &rasd_text::Folds::SEARCH);
        let f = f
            .strip_prefix("ال")
            .filter(|r| r.chars().count() >= 3)
            .unwrap_or(&f);
        f.chars().filter(|c| c.is_alphabetic()).collect()
    };
    let (a, b) = (norm(a), norm(b));
    let limit = (a.len().min(b.len()) / 3).min(2);
    levenshtein(&a, &b) <= limit
}

fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

// ----- ingest -----

fn authorized(st: &SharedState, headers: &HeaderMap) -> ApiResult<()> {
    let Some(token) = st.config.token.as_deref() else {
        return Err(ApiError::Unauthorized(
            "this server takes no writes: start it with --token (or RASD_TOKEN)".into(),
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    // Compare without an early exit.
    let same = given.len() == token.len()
        && given
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if same {
        Ok(())
    } else {
        Err(ApiError::Unauthorized(
            "missing or wrong token (Authorization: Bearer TOKEN)".into(),
        ))
    }
}

/// A name safe to record as an input's path: letters, digits, `._-` only.
fn safe_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let s: String = base
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        .take(100)
        .collect();
    // No `..` anywhere, no leading or trailing dot.
    let mut s = s;
    while s.contains("..") {
        s = s.replace("..", ".");
    }
    let s = s.trim_matches('.').to_string();
    if s.is_empty() {
        "upload".into()
    } else {
        s
    }
}

/// The documents of an ingest request (its `Content-Type`, `name`
/// parameter and body), each with the name it is stored under. Untrusted
/// input: never panics (fuzzed).
pub fn documents(
    content_type: &str,
    name: Option<String>,
    body: &[u8],
) -> ApiResult<Vec<(String, Vec<u8>)>> {
    if body.is_empty() {
        return Err(ApiError::bad("empty body"));
    }
    let ctype = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    let prefix = format!("api:{stamp}");
    match ctype.as_str() {
        "application/json" => {
            let v: serde_json::Value = serde_json::from_slice(body)
                .map_err(|e| ApiError::bad(format!("body is not valid JSON: {e}")))?;
            let Some(list) = v.get("articles").and_then(|a| a.as_array()) else {
                return Err(ApiError::bad(
                    "a JSON body must be {\"articles\": [{\"title\", \"body\", \"url\", \"published\", \"source\"}, …]}",
                ));
            };
            if list.is_empty() {
                return Err(ApiError::bad("'articles' is empty"));
            }
            let mut lines = Vec::new();
            for (i, a) in list.iter().enumerate() {
                let Some(o) = a.as_object() else {
                    return Err(ApiError::bad(format!("articles[{i}] is not an object")));
                };
                let body_ok = o
                    .get("body")
                    .and_then(|b| b.as_str())
                    .is_some_and(|b| !b.trim().is_empty());
                if !body_ok {
                    return Err(ApiError::bad(format!("articles[{i}] has no 'body' text")));
                }
                serde_json::to_writer(&mut lines, a).expect("JSON values serialize");
                lines.push(b'\n');
            }
            let n = safe_name(name.as_deref().unwrap_or("articles"));
            let n = n.strip_suffix(".jsonl").unwrap_or(&n).to_string();
            Ok(vec![(format!("{prefix}/{n}.jsonl"), lines)])
        }
        "text/plain" | "text/html" | "application/xhtml+xml" | "" => {
            let ext = if ctype == "text/plain" { "txt" } else { "html" };
            let mut n = safe_name(name.as_deref().unwrap_or("upload"));
            if !n.contains('.') {
                n = format!("{n}.{ext}");
            }
            Ok(vec![(format!("{prefix}/{n}"), body.to_vec())])
        }
        other => Err(ApiError::UnsupportedType(format!(
            "unsupported Content-Type '{other}': send application/json, text/plain or text/html"
        ))),
    }
}

async fn ingest(
    State(st): State<SharedState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    authorized(&st, &headers)?;
    let mut p = Params::parse(q.as_deref())?;
    let name = p.text("name");
    let wait = p.bool("wait")?.unwrap_or(false);
    p.finish()?;
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge(format!(
                "body over the limit of {} bytes",
                st.config.max_body
            ))
        } else {
            ApiError::bad(e.body_text())
        }
    })?;
    let ctype = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let docs = documents(ctype, name, &body)?;
    let guard = st.write_lock.lock().await;
    let me = st.clone();
    // The articles and what is read off each alone (time expressions,
    // entities, search terms) are stored now; the stages that read across
    // articles follow in the background.
    let summary = crate::spawn_blocking(move || -> ApiResult<rasd_pipeline::Summary> {
        let mut store = crate::open_store(&me.config.db)?;
        let opts = rasd_pipeline::IngestOptions {
            derive: false,
            ..Default::default()
        };
        let sum =
            rasd_pipeline::ingest_documents(&mut *store, docs, &opts, &rasd_pipeline::Silent)?;
        drop(store);
        me.reload()?;
        Ok(sum)
    })
    .await??;
    drop(guard);
    let (status, derive) = if summary.articles_new > 0 {
        let n = st.schedule_derive();
        if wait {
            st.derived(n).await;
            (StatusCode::CREATED, "done")
        } else {
            (StatusCode::ACCEPTED, "scheduled")
        }
    } else if summary.inputs_failed > 0 {
        (StatusCode::UNPROCESSABLE_ENTITY, "none")
    } else {
        (StatusCode::OK, "none")
    };
    Ok(json_response(
        status,
        &IngestAnswer {
            summary: &summary,
            derive,
        },
    ))
}

#[derive(Serialize)]
struct IngestAnswer<'a> {
    #[serde(flatten)]
    summary: &'a rasd_pipeline::Summary,
    /// The knowledge base, near-duplicates, events and stories: `done` (with
    /// `wait=true`), `scheduled` (in the background; `/api/v1/stats` says
    /// `updating` until they are), or `none` (nothing new).
    derive: &'static str,
}

/// The id segment of a path, as text: a segment that is no UTF-8 once
/// percent-decoded gets the API's JSON error (400), not axum's plain text.
struct IdPath(String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for IdPath {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        match Path::<String>::from_request_parts(parts, state).await {
            Ok(Path(id)) => Ok(IdPath(id)),
            Err(e) => Err(ApiError::bad(format!(
                "the path is not valid: {}",
                e.body_text()
            ))),
        }
    }
}
