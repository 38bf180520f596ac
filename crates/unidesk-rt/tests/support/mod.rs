//! Test support shared by the crate's tests that need a real RT: the server (start, restart,
//! stop on drop or when the binary exits), plain REST calls, seeding, and a fault proxy.

pub(crate) mod proxy;
pub(crate) mod raw;
pub(crate) mod seed;
pub(crate) mod server;

use std::sync::OnceLock;
use std::time::Instant;

use raw::{Raw, block_on};
use seed::Seeded;
use server::{RtServer, require};

/// One RT per test binary, seeded once.
#[derive(Debug)]
pub(crate) struct Shared {
    /// The server.
    pub rt: RtServer,
    /// What was seeded.
    pub seeded: Seeded,
    /// The fixture script's output (custom field ids, the tz.agent user).
    pub fixtures: Vec<(String, String)>,
    /// Seconds spent starting RT (including an install when one was needed) and seeding it.
    pub setup_seconds: f64,
}

/// The binary's shared RT with `tickets` seeded tickets, started on first use; `None` (after a
/// loud message) only when RT cannot be installed outside CI.
pub(crate) fn shared(cell: &'static OnceLock<Option<Shared>>, tickets: usize) -> Option<&'static Shared> {
    cell.get_or_init(|| {
        let t = Instant::now();
        let rt = require("the tests against a real RT", RtServer::start())?;
        let fixtures = rt.fixtures().unwrap_or_else(|e| panic!("{e}"));
        let raw = Raw::new(&rt);
        let seeded = block_on(seed::seed(&raw, &rt.base_url, tickets));
        let setup_seconds = t.elapsed().as_secs_f64();
        eprintln!("unidesk-rt tests: RT started and seeded with {tickets} tickets in {setup_seconds:.1}s");
        Some(Shared { rt, seeded, fixtures, setup_seconds })
    })
    .as_ref()
}
