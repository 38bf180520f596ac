//! Plain REST 2.0 calls for seeding and for counting what RT holds, independent of the adapter.

use std::future::Future;

use serde_json::{Value, json};

use super::server::RtServer;

/// A bare REST 2.0 client (no retries, no mapping).
#[derive(Clone)]
pub(crate) struct Raw {
    rest: String,
    auth: String,
    http: reqwest::Client,
}

/// Runs `f` to completion on a runtime of its own, on another thread (callable from inside a
/// test's runtime, e.g. while a shared fixture is being built).
pub(crate) fn block_on<F: Future + Send>(f: F) -> F::Output
where
    F::Output: Send,
{
    std::thread::scope(|s| {
        s.spawn(|| tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime").block_on(f))
            .join()
            .expect("the seeding thread")
    })
}

impl Raw {
    /// Talks to `rt` as root, with its token.
    pub(crate) fn new(rt: &RtServer) -> Raw {
        Raw {
            rest: format!("{}/REST/2.0", rt.base_url),
            auth: format!("token {}", rt.token),
            http: reqwest::Client::builder().build().expect("client"),
        }
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<Value>,
    ) -> (u16, Value, Option<String>) {
        let mut req =
            self.http.request(method.clone(), format!("{}{path}", self.rest)).header("Authorization", &self.auth);
        if !query.is_empty() {
            req = req.query(query);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = resp.status().as_u16();
        let location = resp.headers().get("location").and_then(|l| l.to_str().ok()).map(str::to_owned);
        let text = resp.text().await.unwrap_or_default();
        let v = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, v, location)
    }

    /// GET, expecting 200.
    pub(crate) async fn get(&self, path: &str, query: &[(&str, &str)]) -> Value {
        let (s, v, _) = self.call(reqwest::Method::GET, path, query, None).await;
        assert_eq!(s, 200, "GET {path} {query:?}: {v}");
        v
    }

    /// POST, expecting 201; the created record's id (from the body or the Location header).
    pub(crate) async fn create(&self, path: &str, body: Value) -> String {
        let (s, v, loc) = self.call(reqwest::Method::POST, path, &[], Some(body.clone())).await;
        assert_eq!(s, 201, "POST {path} {body}: {v}");
        v.get("id")
            .and_then(|i| i.as_str().map(str::to_owned).or_else(|| i.as_u64().map(|n| n.to_string())))
            .or_else(|| loc.and_then(|l| l.rsplit('/').next().map(str::to_owned)))
            .unwrap_or_else(|| panic!("POST {path}: no id in {v}"))
    }

    /// PUT, expecting 200; RT's messages.
    pub(crate) async fn put(&self, path: &str, body: Value) -> Value {
        let (s, v, _) = self.call(reqwest::Method::PUT, path, &[], Some(body.clone())).await;
        assert_eq!(s, 200, "PUT {path} {body}: {v}");
        v
    }

    /// DELETE, expecting 204.
    pub(crate) async fn delete(&self, path: &str) {
        let (s, v, _) = self.call(reqwest::Method::DELETE, path, &[], None).await;
        assert_eq!(s, 204, "DELETE {path}: {v}");
    }

    /// `total` of a collection query.
    pub(crate) async fn total(&self, path: &str, query: &[(&str, &str)]) -> usize {
        let mut q = query.to_vec();
        q.push(("per_page", "1"));
        let v = self.get(path, &q).await;
        v.get("total").and_then(Value::as_u64).unwrap_or_else(|| panic!("no total in {v}")) as usize
    }

    /// Every item of a collection, 100 per page.
    pub(crate) async fn all(&self, path: &str, query: &[(&str, &str)]) -> Vec<Value> {
        let mut out = Vec::new();
        for page in 1.. {
            let p = page.to_string();
            let mut q = query.to_vec();
            q.extend([("per_page", "100"), ("page", p.as_str())]);
            let v = self.get(path, &q).await;
            let items = v.get("items").and_then(Value::as_array).cloned().unwrap_or_default();
            let n = items.len();
            out.extend(items);
            if n < 100 {
                break;
            }
        }
        out
    }

    /// The id of a system group (`Privileged`, `Unprivileged`).
    pub(crate) async fn system_group(&self, name: &str) -> u64 {
        let q = json!([{"field": "Domain", "value": "SystemInternal"}, {"field": "Name", "value": name}]).to_string();
        let v = self.get("/groups", &[("query", &q)]).await;
        v["items"][0]["id"].as_str().and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("no {name} group: {v}"))
    }

    /// The user ids in a group.
    pub(crate) async fn members(&self, group: u64) -> Vec<u64> {
        self.all(&format!("/group/{group}/members"), &[("users", "1"), ("groups", "0")])
            .await
            .iter()
            .filter_map(|m| m.get("id").and_then(Value::as_u64))
            .collect()
    }

    /// The numeric id of a user by Name.
    pub(crate) async fn user_id(&self, name: &str) -> u64 {
        self.get(&format!("/user/{name}"), &[]).await["id"].as_u64().unwrap_or_else(|| panic!("no user {name}"))
    }
}

/// The TicketSQL for message transactions on live tickets, as the adapter lists comments.
pub(crate) const MESSAGES: &str = "ObjectType = 'RT::Ticket' AND (Type = 'Create' OR Type = 'Correspond' OR Type = 'Comment') \
                            AND TicketStatus != 'deleted'";

/// What RT holds, counted with plain REST calls: tickets (live), comments, contacts, users, teams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Counts {
    /// Live tickets.
    pub tickets: usize,
    /// Message transactions on live tickets.
    pub comments: usize,
    /// Enabled unprivileged users, less `Nobody` and `RT_System`.
    pub contacts: usize,
    /// Enabled privileged users.
    pub users: usize,
    /// Enabled queues.
    pub teams: usize,
}

impl Raw {
    /// Counts what RT holds, through endpoints other than the ones the adapter lists with where
    /// RT has them (group members for contacts).
    pub(crate) async fn counts(&self) -> Counts {
        let unprivileged = self.system_group("Unprivileged").await;
        let privileged = self.system_group("Privileged").await;
        let system = [self.user_id("Nobody").await, self.user_id("RT_System").await];
        Counts {
            tickets: self.total("/tickets", &[("query", "id > 0")]).await,
            comments: self.total("/transactions", &[("query", MESSAGES)]).await,
            contacts: self.members(unprivileged).await.iter().filter(|id| !system.contains(id)).count(),
            users: self.members(privileged).await.len(),
            teams: self.total("/queues/all", &[]).await,
        }
    }
}
