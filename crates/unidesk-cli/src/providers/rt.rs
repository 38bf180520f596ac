//! `--provider rt`: Request Tracker 5 through its REST 2.0 API. RT has no simulator: RT itself
//! is the server (`scripts/rt/start-rt.sh` starts a throwaway one).
//!
//! Flags and environment: `--base-url` (`RT_BASE_URL`, RT's web root), `--token` (`RT_TOKEN`),
//! or `--user`/`--password` (`RT_USER`/`RT_PASSWORD`) for HTTP Basic; `--queue` (`RT_QUEUE`),
//! `--tags-field` (`RT_TAGS_FIELD`), `--external-id-field` (`RT_EXTERNAL_ID_FIELD`).

use clap::Arg;
use futures::FutureExt;
use unidesk_core::{Capabilities, Helpdesk};
use unidesk_rt::RtClient;

use super::{ConnectArgs, Connection, Provider, or_env};
use crate::error::CliError;

/// The registry entry.
pub(super) const PROVIDER: Provider = Provider {
    name: "rt",
    about: "Request Tracker 5 REST 2.0 (--base-url, --token or --user/--password; RT_* env)",
    token_env: "RT_TOKEN",
    secret_args: &["rt-password"],
    args,
    connect: |a| connect(a).boxed(),
    capabilities,
    serve_sim: None,
};

fn args() -> Vec<Arg> {
    vec![
        Arg::new("rt-user")
            .value_name("USER")
            .long("user")
            .env("RT_USER")
            .global(true)
            .help("RT user for HTTP Basic auth, instead of --token (--provider rt)"),
        Arg::new("rt-password")
            .value_name("PASSWORD")
            .long("password")
            .env("RT_PASSWORD")
            .hide_env_values(true)
            .global(true)
            .help("RT password for --user; never printed (--provider rt)"),
        Arg::new("rt-queue")
            .value_name("QUEUE")
            .long("queue")
            .env("RT_QUEUE")
            .global(true)
            .help("RT queue (name or id) for new tickets that name no team [default: General] (--provider rt)"),
        Arg::new("rt-tags-field")
            .value_name("FIELD")
            .long("tags-field")
            .env("RT_TAGS_FIELD")
            .global(true)
            .help("RT ticket custom field holding tags, e.g. Tags (--provider rt)"),
        Arg::new("rt-external-id-field")
            .value_name("FIELD")
            .long("external-id-field")
            .env("RT_EXTERNAL_ID_FIELD")
            .global(true)
            .help("RT user custom field holding contacts' external ids (--provider rt)"),
    ]
}

/// What the adapter supports with no tags field: what `unidesk providers` shows.
fn capabilities() -> Capabilities {
    RtClient::builder()
        .base_url("http://127.0.0.1:9")
        .token("capabilities-only")
        .build()
        .map(|c| c.capabilities())
        .unwrap_or_else(|_| Capabilities::none())
}

async fn connect(a: &ConnectArgs<'_>) -> Result<Connection, CliError> {
    if a.sim {
        return Err(CliError::usage(
            "RT has no simulator: start a throwaway RT with scripts/rt/start-rt.sh and pass its base_url and token",
        ));
    }
    let arg = |id: &str| a.matches.get_one::<String>(id).cloned().filter(|v| !v.is_empty());
    let base_url =
        or_env(&a.base_url, "RT_BASE_URL").ok_or_else(|| CliError::usage("give --base-url or RT_BASE_URL"))?;
    let mut builder = RtClient::builder().base_url(base_url);
    builder = match (or_env(&a.token, "RT_TOKEN"), arg("rt-user"), arg("rt-password")) {
        (Some(token), _, _) => builder.token(token),
        (None, Some(user), Some(password)) => builder.basic_auth(user, password),
        (None, Some(_), None) => return Err(CliError::usage("--user needs --password (or RT_PASSWORD)")),
        _ => return Err(CliError::usage("give --token (RT_TOKEN), or --user and --password (RT_USER, RT_PASSWORD)")),
    };
    if let Some(q) = arg("rt-queue") {
        builder = builder.default_queue(q);
    }
    if let Some(f) = arg("rt-tags-field") {
        builder = builder.tags_field(f);
    }
    if let Some(f) = arg("rt-external-id-field") {
        builder = builder.external_id_field(f);
    }
    let client = builder.build()?;
    Ok(Connection { desk: Box::new(client), status: Box::new(|| None), _keep: None })
}
