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
}

impl Default for FaultConfig {
    fn default() -> Self {
        FaultConfig { rate: 0.0, seed: 7, latency: Duration::ZERO }
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
    /// Faults to inject.
    pub faults: FaultConfig,
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
        }
    }
}
