//! Request handling: auth, rate limits, faults, then the API routes.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Map, Value, json};

use crate::config::SimConfig;
use crate::limits::{PerObject, Rolling, Verdict};
use crate::render;
use crate::store::{COLLECTIONS, Rec, Store, ts};

/// Counters.
#[derive(Debug, Default)]
pub struct Stats {
    requests: AtomicU64,
    throttled: AtomicU64,
}

/// Fault generator state.
#[derive(Debug)]
pub struct FaultState {
    rng: fastrand::Rng,
    burst: u32,
    rate_override: Option<f64>,
    forced: Option<u16>,
    queued: std::collections::VecDeque<Fault>,
}

impl FaultState {
    pub fn new(seed: u64) -> Self {
        FaultState {
            rng: fastrand::Rng::with_seed(seed),
            burst: 0,
            rate_override: None,
            forced: None,
            queued: Default::default(),
        }
    }
}

/// State shared by all requests.
#[derive(Debug)]
pub struct Shared {
    pub config: SimConfig,
    pub store: Mutex<Store>,
    pub limiter: Mutex<Rolling>,
    pub objects: Mutex<PerObject>,
    pub faults: Mutex<FaultState>,
    pub webhooks: Mutex<Vec<(String, String)>>,
    pub stats: Stats,
}

pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Shared {
    pub fn stats(&self) -> (u64, u64) {
        (self.stats.requests.load(Ordering::Relaxed), self.stats.throttled.load(Ordering::Relaxed))
    }
    pub fn count(&self, coll: &str) -> usize {
        lock(&self.store).coll(coll).map_or(0, |c| c.len())
    }
    pub fn set_fault_rate(&self, rate: f64) {
        lock(&self.faults).rate_override = Some(rate.clamp(0.0, 1.0));
    }
    pub fn force_status(&self, status: Option<u16>) {
        lock(&self.faults).forced = status;
    }
    pub fn fail_next(&self, status: u16, count: u32) {
        let mut f = lock(&self.faults);
        f.queued.extend((0..count).map(|_| Fault::Status(status)));
    }
    pub fn malform_next(&self) {
        lock(&self.faults).queued.push_back(Fault::Malformed);
    }
}

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new().fallback(handle).with_state(shared)
}

/// A response under construction.
pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub headers: Vec<(&'static str, String)>,
}

pub fn reply(status: u16, body: Value) -> Reply {
    Reply { status, body, headers: Vec::new() }
}

pub fn err(status: u16, code: &str, detail: &str) -> Reply {
    reply(status, render::error(status, code, detail))
}

fn epoch_after(d: std::time::Duration) -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0);
    // Round up to the millisecond so a client waiting until then is never early.
    format!("{:.3}", ((now + d.as_secs_f64()) * 1000.0).ceil() / 1000.0)
}

fn limit_headers(prefix: &'static str, v: &Verdict) -> Vec<(&'static str, String)> {
    let (l, r, s) = match prefix {
        "object" => ("x-ratelimit-object-limit", "x-ratelimit-object-remaining", "x-ratelimit-object-reset"),
        _ => ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"),
    };
    vec![(l, v.limit.to_string()), (r, v.remaining.to_string()), (s, epoch_after(v.reset_in))]
}

#[derive(Debug)]
pub enum Fault {
    None,
    Status(u16),
    Truncate,
    Drop,
    /// A complete response whose JSON body is cut in half (valid HTTP, invalid JSON).
    Malformed,
}

