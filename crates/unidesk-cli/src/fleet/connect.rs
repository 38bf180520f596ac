//! Connecting an account of the accounts file through the provider registry: the account's
//! provider, base URL, org and options become that provider's own flags (an option
//! `tags_field = "Tags"` is `--tags-field Tags`), parsed by the same command line as the
//! interactive commands; its token is read from its source at connect time and handed to the
//! provider directly (never put on a command line or in the environment).

use std::sync::Arc;

use async_trait::async_trait;
use clap::CommandFactory;
use secrecy::ExposeSecret;
use unidesk_core::Helpdesk;
use unidesk_core::budget::RateBudget;
use unidesk_mirror::accounts::{AccountSpec, Connect};
use unidesk_mirror::budget::SharedBudget;
use unidesk_mirror::error::BoxError;

use crate::cli::Cli;
use crate::providers::{self, ConnectArgs, REGISTRY};

/// Connects accounts through the provider registry.
pub(crate) struct RegistryConnect;

/// The flags an account's spec stands for (everything but the token).
fn flags(spec: &AccountSpec) -> Vec<String> {
    let mut argv = vec!["unidesk".to_owned(), "--provider".to_owned(), spec.provider.clone()];
    if let Some(org) = &spec.org {
        argv.extend(["--org".to_owned(), org.clone()]);
    }
    for (k, v) in &spec.options {
        argv.extend([format!("--{}", k.replace('_', "-")), v.clone()]);
    }
    // A command is required; `providers` takes no arguments of its own.
    argv.push("providers".to_owned());
    argv
}

/// The shared rate budget of the accounts of `accounts` that name a `rate_limit_per_minute`,
/// in the Postgres database at `url` (`None` when none does).
pub(crate) async fn budget(
    url: &str,
    accounts: &unidesk_mirror::accounts::AccountsFile,
) -> Result<Option<Arc<dyn RateBudget>>, crate::error::CliError> {
    let budget = unidesk_mirror::budget::for_accounts(url, accounts)
        .await
        .map_err(|e| crate::error::CliError::other(format!("the rate budget: {e}")))?;
    Ok(budget.map(|b| Arc::new(b) as Arc<dyn RateBudget>))
}

#[async_trait]
impl Connect for RegistryConnect {
    async fn connect(&self, spec: &AccountSpec) -> Result<Arc<dyn Helpdesk>, BoxError> {
        connect(spec, None).await
    }

    async fn connect_budgeted(&self, spec: &AccountSpec, budget: SharedBudget) -> Result<Arc<dyn Helpdesk>, BoxError> {
        connect(spec, Some(budget)).await
    }
}

/// Connects `spec` through the registry, its client taking from `rate_budget` when given.
async fn connect(spec: &AccountSpec, rate_budget: Option<SharedBudget>) -> Result<Arc<dyn Helpdesk>, BoxError> {
    let provider = providers::find(&spec.provider).map_err(|e| e.message)?;
    let mut command = Cli::command();
    for p in REGISTRY {
        command = command.args((p.args)());
    }
    let matches =
        command.try_get_matches_from(flags(spec)).map_err(|e| format!("the account's settings: {}", e.kind()))?;
    let token = match &spec.token {
        Some(source) => Some(source.read(&spec.name)?.expose_secret().to_owned()),
        None => None,
    };
    let args = ConnectArgs { sim: false, base_url: spec.base_url.clone(), token, matches: &matches, rate_budget };
    let conn = (provider.connect)(&args).await.map_err(|e| e.message)?;
    Ok(Arc::from(conn.desk))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn an_account_becomes_its_providers_flags_without_its_token() {
        let spec = AccountSpec {
            name: "acme".into(),
            provider: "rt".into(),
            base_url: Some("https://rt.example".into()),
            org: None,
            token: Some(unidesk_mirror::accounts::SecretSource::Env("ACME_TOKEN".into())),
            webhook_secret: None,
            options: BTreeMap::from([("tags_field".to_owned(), "Tags".to_owned())]),
            rate_limit_per_minute: None,
        };
        assert_eq!(flags(&spec), ["unidesk", "--provider", "rt", "--tags-field", "Tags", "providers"]);
    }

    #[tokio::test]
    async fn a_memory_account_connects_and_an_unknown_option_is_an_error() {
        let mut spec = AccountSpec {
            name: "demo".into(),
            provider: "memory".into(),
            base_url: None,
            org: None,
            token: None,
            webhook_secret: None,
            options: BTreeMap::from([("memory_tickets".to_owned(), "7".to_owned())]),
            rate_limit_per_minute: None,
        };
        let desk = RegistryConnect.connect(&spec).await.expect("memory connects");
        let page = desk.tickets().list(&unidesk_core::ListQuery::new().page_size(100)).await.expect("list");
        assert_eq!(page.items.len(), 7, "the option reached the provider");
        spec.options.insert("no_such_flag".into(), "1".into());
        assert!(RegistryConnect.connect(&spec).await.is_err());
        spec.provider = "nosuch".into();
        let e = RegistryConnect.connect(&spec).await.err().expect("unknown provider");
        assert!(e.to_string().contains("unknown provider"), "{e}");
    }
}
