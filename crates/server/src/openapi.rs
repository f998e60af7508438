//! The OpenAPI 3.1 document served at `/api/v1/openapi.json`.

use serde_json::{json, Value};

fn param(name: &str, desc: &str, schema: Value) -> Value {
    json!({ "name": name, "in": "query", "required": false, "description": desc, "schema": schema })
}

fn id_param(what: &str) -> Value {
    json!({ "name": "id", "in": "path", "required": true, "description": format!("{what} id"),
            "schema": { "type": "integer", "minimum": 1 } })
}

fn paging() -> Vec<Value> {
    vec![
        param(
            "limit",
            "Items per page (1–200, default 20).",
            json!({"type": "integer", "minimum": 1, "maximum": 200}),
        ),
        param(
            "cursor",
            "The next_cursor of the previous page, unchanged.",
            json!({"type": "string"}),
        ),
    ]
}

fn ok(schema: Value, desc: &str) -> Value {
    json!({
        "200": { "description": desc, "content": { "application/json": { "schema": schema } } },
        "400": { "$ref": "#/components/responses/BadRequest" }
    })
}

fn ok_or_404(schema: Value, desc: &str) -> Value {
    let mut r = ok(schema, desc);
    r["404"] = json!({ "$ref": "#/components/responses/NotFound" });
    r
}

fn page_of(item: &str) -> Value {
    json!({
        "type": "object",
        "required": ["items", "next_cursor"],
        "properties": {
            "items": { "type": "array", "items": { "$ref": format!("#/components/schemas/{item}") } },
            "next_cursor": { "type": ["string", "null"] }
        }
    })
}

fn get(summary: &str, params: Vec<Value>, responses: Value) -> Value {
    json!({ "get": { "summary": summary, "parameters": params, "responses": responses } })
}

fn date(name: &str, desc: &str) -> Value {
    param(
        name,
        desc,
        json!({"type": "string", "pattern": "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"}),
    )
}

