//! `unidesk`: list, get, write and sync normalized helpdesk records from any provider
//! in the registry (`unidesk providers`), or from an embedded simulator with `--sim`.

mod attach;
mod cli;
mod error;
mod fleet;
mod input;
mod mirror;
mod output;
mod providers;
mod run;
#[cfg(feature = "serve")]
mod serve;
mod sync;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

fn main() -> ExitCode {
    // The derived flags, plus each provider's own.
    let mut command = cli::Cli::command();
    for p in providers::REGISTRY {
        command = command.args((p.args)());
    }
    let matches = command.get_matches();
    let cli = match cli::Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    // Redacted from any error line, wherever they came from (flags or environment).
    let secrets = providers::find(&cli.provider)
        .map(|p| providers::secrets(p, cli.token.as_deref(), &matches))
        .unwrap_or_else(|_| cli.token.clone().into_iter().collect());
    #[cfg(feature = "serve")]
    let secrets = {
        let mut secrets = secrets;
        if let cli::Command::Serve(a) = &cli.command {
            secrets.extend(a.webhook_secret.clone().filter(|s| !s.is_empty()));
        }
        secrets
    };
    // Diagnostics on stderr, off unless asked for: `RUST_LOG=unidesk_kustomer=info` shows
    // each request's span and every retry. Spans carry method, path and status, never headers.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "off".into()))
        .with_writer(std::io::stderr)
        .try_init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run::run(&cli, &matches)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.closed_stdout => ExitCode::SUCCESS,
        Err(e) => {
            // One line, control characters escaped, bounded, every secret replaced by `***`.
            eprintln!("error: {}", e.line(&secrets));
            ExitCode::from(e.code)
        }
    }
}
