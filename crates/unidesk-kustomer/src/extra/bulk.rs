//! Bulk create, update and delete of conversations, polled to completion.
//!
//! Kustomer's bulk endpoints take up to 100 records per request and answer at once with a bulk
//! operation (`{data: {type: "bulk", id, attributes: {status: "queued"}}}`) that runs later.
//! [`Bulk`] splits the items into jobs of at most [`BulkOptions::chunk`], submits each (one
//! request against the rate limit per job, paced like every call), polls
//! `GET /v1/bulk/{id}` until it is `complete` (or `batches.complete == batches.total`), then
//! reads `GET /v1/bulk/{id}/batches` and reports every item: succeeded, failed (with
//! Kustomer's error), or unknown.
//!
//! # Exactly once
//!
//! Each item carries a `_clientRef` (`i<index>`) that the batch results echo, so results are
//! matched to items, not to positions. A submission answered with an error status
//! (429, 5xx) created no job: it is submitted again, up to [`BulkOptions::submit_attempts`]
//! times. A submission whose answer was lost (the connection dropped, the body was cut) may
//! have created a job the client cannot see; it is **never** sent again, and its items are
//! reported [`BulkOutcome::Unknown`] — sending it again could apply them twice. Items that
//! a completed job reports failed were not applied; with [`BulkOptions::resubmit_failed`]
//! they are submitted again in a later round, and every failure stays in the item's
//! `errors`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use unidesk_core::{Error, Id, Result, one_line};

use super::{KustomerObject, string};
use crate::client::{Call, KustomerClient};
use crate::paths;

/// The most records Kustomer takes in one bulk request.
pub const MAX_CHUNK: usize = 100;

/// How a bulk run submits and waits.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkOptions {
    /// Items per job (1–100).
    pub chunk: usize,
    /// Time between two status polls of a job.
    pub poll_interval: Duration,
    /// How long to wait for one job to complete before its items are reported unknown.
    pub max_wait: Duration,
    /// How many times a job answered with an error status is submitted.
    pub submit_attempts: u32,
    /// Rounds in which items a completed job reported failed (and not `retryable: false`) are
    /// submitted again.
    pub resubmit_failed: u32,
}

impl Default for BulkOptions {
    fn default() -> Self {
        BulkOptions {
            chunk: MAX_CHUNK,
            poll_interval: Duration::from_secs(1),
            max_wait: Duration::from_secs(600),
            submit_attempts: 5,
            resubmit_failed: 0,
        }
    }
}

/// A bulk operation's status (`GET /v1/bulk/{id}`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BulkOperation {
    /// The operation's id.
    pub id: String,
    /// `queued`, `running`, `complete`, or a newer value.
    pub status: Option<String>,
    /// Batches finished.
    pub batches_complete: Option<u64>,
    /// Batches in all.
    pub batches_total: Option<u64>,
    /// Every attribute as sent.
    pub attributes: Map<String, Value>,
}

impl BulkOperation {
    fn of(o: KustomerObject) -> Self {
        let a = o.attributes;
        let batches = a.get("batches");
        let count = |k: &str| batches.and_then(|b| b.get(k)).and_then(Value::as_u64);
        BulkOperation {
            id: o.id,
            status: string(&a, "status"),
            batches_complete: count("complete"),
            batches_total: count("total"),
            attributes: a,
        }
    }

    /// Whether processing has finished: `status: complete`, or every batch complete.
    pub fn is_complete(&self) -> bool {
        self.status.as_deref() == Some("complete")
            || matches!((self.batches_complete, self.batches_total), (Some(c), Some(t)) if t > 0 && c >= t)
    }
}

/// One batch of a bulk operation (`GET /v1/bulk/{id}/batches`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BulkBatch {
    /// The batch id.
    pub id: String,
    /// `queued`, `scheduled`, `complete`…
    pub status: Option<String>,
    /// Ids of the records created, updated or deleted.
    pub object_ids: Vec<String>,
    /// Items that succeeded.
    pub success_count: Option<u64>,
    /// Items that failed.
    pub failure_count: Option<u64>,
    /// Per-item results (`_clientRef`, `status`, `id`, `error`), when refs were sent.
    pub results: Vec<Value>,
    /// Errors of failed items, as sent.
    pub errors: Vec<Value>,
}

