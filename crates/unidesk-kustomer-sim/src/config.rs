//! Simulator settings.

use std::time::Duration;

/// Fault injection, drawn per request from a seeded generator.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultConfig {
    /// Share of requests that fail (0.0–1.0), split between the kinds below.
    pub rate: f64,
    /// Seed of the fault generator.
    pub seed: u64,
    /// Latency added to every request.
    pub latency: Duration,
    /// Share of bulk-operation items that fail with an injected fault; `None`: `rate`.
    pub item_rate: Option<f64>,
}

impl Default for FaultConfig {
    fn default() -> Self {
        FaultConfig { rate: 0.0, seed: 7, latency: Duration::ZERO, item_rate: None }
    }
}

/// How webhook deliveries are retried when the receiver is down or answers non-2xx.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookRetry {
    /// Attempts in all, the first included (at least 1).
    pub attempts: u32,
    /// The wait after the first failed attempt; it doubles after each further failure.
    pub first: Duration,
    /// The longest wait between two attempts.
    pub max: Duration,
    /// How long one attempt may take before it counts as failed.
    pub timeout: Duration,
}

impl Default for WebhookRetry {
    fn default() -> Self {
        WebhookRetry {
            attempts: 5,
            first: Duration::from_millis(200),
            max: Duration::from_secs(3),
            timeout: Duration::from_secs(5),
        }
    }
}

impl WebhookRetry {
    /// The wait after failed attempt `n` (from 0): `first · 2ⁿ`, at most `max`.
    pub fn backoff(&self, n: u32) -> Duration {
        self.first.saturating_mul(1u32.checked_shl(n.min(31)).unwrap_or(u32::MAX)).min(self.max)
    }
}

/// Simulator settings. `Default` is the demo org: ~2,000 conversations, 1,000 requests/min.
#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
    /// Seed of the data generator.
    pub seed: u64,
    /// How many conversations to generate.
    pub conversations: usize,
    /// Requests allowed per rate-limit window (org-wide).
    pub rate_limit: u32,
    /// The rate-limit window (Kustomer: 60 s; shorter windows scale tests down).
    pub window: Duration,
    /// Updates allowed per conversation per object window (Kustomer: 100 / 10 min).
    pub object_limit: u32,
    /// The per-object window.
    pub object_window: Duration,
    /// The API key with every role.
    pub api_key: String,
    /// A key whose roles only allow reads (writes get 403).
    pub read_only_key: String,
    /// Faults to inject (per request; bulk operations also draw one per item).
    pub faults: FaultConfig,
    /// Outbound webhooks an org may have (Kustomer: 5); more get a 400.
    pub max_webhooks: usize,
    /// Retries of webhook deliveries.
    pub webhook_retry: WebhookRetry,
    /// How long a bulk operation takes per batch of items (its status moves from `queued`
    /// through `running` to `complete` at this pace).
    pub bulk_step: Duration,
    /// How many orgs the process hosts. With one (the default) the org is served at the
    /// root; with more, org `i` (from 0) is named [`SimConfig::org_name`] and served under
    /// `/{name}` (Kustomer's per-org host `https://{name}.api.kustomerapp.com` becomes a
    /// path prefix), with its own data (seed [`SimConfig::org_seed`], `conversations` of
    /// them), its own keys ([`SimConfig::org_keys`]) and its own rate limit of `rate_limit`
    /// per `window`.
    pub orgs: usize,
}

impl SimConfig {
    /// The name of org `i` when the process hosts several: `org-001`, `org-002`…
    pub fn org_name(i: usize) -> String {
        format!("org-{:03}", i + 1)
    }

    /// The data seed of org `i`: the base seed plus the org's index.
    pub fn org_seed(&self, i: usize) -> u64 {
        self.seed.wrapping_add(i as u64)
    }

    /// The full and read-only keys of org `i`: the configured keys, suffixed with the org's
    /// name when the process hosts several orgs.
    pub fn org_keys(&self, i: usize) -> (String, String) {
        if self.orgs <= 1 {
            return (self.api_key.clone(), self.read_only_key.clone());
        }
        let name = Self::org_name(i);
        (format!("{}-{name}", self.api_key), format!("{}-{name}", self.read_only_key))
    }
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            seed: 42,
            conversations: 2000,
            rate_limit: 1000,
            window: Duration::from_secs(60),
            object_limit: 100,
            object_window: Duration::from_secs(600),
            api_key: "sim-api-key".into(),
            read_only_key: "sim-read-only-key".into(),
            faults: FaultConfig::default(),
            max_webhooks: 5,
            webhook_retry: WebhookRetry::default(),
            bulk_step: Duration::from_millis(10),
            orgs: 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_backoff_doubles_up_to_the_cap() {
        let r = WebhookRetry::default();
        let waits: Vec<u128> = (0..6).map(|n| r.backoff(n).as_millis()).collect();
        assert_eq!(waits, [200, 400, 800, 1600, 3000, 3000]);
        assert_eq!(r.backoff(40), Duration::from_secs(3));
    }
}
