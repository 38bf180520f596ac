//! `unidesk serve --to STORE [--accounts FILE] [--poll 5m] [--listen ADDR]`: keep a mirror
//! fresh with the providers' webhooks (`POST /webhooks/{provider}/{account}`), and poll every
//! account incrementally to catch what they miss. The server itself is the mirror crate's
//! (`unidesk_mirror::serve`); this module builds its accounts (from the accounts file, or the
//! global provider flags and `--webhook-secret`), prints where it listens, and stops it
//! gracefully on Ctrl-C or SIGTERM.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use clap::ArgMatches;
use secrecy::SecretString;
use unidesk_core::Helpdesk;
use unidesk_mirror::accounts::{AccountsFile, Connect};
use unidesk_mirror::serve::{PollAccount, PollOptions, PollOutcome, Polls, Receiver, WebhookAccount, serve};
use unidesk_mirror::{Store, StoreSpec, SyncOptions};

use crate::cli::{Cli, ServeArgs};
use crate::error::CliError;
use crate::fleet::RegistryConnect;
use crate::output;
use crate::providers::webhooks::{self, Location};
use crate::providers::{self, ConnectArgs};
use crate::sync::mirror_error;

/// One account to serve: its webhook endpoint and, for the poll, its connection.
struct Served {
    webhook: WebhookAccount,
    desk: Arc<dyn Helpdesk>,
}