async fn handle(State(sim): State<Arc<Shared>>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    sim.stats.requests.fetch_add(1, Ordering::Relaxed);
    let latency = sim.config.faults.latency;
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let key = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let read_only = if key == sim.config.api_key {
        false
    } else if key == sim.config.read_only_key {
        true
    } else {
        return finish(err(401, "unauthorized", "Invalid or missing API key"), Fault::None);
    };
    let verdict = lock(&sim.limiter).hit(Instant::now());
    let rl = limit_headers("org", &verdict);
    if !verdict.allowed {
        sim.stats.throttled.fetch_add(1, Ordering::Relaxed);
        let mut r = err(429, "too_many_requests", "Rate limit exceeded");
        r.headers = rl;
        return finish(r, Fault::None);
    }
    let fault = draw_fault(&sim);
    if let Fault::Status(s) = fault {
        if s == 429 {
            sim.stats.throttled.fetch_add(1, Ordering::Relaxed);
        }
        let mut r = err(s, "injected_fault", "Injected fault");
        if s == 429 {
            r.headers = limit_headers(
                "org",
                &Verdict {
                    allowed: false,
                    limit: verdict.limit,
                    remaining: 0,
                    reset_in: std::time::Duration::from_millis(50),
                },
            );
        }
        return finish(r, Fault::None);
    }
    let segs: Vec<&str> = uri.path().trim_matches('/').split('/').collect();
    let is_read = method == Method::GET || (method == Method::POST && segs == ["v1", "customers", "search"]);
    if read_only && !is_read {
        return finish(err(403, "forbidden", "This key's roles do not allow org.permission.write"), Fault::None);
    }
    let query: Vec<(String, String)> = uri
        .query()
        .map(|q| q.split('&').filter_map(|kv| kv.split_once('=')).map(|(k, v)| (k.to_owned(), decode(v))).collect())
        .unwrap_or_default();
    let body: Option<Value> = if body.is_empty() {
        None
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => Some(v),
            Err(e) => return finish(err(400, "bad_request", &format!("Invalid JSON body: {e}")), Fault::None),
        }
    };
    let mut r = route(&sim, &method, &segs, &query, body);
    r.headers.extend(rl);
    finish(r, fault)
}

fn draw_fault(sim: &Shared) -> Fault {
    let mut f = lock(&sim.faults);
    if let Some(s) = f.forced {
        return Fault::Status(s);
    }
    if let Some(queued) = f.queued.pop_front() {
        return queued;
    }
    if f.burst > 0 {
        f.burst -= 1;
        return Fault::Status(429);
    }
    let rate = f.rate_override.unwrap_or(sim.config.faults.rate);
    if rate <= 0.0 || f.rng.f64() >= rate {
        return Fault::None;
    }
    match f.rng.u8(0..6) {
        0 => Fault::Status(500),
        1 => Fault::Status(502),
        2 => Fault::Status(503),
        3 => {
            f.burst = 2;
            Fault::Status(429)
        }
        4 => Fault::Truncate,
        _ => Fault::Drop,
    }
}

fn finish(r: Reply, fault: Fault) -> Response {
    let mut bytes = if r.status == 204 { Vec::new() } else { serde_json::to_vec(&r.body).unwrap_or_default() };
    if matches!(fault, Fault::Malformed) {
        bytes.truncate(bytes.len() / 2);
    }
    let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let len = bytes.len();
    let body = match fault {
        Fault::Truncate | Fault::Drop => {
            let keep = if matches!(fault, Fault::Truncate) { len / 2 } else { 0 };
            let head = Bytes::from(bytes[..keep].to_vec());
            let chunks: Vec<Result<Bytes, std::io::Error>> =
                vec![Ok(head), Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "injected drop"))];
            Body::from_stream(futures::stream::iter(chunks))
        }
        _ => Body::from(bytes),
    };
    let mut resp = Response::new(body);
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    h.insert("content-type", HeaderValue::from_static("application/json; charset=utf-8"));
    if matches!(fault, Fault::Truncate | Fault::Drop)
        && let Ok(v) = HeaderValue::from_str(&len.to_string())
    {
        h.insert("content-length", v);
    }
    for (k, v) in r.headers {
        if let Ok(v) = HeaderValue::from_str(&v) {
            h.insert(k, v);
        }
    }
    resp
}

fn decode(v: &str) -> String {
    let b = v.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 3 <= b.len()
            && let Some(x) = std::str::from_utf8(&b[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(x);
            i += 3;
            continue;
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn q<'a>(query: &'a [(String, String)], k: &str) -> Option<&'a str> {
    query.iter().find(|(a, _)| a == k).map(|(_, v)| v.as_str())
}

fn paging(query: &[(String, String)], max: u32) -> Result<(u32, u32), Reply> {
    let page = match q(query, "page") {
        None => 1,
        Some(p) => p
            .parse::<u32>()
            .ok()
            .filter(|p| *p >= 1)
            .ok_or_else(|| err(400, "bad_request", "page must be a positive integer"))?,
    };
    let size = match q(query, "pageSize") {
        None => 100,
        Some(p) => p
            .parse::<u32>()
            .ok()
            .filter(|p| *p >= 1)
            .ok_or_else(|| err(400, "bad_request", "pageSize must be a positive integer"))?,
    };
    Ok((page, size.min(max)))
}

fn kind_of(coll: &str) -> &'static str {
    match coll {
        "conversations" => "conversation",
        "customers" => "customer",
        "companies" => "company",
        "messages" => "message",
        "notes" => "note",
        "tags" => "tag",
        "teams" => "team",
        _ => "user",
    }
}

