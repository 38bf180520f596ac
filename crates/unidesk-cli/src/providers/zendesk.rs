//! `--provider zendesk`: Zendesk Support through its REST API v2, and its simulator with `--sim`.
//!
//! Flags and environment: `--subdomain` (`ZENDESK_SUBDOMAIN`) or `--base-url`
//! (`ZENDESK_BASE_URL`: the account's root, `https://{subdomain}.zendesk.com` or a simulator's
//! `base_url`; the API is under `/api/v2`), `--email` (`ZENDESK_EMAIL`) with `--token`
//! (`ZENDESK_API_TOKEN`) for an API token; `--token` without an email is an OAuth bearer token.

use clap::Arg;
use futures::FutureExt;
use unidesk_core::{Capabilities, Helpdesk};
use unidesk_zendesk::ZendeskClient;

use super::{ConnectArgs, Connection, Provider, or_env};
use crate::error::CliError;

/// The registry entry.
pub(super) const PROVIDER: Provider = Provider {
    name: "zendesk",
    about: "Zendesk Support REST API v2 (--subdomain or --base-url, --email and --token; ZENDESK_* env)",
    token_env: "ZENDESK_API_TOKEN",
    secret_args: &[],
    args,
    connect: |a| connect(a).boxed(),
    capabilities,
    #[cfg(feature = "sim")]
    serve_sim: Some(|a| sim::serve(a).boxed()),
    #[cfg(not(feature = "sim"))]
    serve_sim: None,
};

fn args() -> Vec<Arg> {
    vec![
        Arg::new("zendesk-subdomain")
            .value_name("SUBDOMAIN")
            .long("subdomain")
            .env("ZENDESK_SUBDOMAIN")
            .global(true)
            .help("Zendesk subdomain: https://SUBDOMAIN.zendesk.com (--provider zendesk)"),
        Arg::new("zendesk-email")
            .value_name("EMAIL")
            .long("email")
            .env("ZENDESK_EMAIL")
            .global(true)
            .help("Agent email for an API token (Basic EMAIL/token:TOKEN); without it --token is an OAuth token (--provider zendesk)"),
    ]
}

fn capabilities() -> Capabilities {
    ZendeskClient::builder()
        .base_url("http://127.0.0.1:9")
        .oauth_token("capabilities-only")
        .build()
        .map(|c| c.capabilities())
        .unwrap_or_else(|_| Capabilities::none())
}

async fn connect(a: &ConnectArgs<'_>) -> Result<Connection, CliError> {
    let arg = |id: &str| a.matches.get_one::<String>(id).cloned().filter(|v| !v.is_empty());
    let mut builder = ZendeskClient::builder();
    let keep: Option<Box<dyn std::any::Any + Send>>;
    // The embedded simulator supplies the credentials when none are given.
    #[cfg_attr(not(feature = "sim"), allow(unused_mut, reason = "only the simulator fills them"))]
    let mut token = or_env(&a.token, "ZENDESK_API_TOKEN");
    #[cfg_attr(not(feature = "sim"), allow(unused_mut, reason = "only the simulator fills them"))]
    let mut email = arg("zendesk-email");
    if a.sim {
        #[cfg(feature = "sim")]
        {
            let s = sim::start().await?;
            builder = builder.base_url(s.base_url()).export_requests_per_minute(None);
            if token.is_none() {
                token = Some(s.token().to_owned());
                email = Some(s.email().to_owned());
            }
            keep = Some(Box::new(s));
        }
        #[cfg(not(feature = "sim"))]
        return Err(CliError::usage("this unidesk was built without the `sim` feature"));
    } else {
        keep = None;
        builder = match (or_env(&a.base_url, "ZENDESK_BASE_URL"), arg("zendesk-subdomain")) {
            (Some(url), _) => builder.base_url(url),
            (None, Some(sub)) => builder.subdomain(sub),
            (None, None) => {
                return Err(CliError::usage(
                    "give --sim, --base-url or --subdomain (or ZENDESK_BASE_URL / ZENDESK_SUBDOMAIN)",
                ));
            }
        };
    }
    let token = token.ok_or_else(|| CliError::usage("give --token or ZENDESK_API_TOKEN"))?;
    builder = match email {
        Some(e) => builder.api_token(e, token),
        None => builder.oauth_token(token),
    };
    if let Some(shared) = &a.rate_budget {
        builder = builder.rate_budget(shared.budget.clone(), shared.key.clone());
    }
    let client = builder.build()?;
    let watched = client.clone();
    let status = Box::new(move || {
        let rl = watched.rate_limit();
        super::rate_limit_line(rl.remaining, rl.limit)
    });
    Ok(Connection { desk: Box::new(client), status, _keep: keep })
}

#[cfg(feature = "sim")]
mod sim {
    use unidesk_zendesk_sim::{RateLimits, SimConfig, Simulator};

    use crate::cli::SimArgs;
    use crate::error::CliError;

    /// The embedded simulator with its default data and no rate limit (a local run should not
    /// wait a minute for Zendesk's budget; `unidesk sim --provider zendesk` serves with one).
    pub(super) async fn start() -> Result<Simulator, CliError> {
        Simulator::start(SimConfig { limits: RateLimits::unlimited(), ..SimConfig::default() })
            .await
            .map_err(|e| CliError::other(format!("starting the Zendesk simulator: {e}")))
    }

    /// `unidesk sim --provider zendesk`: serves until Ctrl-C, after printing its address and
    /// credentials (`base_url`, `email`, `token`, one per line).
    pub(super) async fn serve(args: &SimArgs) -> Result<(), CliError> {
        let mut config = SimConfig {
            seed: args.seed,
            tickets: args.conversations,
            limits: RateLimits { account: args.rate_limit, ..RateLimits::default() },
            ..SimConfig::default()
        };
        config.faults.rate = args.fault_rate;
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], args.port));
        let sim = Simulator::bind(config, addr).await.map_err(|e| CliError::other(format!("binding {addr}: {e}")))?;
        crate::output::announce(&[
            ("base_url", sim.base_url().as_str()),
            ("email", sim.email()),
            ("token", sim.token()),
            ("read_only_token", sim.read_only_token()),
        ]);
        eprintln!("serving the Zendesk simulator; Ctrl-C to stop");
        tokio::signal::ctrl_c().await.map_err(CliError::other)?;
        Ok(())
    }
}
