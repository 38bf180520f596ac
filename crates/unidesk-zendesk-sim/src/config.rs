//! Simulator settings.

use std::time::Duration;

/// Fault injection, drawn per request from a seeded generator.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultConfig {
    /// Share of authenticated requests that fail (0.0–1.0), split evenly between 500, 502,
    /// 503, 429 (with `Retry-After`), a body cut off mid-stream (the connection is reset) and a
    /// complete response whose JSON is cut in half.
    pub rate: f64,
    /// Seed of the fault generator.
    pub seed: u64,
    /// The `Retry-After` (seconds) of injected 429s.
    pub retry_after: u64,
    /// Latency added to every request.
    pub latency: Duration,
}

impl Default for FaultConfig {
    fn default() -> Self {
        FaultConfig { rate: 0.0, seed: 7, retry_after: 1, latency: Duration::ZERO }
    }
}

/// Rate limits. Zendesk's are per minute; tests shrink the window.
#[derive(Debug, Clone, PartialEq)]
pub struct RateLimits {
    /// Requests allowed per window, account-wide (Zendesk Professional: 400/min).
    pub account: u32,
    /// Requests to `/api/v2/incremental/*` allowed per window (Zendesk: 10/min).
    pub incremental: u32,
    /// The window (Zendesk: 60 s).
    pub window: Duration,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits { account: 400, incremental: 10, window: Duration::from_secs(60) }
    }
}

impl RateLimits {
    /// Limits high enough that tests and benchmarks never meet them.
    pub fn unlimited() -> Self {
        RateLimits { account: u32::MAX, incremental: u32::MAX, window: Duration::from_secs(60) }
    }
}

/// Simulator settings. `Default` is a demo account of 1,000 live tickets.
#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
    /// Seed of the data generator: one seed, one account, byte for byte.
    pub seed: u64,
    /// Live (not deleted) tickets to generate.
    pub tickets: usize,
    /// Soft-deleted tickets to generate on top (served by `/deleted_tickets` and, with status
    /// `deleted`, by the incremental exports).
    pub deleted_tickets: usize,
    /// End users to generate (agents and admins are a fixed staff of 15).
    pub end_users: usize,
    /// How many tickets share each `updated_at` second (1 = no ties). The seeded tickets'
    /// update times are drawn in groups of this size, so 10,000 tickets with `tie_width: 7`
    /// give 1,429 distinct seconds, each shared by 7 tickets (the last by 4).
    pub tie_width: usize,
    /// The account's subdomain (only used in the `url` fields' host if `base_url` is not
    /// loopback; kept for clients that need one).
    pub subdomain: String,
    /// The agent email of the API-token credential (`{email}/token:{token}`).
    pub email: String,
    /// The API token, also accepted as an OAuth bearer token.
    pub token: String,
    /// A token with read-only access: writes get 403.
    pub read_only_token: String,
    /// How recent an item can be and still be exported: the incremental exports leave out
    /// items changed within this long before the request, and refuse a `start_time` inside it
    /// with 400 `StartTimeTooRecent` (Zendesk: one minute).
    pub export_lag: Duration,
    /// Rate limits.
    pub limits: RateLimits,
    /// Faults to inject.
    pub faults: FaultConfig,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            seed: 42,
            tickets: 1000,
            deleted_tickets: 10,
            end_users: 150,
            tie_width: 3,
            subdomain: "unidesk-sim".into(),
            email: "admin@unidesk-sim.example".into(),
            token: "sim-api-token".into(),
            read_only_token: "sim-read-only-token".into(),
            export_lag: Duration::from_secs(60),
            limits: RateLimits::default(),
            faults: FaultConfig::default(),
        }
    }
}