fn coll_name(coll: &str) -> Option<&'static str> {
    COLLECTIONS.iter().copied().find(|c| *c == coll)
}

fn route(sim: &Shared, method: &Method, segs: &[&str], query: &[(String, String)], body: Option<Value>) -> Reply {
    let result = match (method.as_str(), segs) {
        ("GET", ["v1", coll]) => match coll_name(coll) {
            Some(c) => list(sim, c, query, |_| true, false, &format!("/v1/{c}")),
            None => Err(err(404, "not_found", "No such route")),
        },
        ("GET", ["v1", "customers", id, "conversations"]) => {
            let id = id.to_string();
            list(
                sim,
                "conversations",
                query,
                move |r| r.rel_id("customer") == Some(id.as_str()),
                false,
                &format!("/v1/customers/{}/conversations", segs[2]),
            )
        }
        ("GET", ["v1", "conversations", id, sub @ ("messages" | "notes")]) => {
            if lock(&sim.store).coll("conversations").is_none_or(|c| !c.contains_key(*id)) {
                Err(err(404, "not_found", "Conversation not found"))
            } else {
                let id = id.to_string();
                list(
                    sim,
                    coll_name(sub).unwrap_or("messages"),
                    query,
                    move |r| r.rel_id("conversation") == Some(id.as_str()),
                    true,
                    &format!("/v1/conversations/{}/{sub}", segs[2]),
                )
            }
        }
        ("GET", ["v1", "customers", lookup]) if lookup.starts_with("email=") || lookup.starts_with("externalId=") => {
            Ok(lookup_customer(sim, lookup))
        }
        ("GET", ["v1", coll, id]) => match coll_name(coll) {
            Some(c) => Ok(get_one(sim, c, id)),
            None => Err(err(404, "not_found", "No such route")),
        },
        ("POST", ["v1", "customers", "search"]) => search(sim, query, body),
        ("POST", ["v1", "outbound-webhooks"]) => Ok(register_hook(sim, body)),
        ("POST", ["v1", c @ ("conversations" | "customers" | "companies")]) => {
            Ok(crate::writes::create(sim, coll_name(c).unwrap_or("conversations"), body))
        }
        ("PATCH" | "PUT", ["v1", c @ ("conversations" | "customers" | "companies"), id]) => {
            Ok(crate::writes::update(sim, coll_name(c).unwrap_or("conversations"), id, body))
        }
        ("DELETE", ["v1", c @ ("conversations" | "customers"), id]) => {
            Ok(crate::writes::delete(sim, coll_name(c).unwrap_or("conversations"), id))
        }
        ("POST" | "DELETE", ["v1", "conversations", id, "tags"]) => {
            Ok(crate::writes::tags(sim, method == Method::POST, id, body))
        }
        ("POST", ["v1", "conversations", id, sub @ ("messages" | "notes")]) => {
            Ok(crate::writes::comment(sim, id, sub, body))
        }
        _ => Err(err(404, "not_found", "No such route")),
    };
    result.unwrap_or_else(|r| r)
}

fn list(
    sim: &Shared,
    coll: &'static str,
    query: &[(String, String)],
    filter: impl Fn(&Rec) -> bool,
    by_time: bool,
    path: &str,
) -> Result<Reply, Reply> {
    let max = if matches!(coll, "users" | "teams") { 500 } else { 100 };
    let (page, size) = paging(query, max)?;
    let store = lock(&sim.store);
    let Some(records) = store.coll(coll) else {
        return Ok(reply(200, render::page(vec![], path, "", page, size, false, json!({}), vec![])));
    };
    let mut matching: Vec<&Rec> = records.values().filter(|r| filter(r)).collect();
    if by_time {
        matching.sort_by(|a, b| (a.created, &a.id).cmp(&(b.created, &b.id)));
    }
    let total = matching.len();
    let start = ((page - 1) as usize).saturating_mul(size as usize);
    let data: Vec<&Rec> = matching.into_iter().skip(start).take(size as usize).collect();
    let has_next = start + data.len() < total;
    let include = q(query, "include") == Some("attachments");
    let included = if include { attachments_of(&store, &data) } else { Vec::new() };
    let extra = if include { "include=attachments&" } else { "" };
    let mut meta = json!({ "pageSize": size, "page": page });
    if coll == "customers" {
        meta["total"] = json!(total);
        meta["totalPages"] = json!(total.div_ceil(size as usize));
    }
    let data = data.into_iter().map(|r| render::record(r, coll)).collect();
    Ok(reply(200, render::page(data, path, extra, page, size, has_next, meta, included)))
}

