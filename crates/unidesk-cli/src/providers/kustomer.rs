//! `--provider kustomer`: the Kustomer adapter, and its simulator with `--sim`.
//!
//! Flags and environment: `--base-url` (`KUSTOMER_BASE_URL`), `--org` (`KUSTOMER_ORG`),
//! `--token` (`KUSTOMER_API_KEY`).

use clap::Arg;
use futures::FutureExt;
use unidesk_core::Capabilities;
use unidesk_kustomer::KustomerClient;

use super::{ConnectArgs, Connection, Provider, or_env};
use crate::error::CliError;

/// The registry entry.
pub(super) const PROVIDER: Provider = Provider {
    name: "kustomer",
    about: "Kustomer REST API (--org or --base-url, --token; KUSTOMER_* env)",
    token_env: "KUSTOMER_API_KEY",
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
        Arg::new("org")
            .long("org")
            .env("KUSTOMER_ORG")
            .global(true)
            .help("Kustomer org name: https://ORG.api.kustomerapp.com (--provider kustomer)"),
    ]
}

fn capabilities() -> Capabilities {
    KustomerClient::builder()
        .base_url("http://127.0.0.1:9")
        .api_key("capabilities-only")
        .build()
        .map(|c| unidesk_core::Helpdesk::capabilities(&c))
        .unwrap_or_else(|_| Capabilities::none())
}

/// A Kustomer client for `a`, and what must outlive it (an embedded simulator): the same
/// connection `--provider kustomer` uses, for the `kustomer` and `raw` commands.
pub(crate) async fn client(
    a: &ConnectArgs<'_>,
) -> Result<(KustomerClient, Option<Box<dyn std::any::Any + Send>>), CliError> {
    let mut builder = KustomerClient::builder();
    let keep: Option<Box<dyn std::any::Any + Send>>;
    let token = or_env(&a.token, "KUSTOMER_API_KEY");
    if a.sim {
        #[cfg(feature = "sim")]
        {
            let s = sim::start().await?;
            builder = builder.base_url(s.base_url()).api_key(token.unwrap_or_else(|| s.api_key().to_owned()));
            keep = Some(Box::new(s));
        }
        #[cfg(not(feature = "sim"))]
        return Err(CliError::usage("this unidesk was built without the `sim` feature"));
    } else {
        keep = None;
        let org: Option<String> = a.matches.get_one::<String>("org").cloned();
        builder = match (or_env(&a.base_url, "KUSTOMER_BASE_URL"), org) {
            (Some(url), _) => builder.base_url(url),
            (None, Some(org)) => builder.org(org),
            (None, None) => {
                return Err(CliError::usage("give --sim, --base-url or --org (or KUSTOMER_BASE_URL / KUSTOMER_ORG)"));
            }
        };
        let token = token.ok_or_else(|| CliError::usage("give --token or KUSTOMER_API_KEY"))?;
        builder = builder.api_key(token);
    }
    if let Some(shared) = &a.rate_budget {
        builder = builder.rate_budget(shared.budget.clone(), shared.key.clone());
    }
    Ok((builder.build()?, keep))
}

async fn connect(a: &ConnectArgs<'_>) -> Result<Connection, CliError> {
    let (client, keep) = client(a).await?;
    let watched = client.clone();
    let status = Box::new(move || {
        if let Some(w) = watched.waiting() {
            return Some(format!("waiting {:.1}s ({})", w.remaining.as_secs_f64(), w.reason));
        }
        let rl = watched.rate_limit();
        super::rate_limit_line(rl.remaining, rl.limit)
    });
    Ok(Connection { desk: Box::new(client), status, _keep: keep })
}

#[cfg(feature = "sim")]
mod sim {
    use std::fmt::Write as _;
    use std::io::Write as _;
    use std::path::{Path, PathBuf};

    use unidesk_kustomer_sim::{Org, SimConfig, Simulator};

    use crate::cli::SimArgs;
    use crate::error::CliError;

    /// The embedded simulator with its default data.
    pub(super) async fn start() -> Result<Simulator, CliError> {
        Simulator::start(SimConfig::default())
            .await
            .map_err(|e| CliError::other(format!("starting the simulator: {e}")))
    }

