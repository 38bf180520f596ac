//! [`PostgresRateBudget`]: token buckets in the mirror's Postgres database (`rate_budgets`,
//! migration `V3__rate_budget.sql`), so every worker on every machine takes one account's
//! requests from one budget — there is no in-process count to drift apart.
//!
//! A take is one statement, so one short transaction: `SELECT * FROM rate_budget_take(key, n,
//! max_wait)` locks the bucket's row (`SELECT … FOR UPDATE`), refills it for the time since the
//! last take, takes `n` (into debt when it must) and answers how many tokens are left. The
//! caller then sleeps `-left / refill` seconds when the bucket is in debt. Every instant is the
//! database's `clock_timestamp()`; a worker only ever sleeps a *duration* the database computed,
//! so workers whose clocks disagree share the budget exactly. A 429 or a spent budget reported
//! by the server ([`RateBudget::observe`]) holds off every new take until its reset.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tokio_postgres::Client;
use unidesk_core::budget::{RateBudget, ServerSignal};

use super::{DEFAULT_MAX_WAIT, Limit, Reservation, too_long, wait_for};
use crate::error::{MirrorError, Result};
use crate::spec::redact_url;
use crate::store::postgres::schema;

/// Token buckets in Postgres, shared by every process using the same database (see the
/// module docs). Cheap to share: hold it in an `Arc` and hand it to each client.
pub struct PostgresRateBudget {
    url: String,
    described: String,
    client: Mutex<Arc<Client>>,
    limits: HashMap<String, Limit>,
    created: Mutex<HashSet<String>>,
    max_wait: Duration,
}

impl std::fmt::Debug for PostgresRateBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresRateBudget")
            .field("db", &self.described)
            .field("limits", &self.limits)
            .field("max_wait", &self.max_wait)
            .finish()
    }
}

/// A take as the database recorded it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Take {
    /// When the caller may send.
    pub reservation: Reservation,
    /// The database's time of the take; the send is allowed from `at + wait`.
    pub at: DateTime<Utc>,
}

impl Take {
    /// The database time from which the request may be sent.
    pub fn send_at(&self) -> DateTime<Utc> {
        self.at + chrono::Duration::from_std(self.reservation.wait).unwrap_or_default()
    }
}

fn transport<E: std::error::Error + Send + Sync + 'static>(what: &str, described: &str, e: E) -> unidesk_core::Error {
    unidesk_core::Error::transport(format!("rate budget ({described}): {what}: {e}"), false).with_source(e)
}

impl PostgresRateBudget {
    /// Connects to `url` (`postgres://…`) and applies the mirror's migrations. No key is
    /// limited yet: add limits with [`PostgresRateBudget::with_limit`].
    pub async fn open(url: &str) -> Result<PostgresRateBudget> {
        let described = redact_url(url);
        let client =
            schema::open(url).await.map_err(|e| MirrorError::store(format!("{described}: opening the budget"), e))?;
        Ok(PostgresRateBudget {
            url: url.to_owned(),
            described,
            client: Mutex::new(Arc::new(client)),
            limits: HashMap::new(),
            created: Mutex::new(HashSet::new()),
            max_wait: DEFAULT_MAX_WAIT,
        })
    }

    /// Limits `key` to `limit`. The bucket's row is created on the first take (full), or its
    /// size and refill updated when another process created it with other figures: the last
    /// process to start with a new limit sets it for all.
    pub fn with_limit(mut self, key: impl Into<String>, limit: Limit) -> PostgresRateBudget {
        self.limits.insert(key.into(), limit);
        self
    }

    /// Takes longer than `max_wait` are refused with `RateLimited` (default [`DEFAULT_MAX_WAIT`]).
    pub fn with_max_wait(mut self, max_wait: Duration) -> PostgresRateBudget {
        self.max_wait = max_wait;
        self
    }