impl BulkBatch {
    fn of(o: KustomerObject) -> Self {
        let a = &o.attributes;
        let list = |k: &str| a.get(k).and_then(Value::as_array).cloned().unwrap_or_default();
        BulkBatch {
            status: string(a, "status"),
            object_ids: super::strings(a, "objectIds"),
            success_count: a.get("successCount").and_then(Value::as_u64),
            failure_count: a.get("failureCount").and_then(Value::as_u64),
            results: list("results"),
            errors: list("errors"),
            id: o.id,
        }
    }
}

/// What became of one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum BulkOutcome {
    /// Applied; the record's id.
    Succeeded {
        /// The record created, updated or deleted.
        id: Option<String>,
    },
    /// Not applied; Kustomer's reason.
    Failed {
        /// The error, one line.
        error: String,
    },
    /// Not known: the submission's answer was lost, or its job did not complete in time.
    Unknown {
        /// Why.
        reason: String,
    },
}

/// One item's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BulkItem {
    /// Its position in the input.
    pub index: usize,
    /// The `_clientRef` it was sent with.
    pub client_ref: String,
    /// The record id it names (updates, deletes) or was given (creates).
    pub id: Option<String>,
    /// The final outcome.
    #[serde(flatten)]
    pub outcome: BulkOutcome,
    /// Every failure reported for it, oldest first (one per failed round).
    pub errors: Vec<String>,
    /// Jobs it was submitted in.
    pub submissions: u32,
}

/// The report of a bulk run: every item, in input order, and the jobs it took.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BulkReport {
    /// One entry per input item, in order.
    pub items: Vec<BulkItem>,
    /// The ids of the bulk operations submitted.
    pub operations: Vec<String>,
}

impl BulkReport {
    /// Items applied.
    pub fn succeeded(&self) -> impl Iterator<Item = &BulkItem> {
        self.items.iter().filter(|i| matches!(i.outcome, BulkOutcome::Succeeded { .. }))
    }

    /// Items not applied.
    pub fn failed(&self) -> impl Iterator<Item = &BulkItem> {
        self.items.iter().filter(|i| matches!(i.outcome, BulkOutcome::Failed { .. }))
    }

    /// Items whose fate is unknown.
    pub fn unknown(&self) -> impl Iterator<Item = &BulkItem> {
        self.items.iter().filter(|i| matches!(i.outcome, BulkOutcome::Unknown { .. }))
    }
}

/// A conversation change for a bulk update: its id and the attributes to set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConversationChange {
    /// The conversation.
    pub id: String,
    /// Attributes to set, as Kustomer names them (`status`, `priority`, `custom`…).
    pub attributes: Map<String, Value>,
}

/// What a run does.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Create,
    Update,
    Delete,
}

/// One item as submitted.
struct Pending {
    index: usize,
    body: Value,
    id: Option<String>,
}

/// Bulk jobs on conversations; see [`KustomerClient::bulk`].
#[derive(Debug, Clone)]
pub struct Bulk<'a> {
    client: &'a KustomerClient,
    options: BulkOptions,
}

impl KustomerClient {
    /// Bulk jobs on conversations, with `options`.
    pub fn bulk(&self, options: BulkOptions) -> Bulk<'_> {
        Bulk { client: self, options }
    }

    /// One bulk operation's status (`GET /v1/bulk/{id}`).
    pub async fn bulk_operation(&self, id: &str) -> Result<BulkOperation> {
        let id = Id::parse(id)?;
        self.send_one::<KustomerObject>(&Call::get_at(&paths::BULK, &[&id])).await.map(BulkOperation::of)
    }

    /// One bulk operation's batches (`GET /v1/bulk/{id}/batches`).
    pub async fn bulk_batches(&self, id: &str) -> Result<Vec<BulkBatch>> {
        let id = Id::parse(id)?;
        let resp = self.send(&Call::get_at(&paths::BULK_BATCHES, &[&id])).await?;
        let objects = super::decode_list::<KustomerObject>(&resp.body, paths::BULK_BATCHES.template())?;
        Ok(objects.into_iter().map(BulkBatch::of).collect())
    }
}