pub fn document() -> Value {
    let s = |t: &str| json!({ "type": t });
    let opt = |t: &str| json!({ "type": [t, "null"] });
    let actor = json!({
        "type": ["object", "null"],
        "properties": { "entity": opt("integer"), "name": s("string"), "name_en": opt("string"),
                        "country": opt("string"), "sector": opt("string") }
    });
    let mut paths = serde_json::Map::new();
    paths.insert(
        "/api/v1/stats".into(),
        get(
            "Counts over the store.",
            vec![],
            ok(json!({"$ref": "#/components/schemas/Stats"}), "Counts"),
        ),
    );
    let mut p = paging();
    p.push(param(
        "sort",
        "size (articles, default) or recent (last seen).",
        json!({"enum": ["size", "recent"]}),
    ));
    p.push(param(
        "min_size",
        "Only stories of at least this many articles.",
        json!({"type": "integer", "minimum": 1}),
    ));
    p.push(param(
        "q",
        "Only stories whose headline (label), top words or entities match (any spelling variant).",
        s("string"),
    ));
    paths.insert(
        "/api/v1/stories".into(),
        get(
            "Stories, largest or latest first.",
            p,
            ok(page_of("Story"), "A page of stories"),
        ),
    );
    paths.insert(
        "/api/v1/stories/{id}".into(),
        get(
            "One story with its timeline, places, actor graph and articles.",
            vec![id_param("story")],
            ok_or_404(
                json!({"$ref": "#/components/schemas/StoryDetail"}),
                "The story",
            ),
        ),
    );
    let mut p = paging();
    p.push(param(
        "source",
        "Only articles of this publisher.",
        s("string"),
    ));
    p.push(date("since", "Published on or after."));
    p.push(date("until", "Published on or before."));
    p.push(param("story", "Only articles of this story.", s("integer")));
    p.push(param(
        "kind",
        "page, appended (an item split off a page) or part (a further part of an over-long article).",
        json!({"enum": ["page", "appended", "part"]}),
    ));
    paths.insert(
        "/api/v1/articles".into(),
        get(
            "Articles in id order.",
            p,
            ok(page_of("Article"), "A page of articles"),
        ),
    );
    paths.insert(
        "/api/v1/articles/{id}".into(),
        get(
            "One article with its fields and their entity, time and event spans.",
            vec![id_param("article")],
            ok_or_404(
                json!({"$ref": "#/components/schemas/ArticleDetail"}),
                "The article",
            ),
        ),
    );
    paths.insert(
        "/api/v1/articles/{id}/related".into(),
        get("Articles nearest by TF-IDF cosine (near-duplicates left out).",
            vec![id_param("article"), param("top", "How many (1–100, default 10).", s("integer"))],
            ok_or_404(json!({"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Article"}}}}), "Related articles")),
    );
    let mut p = paging();
    p.push(param(
        "q",
        "Part of a name, an English name, or any spelling variant (يفكوروف finds يفكيروف).",
        s("string"),
    ));
    p.push(param(
        "type",
        "PER, ORG, LOC or MISC.",
        json!({"enum": ["PER", "ORG", "LOC", "MISC"]}),
    ));
    p.push(param("country", "ISO alpha-3 actor country.", s("string")));
    p.push(param(
        "sort",
        "mentions (default) or name.",
        json!({"enum": ["mentions", "name"]}),
    ));
    paths.insert(
        "/api/v1/entities".into(),
        get(
            "The knowledge base.",
            p,
            ok(page_of("Entity"), "A page of entities"),
        ),
    );
    paths.insert(
        "/api/v1/entities/{id}".into(),
        get(
            "One entity with mentions in context, roles, co-occurring actors, events and stories.",
            vec![id_param("entity")],
            ok_or_404(
                json!({"$ref": "#/components/schemas/EntityDetail"}),
                "The entity",
            ),
        ),
    );
    let mut p = paging();
    p.push(param("type", "PLOVER types, comma-separated.", s("string")));
    p.push(param(
        "actor",
        "Source or target: part of a name, an English name, or an entity id.",
        s("string"),
    ));
    p.push(param(
        "country",
        "An actor's (ISO alpha-3) or the place's country.",
        s("string"),
    ));
    p.push(param(
        "place",
        "Part of the place's name (Arabic or English) or its entity id.",
        s("string"),
    ));
    p.push(date("since", "On or after."));
    p.push(date("until", "On or before."));
    p.push(param(
        "story",
        "Only the events of this story.",
        s("integer"),
    ));
    p.push(param("negated", "Include negated events.", s("boolean")));
    p.push(param(
        "format",
        "json (paged, default), or jsonl / csv: the whole filtered list as a download.",
        json!({"enum": ["json", "jsonl", "csv"]}),
    ));
    let mut r = ok(page_of("Event"), "A page of events (format=json)");
    r["200"]["content"]["application/x-ndjson"] = json!({ "schema": s("string") });
    r["200"]["content"]["text/csv"] = json!({ "schema": s("string") });
    paths.insert(
        "/api/v1/events".into(),
        get("PLOVER events, latest first.", p, r),
    );
    paths.insert(
        "/api/v1/events/{id}".into(),
        get(
            "One event.",
            vec![id_param("event")],
            ok_or_404(json!({"$ref": "#/components/schemas/Event"}), "The event"),
        ),
    );
    let mut p = paging();
    p.push(param(
        "min_size",
        "Only groups of at least this many articles.",
        s("integer"),
    ));
    paths.insert(
        "/api/v1/duplicates".into(),
        get(
            "Near-duplicate groups, largest first.",
            p,
            ok(page_of("DuplicateGroup"), "A page of groups"),
        ),
    );
    let mut p = paging();
    p.insert(0, json!({ "name": "q", "in": "query", "required": true, "schema": s("string"),
        "description": "Words (any diacritics, hamza or alef forms, ة/ه, ى/ي, clitics), \"a phrase\", -excluded. A word naming an entity also finds its other spellings." }));
    paths.insert(
        "/api/v1/search".into(),
        get(
            "Full-text search over titles and bodies, ranked, with highlighted snippets.",
            p,
            ok(
                json!({"$ref": "#/components/schemas/SearchResults"}),
                "Results",
            ),
        ),
    );
    paths.insert("/api/v1/ingest".into(), json!({ "post": {
        "summary": "Add articles. They are stored with their time expressions, entities and search terms before the answer; the knowledge base, near-duplicates, events and stories follow in the background (or before the answer with wait=true).",
        "security": [{ "bearer": [] }],
        "parameters": [param("name", "File name to record the upload under (its extension tells the format for raw bodies).", s("string")),
                       param("wait", "Answer only when the knowledge base, events and stories include the upload.", s("boolean"))],
        "requestBody": { "required": true, "content": {
            "application/json": { "schema": { "type": "object", "required": ["articles"], "properties": { "articles": {
                "type": "array", "items": { "type": "object", "required": ["body"], "properties": {
                    "title": s("string"), "body": s("string"), "url": s("string"), "published": s("string"), "source": s("string") } } } } } },
            "text/plain": { "schema": s("string") },
            "text/html": { "schema": s("string") } } },
        "responses": {
            "201": { "description": "Articles added and every stage done (wait=true): the ingest summary (as `rasd ingest --json`) with derive = done.", "content": { "application/json": { "schema": s("object") } } },
            "202": { "description": "Articles added; the cross-article stages run in the background (derive = scheduled; /api/v1/stats says updating until they are done).", "content": { "application/json": { "schema": s("object") } } },
            "200": { "description": "Nothing new (already stored).", "content": { "application/json": { "schema": s("object") } } },
            "400": { "$ref": "#/components/responses/BadRequest" },
            "401": { "description": "No or wrong token.", "content": { "application/json": { "schema": {"$ref": "#/components/schemas/Error"} } } },
            "413": { "description": "Body over the limit.", "content": { "application/json": { "schema": {"$ref": "#/components/schemas/Error"} } } },
            "415": { "description": "Unsupported Content-Type.", "content": { "application/json": { "schema": {"$ref": "#/components/schemas/Error"} } } },
            "422": { "description": "The input could not be read (reason in the summary's errors).", "content": { "application/json": { "schema": s("object") } } }
        } } }));
    paths.insert(
        "/api/v1/openapi.json".into(),
        get(
            "This document.",
            vec![],
            json!({"200": {"description": "OpenAPI 3.1"}}),
        ),
    );

    let span = json!({ "type": "object", "required": ["kind", "start", "end", "ustart", "uend"], "properties": {
        "kind": { "enum": ["entity", "time", "event"] },
        "start": { "type": "integer", "description": "UTF-8 byte offset in the field text" }, "end": s("integer"),
        "ustart": { "type": "integer", "description": "UTF-16 offset (JavaScript string index)" }, "uend": s("integer"),
        "type": s("string"), "entity": opt("integer"), "name": s("string"), "name_en": opt("string"),
        "value": opt("string"), "grain": s("string"), "event": s("integer"), "role": s("string") } });
    let story_props = json!({
        "id": s("integer"),
        "label": { "type": "string", "description": "The story's representative headline in its original spelling: the title of the canonical member of its largest near-duplicate group, else of its most central member (site names, UI text and titles under three words skipped), else the first sentence of a body cut at 12 words" },
        "actors": { "type": "array", "items": s("string"), "description": "The names of the top actors (up to three), the persons and organisations most of its articles name" },
        "first_seen": opt("string"), "last_seen": opt("string"),
        "size": s("integer"),
        "num_sources": { "type": "integer", "description": "Distinct publishers of its articles (source label, else the URL's host); articles without any publisher count as one unnamed source when none has one, so never 0" },
        "sources": { "type": "array", "items": s("string"), "description": "The distinct publisher names (never a placeholder for articles without one)" },
        "entities": { "type": "array", "items": { "type": "object", "properties": {
            "id": s("integer"), "type": s("string"), "name": s("string"), "name_en": opt("string"), "count": s("integer"), "articles": s("integer") } } },
        "terms": { "type": "array", "items": s("string") }, "events": s("integer") });
    let mut detail_props = story_props.as_object().unwrap().clone();
    for (k, v) in [
        (
            "articles",
            json!({"type": "array", "items": {"type": "object", "properties": {"id": s("integer"), "title": opt("string"), "source": opt("string"), "published": opt("string"), "url": opt("string"), "kind": s("string"), "duplicate_of": opt("integer")}}}),
        ),
        (
            "duplicate_groups",
            json!({"type": "array", "items": {"type": "array", "items": s("integer")}}),
        ),
        (
            "linked",
            json!({"type": "array", "items": {"type": "object", "properties": {"id": s("integer"), "label": s("string"), "shared": s("integer")}}}),
        ),
        (
            "timeline",
            json!({"type": "array", "items": {"$ref": "#/components/schemas/Event"}}),
        ),
        (
            "background",
            json!({"type": "array", "items": {"$ref": "#/components/schemas/Event"}}),
        ),
        (
            "places",
            json!({"type": "array", "items": {"type": "object", "properties": {"name": s("string"), "name_en": opt("string"), "lat": s("number"), "lon": s("number"), "country": opt("string"), "events": s("integer"), "mentions": s("integer")}}}),
        ),
        (
            "graph",
            json!({"type": "object", "properties": {
            "nodes": {"type": "array", "items": {"type": "object", "properties": {"id": s("string"), "entity": opt("integer"), "name": s("string"), "name_en": opt("string"), "country": opt("string"), "sector": opt("string"), "events": s("integer")}}},
            "edges": {"type": "array", "items": {"type": "object", "properties": {"source": s("string"), "target": s("string"), "type": s("string"), "count": s("integer"), "events": {"type": "array", "items": s("integer")}}}}}}),
        ),
    ] {
        detail_props.insert(k.into(), v);
    }
    let article_props = json!({ "id": s("integer"), "title": opt("string"), "source": opt("string"), "published": opt("string"),
        "url": opt("string"), "kind": { "enum": ["page", "appended", "part"] },
        "story": { "type": ["object", "null"], "properties": { "id": s("integer"), "label": s("string") } } });
    let mut article_detail = article_props.as_object().unwrap().clone();
    for (k, v) in [
        ("publisher", opt("string")),
        ("author", opt("string")),
        ("crawled", opt("string")),
        ("appended_to", opt("integer")),
        ("exact_duplicate_of", opt("integer")),
        (
            "appended",
            json!({"type": "array", "items": {"type": "object", "properties": {"id": s("integer"), "title": opt("string")}}}),
        ),
        (
            "near_duplicates",
            json!({"type": "array", "items": {"type": "object", "properties": {"id": s("integer"), "title": opt("string"), "source": opt("string"), "published": opt("string"), "jaccard": opt("number")}}}),
        ),
        (
            "fields",
            json!({"type": "array", "items": {"type": "object", "properties": {"name": s("string"), "text": s("string"), "spans": {"type": "array", "items": span}}}}),
        ),
    ] {
        article_detail.insert(k.into(), v);
    }
    let entity_props = json!({ "id": s("integer"), "type": s("string"), "name": s("string"), "name_en": opt("string"),
        "variants": { "type": "array", "items": { "type": "array", "prefixItems": [s("string"), s("integer")] } },
        "mentions": s("integer"), "country": opt("string"), "sector": opt("string"), "lat": opt("number"), "lon": opt("number"),
        "num_articles": s("integer") });
    let mut entity_detail = entity_props.as_object().unwrap().clone();
    for (k, v) in [
        ("country_evidence", opt("string")),
        ("place_id", opt("integer")),
        ("articles", json!({"type": "array", "items": s("integer")})),
        (
            "contexts",
            json!({"type": "array", "items": {"type": "object", "properties": {"article": s("integer"), "title": opt("string"), "published": opt("string"), "field": s("string"), "start": s("integer"), "end": s("integer"), "before": s("string"), "text": s("string"), "after": s("string")}}}),
        ),
        (
            "roles",
            json!({"type": "array", "items": {"type": "object", "properties": {"article": s("integer"), "date": opt("string"), "role": s("string")}}}),
        ),
        (
            "co_actors",
            json!({"type": "array", "items": {"type": "object", "properties": {"id": s("integer"), "type": s("string"), "name": s("string"), "name_en": opt("string"), "count": s("integer")}}}),
        ),
        (
            "events",
            json!({"type": "array", "items": {"$ref": "#/components/schemas/Event"}}),
        ),
        (
            "stories",
            json!({"type": "array", "items": {"type": "object", "properties": {"id": s("integer"), "label": s("string"), "size": s("integer"), "articles": s("integer")}}}),
        ),
    ] {
        entity_detail.insert(k.into(), v);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "rasd API",
            "version": "1",
            "description": "rasd (رصد): offline, Arabic-native news intelligence. Byte offsets (start/end) index UTF-8 field text; ustart/uend are UTF-16 offsets for browsers. Errors are {\"error\": \"…\"} with a 4xx status."
        },
        "paths": paths,
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "responses": {
                "BadRequest": { "description": "A bad parameter, cursor or body.", "content": { "application/json": { "schema": {"$ref": "#/components/schemas/Error"} } } },
                "NotFound": { "description": "No such id.", "content": { "application/json": { "schema": {"$ref": "#/components/schemas/Error"} } } }
            },
            "schemas": {
                "Error": { "type": "object", "required": ["error"], "properties": { "error": s("string") } },
                "Stats": { "type": "object", "properties": { "articles": s("integer"), "pages": s("integer"), "stories": s("integer"),
                    "entities": s("integer"), "events": s("integer"), "sources": { "type": "array" }, "updating": s("boolean"),
                    "first_published": opt("string"), "last_published": opt("string") } },
                "Story": { "type": "object", "properties": story_props },
                "StoryDetail": { "type": "object", "properties": detail_props },
                "Article": { "type": "object", "properties": article_props },
                "ArticleDetail": { "type": "object", "properties": article_detail },
                "Entity": { "type": "object", "properties": entity_props },
                "EntityDetail": { "type": "object", "properties": entity_detail },
                "Event": { "type": "object", "properties": {
                    "id": s("integer"), "type": s("string"), "mode": opt("string"), "intent": s("boolean"), "negated": s("boolean"),
                    "source": actor, "target": actor,
                    "place": { "type": ["object", "null"], "properties": { "entity": opt("integer"), "name": s("string"), "name_en": opt("string"),
                        "lat": opt("number"), "lon": opt("number"), "country": opt("string") } },
                    "date": opt("string"), "date_grain": opt("string"), "date_source": opt("string"),
                    "mentions": { "type": "array", "items": { "type": "object", "properties": {
                        "article": s("integer"), "field": s("string"),
                        "sentence": { "type": "array", "items": s("integer") }, "trigger": { "type": "array", "items": s("integer") },
                        "text": s("string"), "trigger_text": s("string"), "confidence": s("number") } } },
                    "articles": { "type": "array", "items": s("integer") },
                    "num_sources": s("integer"), "num_articles": s("integer"), "confidence": s("number") } },
                "DuplicateGroup": { "type": "object", "properties": { "canonical": s("integer"),
                    "members": { "type": "array", "items": s("object") }, "publishers": { "type": "array", "items": s("string") },
                    "min_similarity": s("number") } },
                "SearchResults": { "type": "object", "properties": {
                    "query": s("string"), "total": s("integer"), "total_capped": s("boolean"),
                    "expanded": { "type": "array", "items": { "type": "object", "properties": { "entity": s("integer"), "name": s("string"), "variants": { "type": "array", "items": s("string") } } } },
                    "items": { "type": "array", "items": { "type": "object", "properties": {
                        "id": s("integer"), "title": opt("string"), "source": opt("string"), "published": opt("string"), "score": s("number"),
                        "story": { "type": ["object", "null"] },
                        "snippets": { "type": "array", "items": { "type": "object", "properties": { "field": s("string"), "text": s("string"),
                            "highlights": { "type": "array", "items": { "type": "array", "items": s("integer") } } } } } } } },
                    "next_cursor": opt("string") } }
            }
        }
    })
}
