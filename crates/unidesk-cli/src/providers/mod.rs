//! The provider registry: the one table the CLI consults to connect to a helpdesk.
//!
//! Adding a provider is one crate plus one entry in [`REGISTRY`] (a module here with its
//! flags and its constructor); nothing else in the CLI names a provider.

use std::any::Any;

use clap::{Arg, ArgMatches};
use futures::future::BoxFuture;
use unidesk_core::{Capabilities, Helpdesk};

use crate::cli::SimArgs;
use crate::error::CliError;

#[cfg(feature = "kustomer")]
pub(crate) mod kustomer;
#[cfg(feature = "memory")]
mod memory;
#[cfg(feature = "rt")]
mod rt;
#[cfg(feature = "serve")]
pub(crate) mod webhooks;
#[cfg(feature = "zendesk")]
mod zendesk;

/// What every provider is given to connect: the shared flags and the parsed command line.
pub(crate) struct ConnectArgs<'a> {
    /// `--sim`: start the provider's simulator for this run.
    pub(crate) sim: bool,
    /// `--base-url`, when given.
    pub(crate) base_url: Option<String>,
    /// `--token`, when given.
    pub(crate) token: Option<String>,
    /// Everything parsed, for the provider's own flags.
    pub(crate) matches: &'a ArgMatches,
    /// A rate budget shared with other workers, for the providers whose clients take one
    /// (Kustomer, Zendesk); the others ignore it (Request Tracker is self-hosted and announces
    /// no limit).
    #[cfg_attr(
        not(any(feature = "kustomer", feature = "zendesk")),
        allow(dead_code, reason = "only the Kustomer and Zendesk clients take a budget")
    )]
    pub(crate) rate_budget: Option<unidesk_mirror::budget::SharedBudget>,
}

/// A live status line for progress bars (rate-limit budget, a wait in progress).
pub(crate) type StatusFn = Box<dyn Fn() -> Option<String> + Send + Sync>;

/// The status line of a rate-limit budget the server reported (`rate limit 412/1000`), when it
/// reported both figures.
#[cfg_attr(
    not(any(feature = "kustomer", feature = "zendesk")),
    allow(dead_code, reason = "their clients report budgets")
)]
pub(crate) fn rate_limit_line(remaining: Option<u64>, limit: Option<u64>) -> Option<String> {
    Some(format!("rate limit {}/{}", remaining?, limit?))
}

/// A connected helpdesk, and whatever must live as long as it (an embedded simulator).
pub(crate) struct Connection {
    /// The adapter.
    pub(crate) desk: Box<dyn Helpdesk>,
    /// Its live status, for progress bars.
    pub(crate) status: StatusFn,
    /// Kept alive for the connection's lifetime.
    pub(crate) _keep: Option<Box<dyn Any + Send>>,
}

/// Connects to a provider.
pub(crate) type ConnectFn = for<'a> fn(&'a ConnectArgs<'a>) -> BoxFuture<'a, Result<Connection, CliError>>;

/// Serves a provider's simulator in the foreground until Ctrl-C.
pub(crate) type ServeSimFn = for<'a> fn(&'a SimArgs) -> BoxFuture<'a, Result<(), CliError>>;

/// One registry entry.
pub(crate) struct Provider {
    /// The `--provider` name.
    pub(crate) name: &'static str,
    /// One line: what it connects to.
    pub(crate) about: &'static str,
    /// The environment variable holding its token (redacted from error lines); empty for none.
    pub(crate) token_env: &'static str,
    /// Ids of its own flags whose values are secrets (redacted from error lines too).
    pub(crate) secret_args: &'static [&'static str],
    /// The provider's own flags (global, so they go before or after the command).
    pub(crate) args: fn() -> Vec<Arg>,
    /// Builds a connection.
    pub(crate) connect: ConnectFn,
    /// What the adapter supports, without connecting.
    pub(crate) capabilities: fn() -> Capabilities,
    /// Its simulator, where it has one.
    pub(crate) serve_sim: Option<ServeSimFn>,
}

/// Every provider this binary was built with.
pub(crate) const REGISTRY: &[Provider] = &[
    #[cfg(feature = "kustomer")]
    kustomer::PROVIDER,
    #[cfg(feature = "memory")]
    memory::PROVIDER,
    #[cfg(feature = "rt")]
    rt::PROVIDER,
    #[cfg(feature = "zendesk")]
    zendesk::PROVIDER,
];

/// The provider called `name`; an unknown name is a usage error naming the known ones.
pub(crate) fn find(name: &str) -> Result<&'static Provider, CliError> {
    REGISTRY.iter().find(|p| p.name == name).ok_or_else(|| {
        let known: Vec<&str> = REGISTRY.iter().map(|p| p.name).collect();
        CliError::usage(format!("unknown provider {name:?}; known providers: {}", known.join(", ")))
    })
}

/// Every secret the command line and environment hold for `provider`: the token (flag or env
/// var) and the provider's secret flags (with their env fallbacks); error lines redact them.
pub(crate) fn secrets(provider: &Provider, token: Option<&str>, matches: &ArgMatches) -> Vec<String> {
    let mut out: Vec<String> = token.map(str::to_owned).into_iter().collect();
    if !provider.token_env.is_empty()
        && let Ok(v) = std::env::var(provider.token_env)
    {
        out.push(v);
    }
    for id in provider.secret_args {
        if let Ok(Some(v)) = matches.try_get_one::<String>(id) {
            out.push(v.clone());
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

/// `value`, else the environment variable `var`.
#[cfg_attr(
    not(any(feature = "kustomer", feature = "zendesk")),
    allow(dead_code, reason = "only HTTP providers read env vars")
)]
pub(crate) fn or_env(value: &Option<String>, var: &str) -> Option<String> {
    value.clone().or_else(|| std::env::var(var).ok().filter(|v| !v.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_providers_are_usage_errors_naming_the_known_ones() {
        let e = find("nosuch").err().expect("unknown");
        assert_eq!(e.code, 2);
        for p in REGISTRY {
            assert!(e.message.contains(p.name), "{}", e.message);
        }
    }

    #[test]
    fn provider_names_and_flags_are_unique() {
        let mut names: Vec<&str> = REGISTRY.iter().map(|p| p.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), REGISTRY.len());
        let mut flags: Vec<String> = REGISTRY.iter().flat_map(|p| (p.args)()).map(|a| a.get_id().to_string()).collect();
        let n = flags.len();
        flags.sort();
        flags.dedup();
        assert_eq!(flags.len(), n, "two providers declare the same flag");
    }
}
