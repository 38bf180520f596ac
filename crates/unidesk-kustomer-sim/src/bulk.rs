//! Bulk operations: their progress batch by batch and the outcome of every item, rendered as
//! `GET /v1/bulk/{id}` and `GET /v1/bulk/{id}/batches` show them.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::record::{Id, ts};

/// Items per batch.
pub(crate) const BATCH: usize = 10;

/// The outcome of one item.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    /// The item's position in the request.
    pub(crate) index: usize,
    /// The `_clientRef` the item carried.
    pub(crate) client_ref: Option<Value>,
    /// The record's id (known for updates and deletes, and for successful creates).
    pub(crate) id: Option<String>,
    /// `Ok(verb)` (`created`, `updated`, `deleted`) or `Err(error object)`.
    pub(crate) result: Result<&'static str, Value>,
}

/// A finished batch.
#[derive(Debug, Clone)]
pub(crate) struct Batch {
    /// When it finished.
    pub(crate) completed: DateTime<Utc>,
    /// Its items' outcomes.
    pub(crate) outcomes: Vec<Outcome>,
}

/// One bulk operation.
#[derive(Debug, Clone)]
pub(crate) struct Bulk {
    /// Its id.
    pub(crate) id: Id,
    /// `post`, `put` or `delete`.
    pub(crate) method: &'static str,
    /// When it was submitted.
    pub(crate) created: DateTime<Utc>,
    /// When it last moved.
    pub(crate) updated: DateTime<Utc>,
    /// How many items it has.
    pub(crate) items: usize,
    /// Whether a worker picked it up.
    pub(crate) started: bool,
    /// The finished batches, in order.
    pub(crate) done: Vec<Batch>,
}

impl Bulk {
    /// How many batches the items make.
    pub(crate) fn total(&self) -> usize {
        self.items.div_ceil(BATCH)
    }

    fn status(&self) -> &'static str {
        if self.done.len() >= self.total() {
            "complete"
        } else if self.started {
            "running"
        } else {
            "queued"
        }
    }

    /// `{"data": bulk}`.
    pub(crate) fn render(&self) -> Value {
        let outcomes = self.done.iter().flat_map(|b| &b.outcomes);
        let failures = outcomes.clone().filter(|o| o.result.is_err()).count();
        let successes = outcomes.count() - failures;
        json!({ "data": {
            "type": "bulk",
            "id": &*self.id,
            "attributes": {
                "status": self.status(),
                "context": "conversation",
                "method": self.method,
                "batches": { "complete": self.done.len(), "total": self.total() },
                "itemCount": self.items,
                "successCount": successes,
                "failureCount": failures,
                "completed": self.status() == "complete",
                "createdAt": ts(self.created),
                "updatedAt": ts(self.updated),
            },
            "links": { "self": format!("/v1/bulk/{}", self.id) },
        } })
    }

    /// `{"data": [batch…], "meta": {"total"}}`, queued batches included.
    pub(crate) fn render_batches(&self) -> Value {
        let data: Vec<Value> = (0..self.total())
            .map(|i| {
                let attributes = match self.done.get(i) {
                    None => json!({ "status": "queued", "index": i }),
                    Some(b) => {
                        let mut errors = Vec::new();
                        let mut results = Vec::new();
                        let mut ids = Vec::new();
                        for o in &b.outcomes {
                            let mut r = json!({ "index": o.index, "id": o.id });
                            if let Some(c) = &o.client_ref {
                                r["_clientRef"] = c.clone();
                            }
                            match &o.result {
                                Ok(verb) => {
                                    r["status"] = json!(verb);
                                    ids.extend(o.id.clone());
                                }
                                Err(e) => {
                                    r["status"] = json!("failed");
                                    let mut e = e.clone();
                                    e["index"] = json!(o.index);
                                    e["id"] = json!(o.id);
                                    if let Some(c) = &o.client_ref {
                                        e["_clientRef"] = c.clone();
                                    }
                                    errors.push(e);
                                }
                            }
                            results.push(r);
                        }
                        json!({
                            "status": "complete",
                            "index": i,
                            "successCount": ids.len(),
                            "failureCount": errors.len(),
                            "objectIds": ids,
                            "errors": errors,
                            "results": results,
                            "completedAt": ts(b.completed),
                        })
                    }
                };
                json!({ "type": "bulk_batch", "id": format!("{}-{i}", self.id), "attributes": attributes })
            })
            .collect();
        json!({ "data": data, "meta": { "total": self.total() } })
    }
}