    /// The keys this budget limits.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.limits.keys().map(String::as_str)
    }

    /// The connection, reconnected when the last one closed.
    async fn client(&self) -> unidesk_core::Result<Arc<Client>> {
        let current = self.client.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if !current.is_closed() {
            return Ok(current);
        }
        let fresh =
            Arc::new(schema::connect(&self.url).await.map_err(|e| transport("connecting", &self.described, e))?);
        *self.client.lock().unwrap_or_else(|p| p.into_inner()) = fresh.clone();
        Ok(fresh)
    }

    /// Creates `key`'s bucket (full) or updates its figures, once per process.
    async fn create(&self, client: &Client, key: &str, limit: Limit) -> unidesk_core::Result<()> {
        if self.created.lock().unwrap_or_else(|p| p.into_inner()).contains(key) {
            return Ok(());
        }
        client
            .execute(
                "INSERT INTO rate_budgets AS b (key, capacity, refill_per_sec, tokens, updated_at)
                 VALUES ($1, $2, $3, $2, clock_timestamp())
                 ON CONFLICT (key) DO UPDATE SET capacity = EXCLUDED.capacity, refill_per_sec = EXCLUDED.refill_per_sec
                  WHERE (b.capacity, b.refill_per_sec) IS DISTINCT FROM (EXCLUDED.capacity, EXCLUDED.refill_per_sec)",
                &[&key, &limit.capacity, &limit.refill_per_sec],
            )
            .await
            .map_err(|e| transport("creating the bucket", &self.described, e))?;
        self.created.lock().unwrap_or_else(|p| p.into_inner()).insert(key.to_owned());
        Ok(())
    }

    /// Takes `n` tokens from `key`'s bucket, without waiting: when the caller may send.
    /// `None`: the key has no limit.
    pub async fn reserve(&self, key: &str, n: u32) -> unidesk_core::Result<Option<Take>> {
        let Some(&limit) = self.limits.get(key) else { return Ok(None) };
        let client = self.client().await?;
        for _ in 0..2 {
            self.create(&client, key, limit).await?;
            let row = client
                .query_opt(
                    "SELECT after, refill_per_sec, taken, at FROM rate_budget_take($1, $2, $3)",
                    &[&key, &f64::from(n), &self.max_wait.as_secs_f64()],
                )
                .await
                .map_err(|e| transport("taking", &self.described, e))?;
            let Some(row) = row else {
                // The row was deleted under us: create it again.
                self.created.lock().unwrap_or_else(|p| p.into_inner()).remove(key);
                continue;
            };
            let (after, refill, taken, at): (f64, f64, bool, DateTime<Utc>) =
                (row.get(0), row.get(1), row.get(2), row.get(3));
            if !taken {
                return Err(too_long(after, refill, self.max_wait));
            }
            return Ok(Some(Take { reservation: Reservation { wait: wait_for(after, refill) }, at }));
        }
        Err(unidesk_core::Error::transport(
            format!("rate budget ({}): the bucket of {key:?} vanished", self.described),
            false,
        ))
    }
}

#[async_trait]
impl RateBudget for PostgresRateBudget {
    async fn acquire(&self, key: &str, n: u32) -> unidesk_core::Result<()> {
        if let Some(t) = self.reserve(key, n).await?
            && !t.reservation.wait.is_zero()
        {
            tokio::time::sleep(t.reservation.wait).await;
        }
        Ok(())
    }

    async fn observe(&self, key: &str, signal: ServerSignal) {
        let ServerSignal::Exhausted { retry_after } = signal else { return };
        if !self.limits.contains_key(key) {
            return;
        }
        let wait = retry_after.unwrap_or_default().as_secs_f64();
        let result = match self.client().await {
            Ok(c) => c
                .execute(
                    // No new take before `wait` has passed; takes already granted keep their
                    // times. The row is locked by the UPDATE, and re-read if another took it
                    // meanwhile, so the refill is that of the latest take.
                    "UPDATE rate_budgets b
                        SET tokens = least(rate_budget_refilled(b, greatest(b.updated_at, clock_timestamp())),
                                           -b.refill_per_sec * $2),
                            updated_at = greatest(b.updated_at, clock_timestamp())
                      WHERE key = $1",
                    &[&key, &wait],
                )
                .await
                .map(|_| ())
                .map_err(|e| transport("recording a 429", &self.described, e)),
            Err(e) => Err(e),
        };
        if let Err(e) = result {
            tracing::warn!(error = %e, "rate budget: the server's limit could not be recorded");
        }
    }
}
