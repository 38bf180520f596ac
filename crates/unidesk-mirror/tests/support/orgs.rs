//! Shared by the multi-org test and bench: the accounts file of every org a Kustomer simulator
//! hosts, and connecting one of its accounts.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use secrecy::ExposeSecret;
use unidesk_core::Helpdesk;
use unidesk_kustomer::KustomerClient;
use unidesk_kustomer_sim::Simulator;
use unidesk_mirror::accounts::AccountSpec;
use unidesk_mirror::error::BoxError;

/// Writes `dir/accounts.toml`: one Kustomer account per org of `sim`, named after the org, its
/// key in its own `token_file` under `dir`. Returns the file's path.
pub(crate) fn write_accounts(sim: &Simulator, dir: &Path) -> PathBuf {
    let mut toml = String::new();
    for org in sim.orgs() {
        let key = dir.join(format!("{}.key", org.name));
        std::fs::write(&key, &org.api_key).expect("key file");
        toml.push_str(&format!(
            "[[accounts]]\nname = \"{}\"\nprovider = \"kustomer\"\nbase_url = \"{}\"\ntoken_file = \"{}\"\n\n",
            org.name,
            org.base_url,
            key.display()
        ));
    }
    let path = dir.join("accounts.toml");
    std::fs::write(&path, toml).expect("accounts file");
    path
}

/// A Kustomer client for `spec` from its base URL and token source (read now).
pub(crate) fn connect_kustomer(spec: &AccountSpec) -> Result<Arc<dyn Helpdesk>, BoxError> {
    let token = spec.token.as_ref().ok_or("no token")?.read(&spec.name)?;
    let client = KustomerClient::builder()
        .base_url(spec.base_url.clone().ok_or("no base_url")?)
        .api_key(token.expose_secret())
        .build()?;
    Ok(Arc::new(client))
}