impl Bulk<'_> {
    /// Creates conversations (`POST /v1/conversations/bulk`); each item is a conversation body
    /// as `POST /v1/conversations` takes it (`customer` required).
    pub async fn create_conversations(&self, items: Vec<Map<String, Value>>) -> Result<BulkReport> {
        let pending =
            items.into_iter().enumerate().map(|(index, m)| Pending { index, body: Value::Object(m), id: None });
        self.run(Kind::Create, pending.collect()).await
    }

    /// Updates conversations (`PUT /v1/conversations/bulk`): each item's attributes are set on it.
    pub async fn update_conversations(&self, items: Vec<ConversationChange>) -> Result<BulkReport> {
        let mut pending = Vec::with_capacity(items.len());
        for (index, c) in items.into_iter().enumerate() {
            let id = Id::parse(&c.id)?;
            let mut body = c.attributes;
            body.insert("id".into(), json!(id.as_str()));
            pending.push(Pending { index, body: Value::Object(body), id: Some(id.as_str().to_owned()) });
        }
        self.run(Kind::Update, pending).await
    }

    /// Deletes conversations (`DELETE /v1/conversations/bulk?ids=…`, \[U\] for conversations).
    pub async fn delete_conversations(&self, ids: &[String]) -> Result<BulkReport> {
        let mut pending = Vec::with_capacity(ids.len());
        for (index, raw) in ids.iter().enumerate() {
            let id = Id::parse(raw)?;
            pending.push(Pending { index, body: Value::Null, id: Some(id.as_str().to_owned()) });
        }
        self.run(Kind::Delete, pending).await
    }

    async fn run(&self, kind: Kind, pending: Vec<Pending>) -> Result<BulkReport> {
        let chunk = self.options.chunk.clamp(1, MAX_CHUNK);
        let mut items: Vec<BulkItem> = pending
            .iter()
            .map(|p| BulkItem {
                index: p.index,
                client_ref: format!("i{}", p.index),
                id: p.id.clone(),
                outcome: BulkOutcome::Unknown { reason: "not submitted".into() },
                errors: Vec::new(),
                submissions: 0,
            })
            .collect();
        let mut operations = Vec::new();
        let mut todo = pending;
        for round in 0..=self.options.resubmit_failed {
            let mut again = Vec::new();
            for job in chunks(todo, chunk) {
                let failed = self.job(kind, &job, &mut items, &mut operations).await?;
                again.extend(job.into_iter().filter(|p| failed.contains(&p.index)));
            }
            if again.is_empty() || round == self.options.resubmit_failed {
                break;
            }
            todo = again;
        }
        Ok(BulkReport { items, operations })
    }

    /// Submits one job, waits for it, and records its items' outcomes; returns the indexes of
    /// the items it reported failed.
    async fn job(
        &self,
        kind: Kind,
        job: &[Pending],
        items: &mut [BulkItem],
        operations: &mut Vec<String>,
    ) -> Result<Vec<usize>> {
        for p in job {
            items[p.index].submissions += 1;
        }
        let op = match self.submit(kind, job).await {
            Ok(op) => op,
            Err(Submit::Lost(why)) => {
                for p in job {
                    items[p.index].outcome = BulkOutcome::Unknown { reason: why.clone() };
                }
                return Ok(Vec::new());
            }
            Err(Submit::Refused(e)) => {
                let error = one_line(&e.to_string(), 300);
                for p in job {
                    items[p.index].errors.push(error.clone());
                    items[p.index].outcome = BulkOutcome::Failed { error: error.clone() };
                }
                return Ok(Vec::new()); // the whole job was refused: sending it again cannot help
            }
            Err(Submit::Fatal(e)) => return Err(e),
        };
        operations.push(op.id.clone());
        let unknown = |items: &mut [BulkItem], reason: String| {
            for p in job {
                items[p.index].outcome = BulkOutcome::Unknown { reason: reason.clone() };
            }
        };
        // The job is queued: a failure to read its fate leaves its items unknown, not the run failed.
        match self.wait(&op).await {
            Ok(true) => {}
            Ok(false) => {
                unknown(items, format!("bulk operation {} did not complete within {:?}", op.id, self.options.max_wait));
                return Ok(Vec::new());
            }
            Err(e @ (Error::Unauthenticated { .. } | Error::PermissionDenied { .. })) => return Err(e),
            Err(e) => {
                unknown(
                    items,
                    format!("bulk operation {}: status unreadable: {}", op.id, one_line(&e.to_string(), 200)),
                );
                return Ok(Vec::new());
            }
        }
        match self.client.bulk_batches(&op.id).await {
            Ok(batches) => Ok(settle(kind, job, items, &batches)),
            Err(e @ (Error::Unauthenticated { .. } | Error::PermissionDenied { .. })) => Err(e),
            Err(e) => {
                unknown(
                    items,
                    format!("bulk operation {}: batches unreadable: {}", op.id, one_line(&e.to_string(), 200)),
                );
                Ok(Vec::new())
            }
        }
    }

    /// Sends the job's request; retried here only when the answer says no job was created.
    async fn submit(&self, kind: Kind, job: &[Pending]) -> std::result::Result<BulkOperation, Submit> {
        let call = request(kind, job);
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.client.send_one::<KustomerObject>(&call).await {
                Ok(op) => return Ok(BulkOperation::of(op)),
                Err(e @ (Error::Upstream { status: 500..=599, .. } | Error::RateLimited { .. }))
                    if attempt < self.options.submit_attempts.max(1) =>
                {
                    tracing::info!(attempt, error = %e, "bulk submission refused with an error status: submitting again");
                    tokio::time::sleep(self.options.poll_interval.min(Duration::from_secs(5))).await;
                }
                Err(e @ (Error::Transport { .. } | Error::Decode { .. })) => {
                    return Err(Submit::Lost(format!(
                        "the answer to the bulk submission was lost ({}); not sent again, as it may have been queued",
                        one_line(&e.to_string(), 200)
                    )));
                }
                Err(e @ (Error::Unauthenticated { .. } | Error::PermissionDenied { .. })) => {
                    return Err(Submit::Fatal(e));
                }
                Err(e) => return Err(Submit::Refused(e)),
            }
        }
    }

    /// Polls until the operation is complete; `false` after [`BulkOptions::max_wait`].
    async fn wait(&self, op: &BulkOperation) -> Result<bool> {
        let start = Instant::now();
        let mut current = op.clone();
        loop {
            if current.is_complete() {
                return Ok(true);
            }
            if start.elapsed() >= self.options.max_wait {
                return Ok(false);
            }
            tokio::time::sleep(self.options.poll_interval).await;
            current = self.client.bulk_operation(&op.id).await?;
        }
    }
}