fn attachments_of(store: &Store, recs: &[&Rec]) -> Vec<Value> {
    recs.iter()
        .filter_map(|r| r.rels.get("attachments")?.get("data")?.as_array().cloned())
        .flatten()
        .filter_map(|a| store.attachments.get(a.get("id")?.as_str()?).cloned())
        .collect()
}

fn get_one(sim: &Shared, coll: &'static str, id: &str) -> Reply {
    let store = lock(&sim.store);
    match store.coll(coll).and_then(|c| c.get(id)) {
        Some(r) => {
            let mut doc = json!({ "data": render::record(r, coll) });
            if coll == "messages" {
                let inc = attachments_of(&store, &[r]);
                if !inc.is_empty() {
                    doc["included"] = Value::Array(inc);
                }
            }
            reply(200, doc)
        }
        None => err(404, "not_found", &format!("{} {id} not found", kind_of(coll))),
    }
}

fn lookup_customer(sim: &Shared, lookup: &str) -> Reply {
    let (k, v) = lookup.split_once('=').unwrap_or_default();
    let v = decode(v);
    let store = lock(&sim.store);
    let found = store.coll("customers").and_then(|c| {
        c.values().find(|r| match k {
            "email" => r.attrs.get("emails").and_then(Value::as_array).is_some_and(|es| {
                es.iter().any(|e| e.get("email").and_then(Value::as_str).is_some_and(|x| x.eq_ignore_ascii_case(&v)))
            }),
            _ => r.attrs.get("externalId").and_then(Value::as_str) == Some(v.as_str()),
        })
    });
    match found {
        Some(r) => reply(200, json!({ "data": render::record(r, "customers") })),
        None => err(404, "not_found", "Customer not found"),
    }
}

fn parse_time(v: &Value) -> Option<DateTime<Utc>> {
    let s = v.as_str()?;
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?.and_hms_opt(0, 0, 0).map(|t| t.and_utc()))
}