/// Runs `unidesk serve` until Ctrl-C or SIGTERM.
pub(crate) async fn run(cli: &Cli, args: &ServeArgs, matches: &ArgMatches) -> Result<(), CliError> {
    let poll = parse_interval("--poll", &args.poll)?;
    if args.page_size == 0 {
        return Err(CliError::usage("--page-size must be at least 1"));
    }
    let listen: SocketAddr =
        args.listen.parse().map_err(|e| CliError::usage(format!("--listen {:?}: {e}", args.listen)))?;
    let spec: StoreSpec = args.to.parse().map_err(mirror_error)?;
    let accounts = match &args.accounts {
        Some(file) => from_file(file).await?,
        None => vec![single(cli, args, matches).await?],
    };
    let store: Arc<dyn Store> = Arc::from(spec.open().await.map_err(mirror_error)?);
    let webhooks: Vec<WebhookAccount> = accounts.iter().map(|a| a.webhook.clone()).collect();
    let receiver = Receiver::new(Arc::clone(&store), webhooks).map_err(|e| CliError::usage(e.to_string()))?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| CliError::other(format!("listening on {listen}: {e}")))?;
    let addr = listener.local_addr().map_err(CliError::other)?;
    let polls = poll.map(|every| {
        let quiet = args.quiet;
        let options = PollOptions {
            every,
            sync: SyncOptions { page_size: args.page_size, ..SyncOptions::default() },
            grace: Duration::from_secs(args.grace),
            concurrency: args.concurrency.max(1),
            on_outcome: Some(Arc::new(move |o: &PollOutcome<'_>| report(o, quiet))),
        };
        let targets = accounts.iter().map(|a| PollAccount { name: a.webhook.name.clone(), desk: Arc::clone(&a.desk) });
        Polls::spawn(Arc::clone(&store), targets.collect(), options)
    });
    let mut lines = vec![("listening".to_owned(), format!("http://{addr}")), ("store".to_owned(), store.describe())];
    for a in &accounts {
        lines.push(("webhook".to_owned(), format!("http://{addr}/webhooks/{}/{}", a.webhook.provider, a.webhook.name)));
    }
    lines.push(("poll".to_owned(), poll.map_or_else(|| "off".to_owned(), |d| format!("every {d:?}"))));
    let shown: Vec<(&str, &str)> = lines.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    output::announce(&shown);
    eprintln!("serving webhooks; Ctrl-C or SIGTERM stops after in-flight deliveries are committed");
    serve(listener, receiver, polls, stop_signal()).await.map_err(|e| CliError::other(format!("serving: {e}")))?;
    eprintln!("stopped");
    Ok(())
}

/// Every account of the accounts file, connected, with its webhook secret read now.
async fn from_file(file: &std::path::Path) -> Result<Vec<Served>, CliError> {
    let accounts = AccountsFile::load(file).map_err(|e| CliError::usage(e.to_string()))?;
    let mut out = Vec::with_capacity(accounts.accounts.len());
    for spec in &accounts.accounts {
        let source = spec.webhook_secret.as_ref().ok_or_else(|| {
            CliError::usage(format!(
                "account {:?}: serve needs its webhook secret (webhook_secret_env or webhook_secret_file)",
                spec.name
            ))
        })?;
        let secret = source.read(&spec.name).map_err(|e| CliError::usage(e.to_string()))?;
        let at = Location {
            base_url: spec.base_url.as_deref(),
            org: spec.org.as_deref(),
            subdomain: spec.options.get("subdomain").map(String::as_str),
        };
        let verifier = webhooks::source(&spec.provider, secret, &at)?;
        let desk = RegistryConnect
            .connect(spec)
            .await
            .map_err(|e| CliError::usage(format!("account {:?}: {e}", spec.name)))?;
        out.push(Served {
            webhook: WebhookAccount { provider: spec.provider.clone(), name: spec.name.clone(), source: verifier },
            desk,
        });
    }
    Ok(out)
}

/// The one account the global provider flags name, with `--webhook-secret`.
async fn single(cli: &Cli, args: &ServeArgs, matches: &ArgMatches) -> Result<Served, CliError> {
    let provider = providers::find(&cli.provider)?;
    if cli.sim {
        return Err(CliError::usage(
            "serve receives a real provider's webhooks: run `unidesk sim` and give its address as --base-url",
        ));
    }
    let name_ok =
        |n: &str| (1..=64).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
    if !name_ok(&args.account) {
        return Err(CliError::usage(format!(
            "--account {:?}: use 1 to 64 of A-Z a-z 0-9 _ . - (it is part of the webhook URL)",
            args.account
        )));
    }
    let secret = args.webhook_secret.clone().filter(|s| !s.is_empty()).ok_or_else(|| {
        CliError::usage("give --webhook-secret (or UNIDESK_WEBHOOK_SECRET): deliveries are verified with it")
    })?;
    let conn = (provider.connect)(&ConnectArgs {
        sim: cli.sim,
        base_url: cli.base_url.clone(),
        token: cli.token.clone(),
        matches,
        rate_budget: None,
    })
    .await?;
    let org = matches.try_get_one::<String>("org").ok().flatten().cloned();
    let subdomain = matches.try_get_one::<String>("zendesk-subdomain").ok().flatten().cloned();
    let at = Location { base_url: cli.base_url.as_deref(), org: org.as_deref(), subdomain: subdomain.as_deref() };
    let source = webhooks::source(provider.name, SecretString::from(secret), &at)?;
    Ok(Served {
        webhook: WebhookAccount { provider: provider.name.to_owned(), name: args.account.clone(), source },
        desk: Arc::from(conn.desk),
    })
}

/// One line per poll on stderr (failures always, successes unless `--quiet`).
fn report(o: &PollOutcome<'_>, quiet: bool) {
    match o.result {
        Ok(r) if !quiet => {
            let records: u64 = r.resources.iter().map(|x| x.checkpoint.records).sum();
            eprintln!("poll {}: {} resources, {records} records listed", o.account, r.resources.len());
        }
        Ok(_) => {}
        Err(e) => eprintln!("poll {}: failed: {}", o.account, unidesk_core::one_line(&e.to_string(), 300)),
    }
}

/// Resolves on Ctrl-C, or SIGTERM on Unix.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// `30s`, `5m`, `1h`, `250ms` (a bare number is seconds); `off` or `0`: no poll.
fn parse_interval(flag: &str, s: &str) -> Result<Option<Duration>, CliError> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (n, unit) = t.split_at(split);
    let bad = || CliError::usage(format!("{flag} {s:?}: give a number with s, m or h (5m), or off"));
    let n: u64 = n.parse().map_err(|_| bad())?;
    let d = match unit {
        "" | "s" => Duration::from_secs(n),
        "ms" => Duration::from_millis(n),
        "m" => Duration::from_secs(n.saturating_mul(60)),
        "h" => Duration::from_secs(n.saturating_mul(3600)),
        _ => return Err(bad()),
    };
    Ok((!d.is_zero()).then_some(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_parse_with_units_and_off() {
        assert_eq!(parse_interval("--poll", "5m").expect("5m"), Some(Duration::from_secs(300)));
        assert_eq!(parse_interval("--poll", "30s").expect("30s"), Some(Duration::from_secs(30)));
        assert_eq!(parse_interval("--poll", "45").expect("45"), Some(Duration::from_secs(45)));
        assert_eq!(parse_interval("--poll", "2h").expect("2h"), Some(Duration::from_secs(7200)));
        assert_eq!(parse_interval("--poll", "250ms").expect("ms"), Some(Duration::from_millis(250)));
        assert_eq!(parse_interval("--poll", "off").expect("off"), None);
        assert_eq!(parse_interval("--poll", "0").expect("0"), None);
        for bad in ["", "m", "5 m", "5d", "-1m", "1.5m"] {
            let e = parse_interval("--poll", bad).expect_err(bad);
            assert_eq!(e.code, 2, "{bad}");
        }
    }
}