/// Why a submission produced no operation.
enum Submit {
    /// The answer was lost: the job may exist.
    Lost(String),
    /// Kustomer refused the job (400…): none of it was applied.
    Refused(Error),
    /// The credentials cannot do this: stop the whole run.
    Fatal(Error),
}

/// The request of one job.
fn request(kind: Kind, job: &[Pending]) -> Call<'static> {
    let with_refs = || {
        let items: Vec<Value> = job
            .iter()
            .map(|p| {
                let mut body = p.body.clone();
                body["_clientRef"] = json!(format!("i{}", p.index));
                body
            })
            .collect();
        Some(Value::Array(items))
    };
    let mut call = match kind {
        Kind::Create => Call::write_at(Method::POST, &paths::CONVERSATIONS_BULK, &[], with_refs()),
        Kind::Update => Call::write_at(Method::PUT, &paths::CONVERSATIONS_BULK, &[], with_refs()),
        Kind::Delete => {
            let ids: Vec<&str> = job.iter().filter_map(|p| p.id.as_deref()).collect();
            Call::write_at(Method::DELETE, &paths::CONVERSATIONS_BULK, &[], None).query("ids", ids.join(","))
        }
    };
    // A job must not be queued twice by a transport-level retry: see the module docs.
    call.idempotent = false;
    call
}