/// The search API: `and` filters on `<ctx>_updated_at` / `<ctx>_created_at`, sorting, and the 100-page cap.
fn search(sim: &Shared, query: &[(String, String)], body: Option<Value>) -> Result<Reply, Reply> {
    let body = body.ok_or_else(|| err(400, "bad_request", "search body required"))?;
    let ctx = body.get("queryContext").and_then(Value::as_str).unwrap_or("customer");
    let coll = match ctx {
        "conversation" => "conversations",
        "customer" => "customers",
        "company" => "companies",
        "message" => "messages",
        "note" => "notes",
        other => return Err(err(400, "bad_request", &format!("unsupported queryContext {other}"))),
    };
    let (page, size) = {
        let (p, _) = paging(query, 500)?;
        let size = q(query, "pageSize").and_then(|s| s.parse::<u32>().ok()).unwrap_or(100).clamp(1, 500);
        (p, size)
    };
    if page > 100 || (page as usize - 1) * size as usize >= 10_000 {
        return Err(err(
            400,
            "bad_request",
            "Search results are limited to 100 pages (10,000 records); narrow the query",
        ));
    }
    let mut filters: Vec<(bool, &'static str, DateTime<Utc>)> = Vec::new();
    for f in body.get("and").and_then(Value::as_array).cloned().unwrap_or_default() {
        let Some(obj) = f.as_object() else { return Err(err(400, "bad_request", "filters must be objects")) };
        for (field, cond) in obj {
            let updated = if *field == format!("{ctx}_updated_at") {
                true
            } else if *field == format!("{ctx}_created_at") {
                false
            } else {
                return Err(err(400, "bad_request", &format!("unsupported search attribute {field}")));
            };
            for (op, v) in cond.as_object().cloned().unwrap_or_default() {
                let t = parse_time(&v).ok_or_else(|| err(400, "bad_request", &format!("bad date for {field}")))?;
                let op = match op.as_str() {
                    "gte" => "gte",
                    "gt" => "gt",
                    "lte" => "lte",
                    "lt" => "lt",
                    other => return Err(err(400, "bad_request", &format!("unsupported operator {other}"))),
                };
                filters.push((updated, op, t));
            }
        }
    }
    let desc = body
        .get("sort")
        .and_then(Value::as_array)
        .and_then(|s| s.first())
        .and_then(Value::as_object)
        .and_then(|o| o.values().next())
        .and_then(Value::as_str)
        == Some("desc");
    let store = lock(&sim.store);
    let mut matching: Vec<&Rec> = store.coll(coll).map(|c| c.values().collect()).unwrap_or_default();
    matching.retain(|r| {
        filters.iter().all(|(updated, op, t)| {
            let v = if *updated { r.updated } else { r.created };
            match *op {
                "gte" => v >= *t,
                "gt" => v > *t,
                "lte" => v <= *t,
                _ => v < *t,
            }
        })
    });
    matching.sort_by(|a, b| (a.updated, &a.id).cmp(&(b.updated, &b.id)));
    if desc {
        matching.reverse();
    }
    let total = matching.len();
    let start = (page as usize - 1) * size as usize;
    let data: Vec<Value> = matching.iter().skip(start).take(size as usize).map(|r| render::record(r, coll)).collect();
    let has_next = start + data.len() < total;
    let meta = json!({ "pageSize": size, "page": page, "total": total, "totalPages": total.div_ceil(size as usize), "aggregations": {} });
    Ok(reply(200, render::page(data, "/v1/customers/search", "", page, size, has_next, meta, vec![])))
}

fn register_hook(sim: &Shared, body: Option<Value>) -> Reply {
    let Some(url) = body.as_ref().and_then(|b| b.get("url")).and_then(Value::as_str) else {
        return reply(400, render::invalid("url", "url is required"));
    };
    let token = format!("whtok-{:016x}", fastrand::u64(..));
    lock(&sim.webhooks).push((url.to_owned(), token.clone()));
    reply(
        201,
        json!({ "data": { "type": "outbound_webhook", "id": format!("{:024x}", fastrand::u64(..)), "attributes": { "url": url, "token": token } } }),
    )
}

/// Posts a Kustomer event for `rec` to every registered webhook, signed with its token.
pub fn notify(sim: &Shared, coll: &str, verb: &str, rec: &Rec) {
    let hooks = lock(&sim.webhooks).clone();
    if hooks.is_empty() {
        return;
    }
    let event = json!({
        "id": format!("{:024x}", fastrand::u64(..)),
        "name": format!("kustomer.{}.{verb}", kind_of(coll)),
        "org": "sim-org",
        "createdAt": ts(Utc::now()),
        "data": render::record(rec, coll),
    });
    let name = event["name"].as_str().unwrap_or_default().to_owned();
    let body = serde_json::to_vec(&event).unwrap_or_default();
    for (url, token) in hooks {
        let sig = sign(&token, &body);
        let body = body.clone();
        let name = name.clone();
        tokio::spawn(async move {
            let client = reqwest::Client::new();
            let _ = client
                .post(url)
                .header("content-type", "application/json")
                .header("x-kustomer-webhook-event", name)
                .header("x-kustomer-webhook-signature", sig)
                .body(body)
                .send()
                .await;
        });
    }
}

fn sign(token: &str, body: &[u8]) -> String {
    use hmac::{KeyInit, Mac};
    match hmac::Hmac::<sha2::Sha256>::new_from_slice(token.as_bytes()) {
        Ok(mut mac) => {
            mac.update(body);
            hex::encode(mac.finalize().into_bytes())
        }
        Err(_) => String::new(),
    }
}

/// Checks the per-object budget for `key`, returning its headers or a 429.
pub fn object_budget(sim: &Shared, key: &str) -> Result<Vec<(&'static str, String)>, Reply> {
    let v = lock(&sim.objects).hit(key, Instant::now());
    let headers = limit_headers("object", &v);
    if v.allowed {
        Ok(headers)
    } else {
        sim.stats.throttled.fetch_add(1, Ordering::Relaxed);
        let mut r = err(429, "too_many_requests", "Per-object rate limit exceeded");
        r.headers = headers;
        Err(r)
    }
}

pub(crate) type Attrs = Map<String, Value>;
