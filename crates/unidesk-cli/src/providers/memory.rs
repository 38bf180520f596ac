//! `--provider memory`: the in-memory reference adapter with deterministic sample data
//! (no server, no key), for demos and users' own tests. Writes last for the run.

use clap::Arg;
use futures::FutureExt;
use unidesk_core::Helpdesk;
use unidesk_memory::MemoryHelpdesk;

use super::{ConnectArgs, Connection, Provider};
use crate::error::CliError;

/// Sample tickets when `--memory-tickets` is not given.
const DEFAULT_TICKETS: usize = 250;

/// The registry entry.
pub(super) const PROVIDER: Provider = Provider {
    name: "memory",
    about: "in-memory reference adapter with deterministic sample data (--memory-tickets N)",
    token_env: "",
    secret_args: &[],
    args,
    connect: |a| connect(a).boxed(),
    capabilities: || MemoryHelpdesk::new().capabilities(),
    serve_sim: None,
};

fn args() -> Vec<Arg> {
    vec![
        Arg::new("memory-tickets")
            .long("memory-tickets")
            .value_parser(clap::value_parser!(usize))
            .global(true)
            .help("Sample tickets in the memory provider [default: 250] (--provider memory)"),
    ]
}

async fn connect(a: &ConnectArgs<'_>) -> Result<Connection, CliError> {
    // The memory provider is always embedded: `--sim` changes nothing, and there is no server to point at.
    let _always_embedded = a.sim;
    if a.base_url.is_some() || a.token.is_some() {
        return Err(CliError::usage("--provider memory takes no --base-url or --token"));
    }
    let tickets = a.matches.get_one::<usize>("memory-tickets").copied().unwrap_or(DEFAULT_TICKETS);
    if tickets > 1_000_000 {
        return Err(CliError::usage("--memory-tickets is at most 1000000"));
    }
    Ok(Connection { desk: Box::new(MemoryHelpdesk::with_sample_data(tickets)), status: Box::new(|| None), _keep: None })
}