/// Records each item's outcome from the batches of its completed job; returns the indexes of
/// the items reported failed that may succeed if sent again (not marked `retryable: false`).
fn settle(kind: Kind, job: &[Pending], items: &mut [BulkItem], batches: &[BulkBatch]) -> Vec<usize> {
    let mut by_ref: HashMap<&str, &Value> = HashMap::new();
    let mut done_ids: HashMap<&str, ()> = HashMap::new();
    let mut errors_by_id: HashMap<String, String> = HashMap::new();
    let mut errors_by_ref: HashMap<String, (String, bool)> = HashMap::new();
    for b in batches {
        for r in &b.results {
            if let Some(cr) = r.get("_clientRef").and_then(Value::as_str) {
                by_ref.insert(cr, r);
            }
        }
        for id in &b.object_ids {
            done_ids.insert(id, ());
        }
        for e in &b.errors {
            if let Some(cr) = e.get("_clientRef").and_then(Value::as_str) {
                let retryable = e.get("retryable").and_then(Value::as_bool) != Some(false);
                errors_by_ref.insert(cr.to_owned(), (error_text(e), retryable));
            }
            if let Some(id) = e.get("id").or_else(|| e.pointer("/meta/id")).and_then(Value::as_str) {
                errors_by_id.insert(id.to_owned(), error_text(e));
            }
        }
    }
    let mut failed = Vec::new();
    for p in job {
        let item = &mut items[p.index];
        let known_error = errors_by_ref.remove(&item.client_ref);
        let retryable = known_error.as_ref().is_none_or(|(_, r)| *r);
        let outcome = match (by_ref.get(item.client_ref.as_str()), known_error) {
            (Some(r), known) => match outcome_of(r, p.id.as_deref()) {
                BulkOutcome::Failed { error } => BulkOutcome::Failed { error: known.map_or(error, |(e, _)| e) },
                other => other,
            },
            (None, Some((error, _))) => BulkOutcome::Failed { error },
            (None, None) => match (kind, p.id.as_deref()) {
                (Kind::Create, _) | (_, None) => {
                    BulkOutcome::Unknown { reason: "the batches name no result for this item's _clientRef".into() }
                }
                (_, Some(id)) if done_ids.contains_key(id) => BulkOutcome::Succeeded { id: Some(id.to_owned()) },
                (_, Some(id)) => BulkOutcome::Failed {
                    error: errors_by_id.remove(id).unwrap_or_else(|| "not among the batches' objectIds".into()),
                },
            },
        };
        if let BulkOutcome::Succeeded { id: Some(id) } = &outcome {
            item.id = Some(id.clone());
        }
        if let BulkOutcome::Failed { error } = &outcome {
            item.errors.push(error.clone());
            if retryable {
                failed.push(p.index);
            }
        }
        item.outcome = outcome;
    }
    failed
}

/// One `results[]` entry → an outcome.
fn outcome_of(r: &Value, sent_id: Option<&str>) -> BulkOutcome {
    let status = r.get("status").and_then(Value::as_str).unwrap_or_default();
    let error = r.get("error").or_else(|| r.get("errors")).filter(|e| !e.is_null());
    if error.is_some() || matches!(status, "failed" | "failure" | "error") {
        return BulkOutcome::Failed { error: error.map(error_text).unwrap_or_else(|| status.to_owned()) };
    }
    let id = r.get("id").and_then(Value::as_str).or(sent_id).map(str::to_owned);
    BulkOutcome::Succeeded { id }
}

/// An error value as one line (`message`, `title`, `detail` or the JSON).
fn error_text(e: &Value) -> String {
    let e = e.as_array().and_then(|a| a.first()).unwrap_or(e);
    let text = ["message", "detail", "title", "code"]
        .iter()
        .find_map(|k| e.get(*k).and_then(Value::as_str).map(str::to_owned))
        .or_else(|| e.as_str().map(str::to_owned))
        .unwrap_or_else(|| e.to_string());
    one_line(&text, 300)
}

