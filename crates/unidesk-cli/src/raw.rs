//! `unidesk raw METHOD PATH [--json FILE|-]`: one request to the provider's API through its
//! adapter's passthrough (same auth, retries, rate limiting, path validation and token
//! redaction as typed calls), printing the response body.

use clap::ArgMatches;
use serde_json::Value;

use crate::cli::{Cli, Format, RawArgs};
use crate::error::{CliError, exit_code};
use crate::input::{JsonInput, read_json};
use crate::output;
use crate::providers::ConnectArgs;

/// The answer of a passthrough: status and JSON body.
#[cfg_attr(not(feature = "kustomer"), allow(dead_code))]
struct Reply {
    status: u16,
    body: Value,
}

/// Runs `raw` against the provider `cli` names, when it has a passthrough.
pub(crate) async fn run(cli: &Cli, matches: &ArgMatches, args: &RawArgs, format: Format) -> Result<(), CliError> {
    let query = args
        .query
        .iter()
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
            _ => Err(CliError::usage(format!("--query {kv:?}: expected KEY=VALUE"))),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let body: Option<Value> = match &args.json {
        Some(j) => Some(read_json(&JsonInput { json: j.clone() })?),
        None => None,
    };
    let connect = ConnectArgs {
        sim: cli.sim,
        base_url: cli.base_url.clone(),
        token: cli.token.clone(),
        matches,
        rate_budget: None,
    };
    let reply = passthrough(&cli.provider, &connect, args, query, body).await?;
    let shown = if format == Format::Jsonl { Format::Jsonl } else { Format::Json };
    if !reply.body.is_null() {
        output::record(shown, &reply.body)?;
    }
    if reply.status >= 400 {
        let code = exit_code(&unidesk_core::Error::Upstream { status: reply.status, body: String::new() });
        return Err(CliError { code, message: format!("HTTP {}", reply.status), closed_stdout: false });
    }
    Ok(())
}

/// The providers with a passthrough; the others answer a usage error.
async fn passthrough(
    provider: &str,
    connect: &ConnectArgs<'_>,
    args: &RawArgs,
    query: Vec<(String, String)>,
    body: Option<Value>,
) -> Result<Reply, CliError> {
    match provider {
        #[cfg(feature = "kustomer")]
        "kustomer" => kustomer(connect, args, query, body).await,
        other => {
            let _ = (connect, args, query, body);
            Err(CliError::usage(format!("provider {other:?} has no passthrough (raw)")))
        }
    }
}

#[cfg(feature = "kustomer")]
async fn kustomer(
    connect: &ConnectArgs<'_>,
    args: &RawArgs,
    query: Vec<(String, String)>,
    body: Option<Value>,
) -> Result<Reply, CliError> {
    let mut req = unidesk_kustomer::RawRequest::new(&args.method, args.path.clone())?;
    req.query = query;
    req.body = body;
    let (client, _keep) = crate::providers::kustomer::client(connect).await?;
    let reply = client.raw(req).await?;
    Ok(Reply { status: reply.status, body: reply.json })
}