    /// `unidesk sim`: serves until Ctrl-C, after printing its address and keys.
    pub(super) async fn serve(args: &SimArgs) -> Result<(), CliError> {
        let mut config = SimConfig {
            seed: args.seed,
            conversations: args.conversations,
            rate_limit: args.rate_limit,
            ..SimConfig::default()
        };
        config.faults.rate = args.fault_rate;
        config.orgs = usize::from(args.orgs);
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], args.port));
        let started = std::time::Instant::now();
        let sim = Simulator::bind(config, addr).await.map_err(|e| CliError::other(format!("binding {addr}: {e}")))?;
        if let [org] = sim.orgs() {
            crate::output::announce(&[
                ("base_url", org.base_url.as_str()),
                ("api_key", org.api_key.as_str()),
                ("read_only_key", org.read_only_key.as_str()),
            ]);
        } else {
            // One line per org: `org: NAME base_url: URL key: KEY`.
            let mut out = std::io::stdout().lock();
            for org in sim.orgs() {
                let _ = writeln!(out, "org: {} base_url: {} key: {}", org.name, org.base_url, org.api_key);
            }
            let _ = out.flush();
        }
        if let Some(path) = &args.write_accounts {
            write_accounts(path, sim.orgs())?;
        }
        eprintln!(
            "serving the Kustomer simulator ({} orgs, seeded in {:.1?}); Ctrl-C to stop",
            sim.orgs().len(),
            started.elapsed()
        );
        tokio::signal::ctrl_c().await.map_err(CliError::other)?;
        Ok(())
    }

    /// Writes `path`, an accounts file naming every org (`provider = "kustomer"`, its
    /// `base_url`, and `token_file`), and each org's key in `<path>.keys/<org>` (mode 0600):
    /// the accounts file takes no inline secrets.
    fn write_accounts(path: &Path, orgs: &[Org]) -> Result<(), CliError> {
        let keys = PathBuf::from(format!("{}.keys", path.display()));
        std::fs::create_dir_all(&keys).map_err(|e| CliError::other(format!("creating {}: {e}", keys.display())))?;
        let mut toml = String::from("# Written by `unidesk sim --write-accounts`: the simulator's orgs.\n");
        for org in orgs {
            let key_file = keys.join(&org.name);
            write_private(&key_file, &org.api_key)?;
            let _ = write!(
                toml,
                "\n[[accounts]]\nname = {:?}\nprovider = \"kustomer\"\nbase_url = {:?}\ntoken_file = {:?}\n",
                org.name,
                org.base_url,
                key_file.display().to_string()
            );
        }
        std::fs::write(path, toml).map_err(|e| CliError::other(format!("writing {}: {e}", path.display())))
    }

    /// Writes `text` to `path`, readable by its owner only.
    fn write_private(path: &Path, text: &str) -> Result<(), CliError> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path).map_err(|e| CliError::other(format!("writing {}: {e}", path.display())))?;
        file.write_all(text.as_bytes()).map_err(|e| CliError::other(format!("writing {}: {e}", path.display())))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[tokio::test]
        async fn the_accounts_file_names_every_org_and_keeps_keys_in_files() {
            let config = SimConfig { orgs: 2, conversations: 5, ..SimConfig::default() };
            let sim = Simulator::start(config).await.expect("simulator starts");
            let dir = tempfile::tempdir().expect("temp dir");
            let path = dir.path().join("accounts.toml");
            write_accounts(&path, sim.orgs()).expect("written");
            let text = std::fs::read_to_string(&path).expect("read back");
            assert_eq!(text.matches("[[accounts]]").count(), 2);
            for org in sim.orgs() {
                assert!(text.contains(&format!("name = \"{}\"", org.name)), "{text}");
                assert!(text.contains(&format!("base_url = \"{}\"", org.base_url)), "{text}");
                assert!(!text.contains(&org.api_key), "no key inline: {text}");
                let key_file = dir.path().join("accounts.toml.keys").join(&org.name);
                assert_eq!(std::fs::read_to_string(&key_file).expect("key file"), org.api_key);
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    let mode = std::fs::metadata(&key_file).expect("metadata").permissions().mode();
                    assert_eq!(mode & 0o777, 0o600);
                }
            }
        }
    }
}