fn chunks(items: Vec<Pending>, size: usize) -> Vec<Vec<Pending>> {
    let mut out = Vec::new();
    let mut it = items.into_iter().peekable();
    while it.peek().is_some() {
        out.push(it.by_ref().take(size).collect());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(n: usize) -> Vec<Pending> {
        (0..n).map(|i| Pending { index: i, body: json!({}), id: Some(format!("c{i}")) }).collect()
    }

    fn item(i: usize) -> BulkItem {
        BulkItem {
            index: i,
            client_ref: format!("i{i}"),
            id: Some(format!("c{i}")),
            outcome: BulkOutcome::Unknown { reason: String::new() },
            errors: vec![],
            submissions: 1,
        }
    }

    #[test]
    fn results_are_matched_by_client_ref_and_failures_kept_per_item() {
        let job = pending(3);
        let mut items: Vec<_> = (0..3).map(item).collect();
        let batch = BulkBatch {
            id: "b".into(),
            status: Some("complete".into()),
            object_ids: vec!["c0".into(), "c2".into()],
            success_count: Some(2),
            failure_count: Some(1),
            results: vec![
                json!({"_clientRef": "i2", "status": "updated", "id": "c2"}),
                json!({"_clientRef": "i1", "status": "failed", "error": {"message": "bad \u{1b}status"}}),
                json!({"_clientRef": "i0", "status": "updated", "id": "c0"}),
            ],
            errors: vec![],
        };
        let failed = settle(Kind::Update, &job, &mut items, &[batch]);
        assert_eq!(failed, [1]);
        assert_eq!(items[0].outcome, BulkOutcome::Succeeded { id: Some("c0".into()) });
        assert!(
            matches!(&items[1].outcome, BulkOutcome::Failed { error } if error.starts_with("bad ") && !error.contains('\u{1b}'))
        );
        assert_eq!(items[1].errors.len(), 1);
    }

    #[test]
    fn errors_name_their_item_and_say_whether_a_retry_can_help() {
        let job = pending(2);
        let mut items: Vec<_> = (0..2).map(item).collect();
        let batch = BulkBatch {
            id: "b".into(),
            status: Some("complete".into()),
            object_ids: vec![],
            success_count: Some(0),
            failure_count: Some(2),
            results: vec![json!({"_clientRef": "i0", "status": "failed"})],
            errors: vec![
                json!({"_clientRef": "i0", "status": 503, "code": "injected_fault", "detail": "Injected fault", "retryable": true}),
                json!({"_clientRef": "i1", "status": 404, "code": "not_found", "detail": "no such conversation", "retryable": false}),
            ],
        };
        assert_eq!(settle(Kind::Update, &job, &mut items, &[batch]), [0], "only the retryable failure comes back");
        assert_eq!(items[0].outcome, BulkOutcome::Failed { error: "Injected fault".into() });
        assert_eq!(items[1].outcome, BulkOutcome::Failed { error: "no such conversation".into() });
    }

    #[test]
    fn without_refs_object_ids_decide_and_creates_stay_unknown() {
        let job = pending(2);
        let mut items: Vec<_> = (0..2).map(item).collect();
        let batch = BulkBatch {
            id: "b".into(),
            status: None,
            object_ids: vec!["c1".into()],
            success_count: None,
            failure_count: None,
            results: vec![],
            errors: vec![json!({"id": "c0", "message": "not found"})],
        };
        assert_eq!(settle(Kind::Delete, &job, &mut items, std::slice::from_ref(&batch)), [0]);
        assert_eq!(items[0].outcome, BulkOutcome::Failed { error: "not found".into() });
        assert_eq!(items[1].outcome, BulkOutcome::Succeeded { id: Some("c1".into()) });
        let mut created: Vec<_> = (0..2).map(item).collect();
        settle(Kind::Create, &job, &mut created, &[batch]);
        assert!(created.iter().all(|i| matches!(i.outcome, BulkOutcome::Unknown { .. })));
    }

    #[test]
    fn completion_is_the_status_or_every_batch() {
        let op = |status: Option<&str>, c, t| BulkOperation {
            id: "x".into(),
            status: status.map(str::to_owned),
            batches_complete: c,
            batches_total: t,
            attributes: Map::new(),
        };
        assert!(op(Some("complete"), None, None).is_complete());
        assert!(op(Some("running"), Some(3), Some(3)).is_complete());
        assert!(!op(Some("running"), Some(2), Some(3)).is_complete());
        assert!(!op(Some("queued"), Some(0), Some(0)).is_complete());
        assert_eq!(chunks(pending(250), 100).iter().map(Vec::len).collect::<Vec<_>>(), [100, 100, 50]);
    }
}
