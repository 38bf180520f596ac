//! The accounts file: every connected account a mirror syncs, its provider, where it lives,
//! and where its credentials come from — never the credentials themselves.
//!
//! ```toml
//! [[accounts]]
//! name = "acme"                      # the account's key in the store and in webhook URLs
//! provider = "kustomer"              # a provider the program knows (kustomer, rt, memory, …)
//! org = "acme"                       # provider-specific: Kustomer's org
//! token_env = "ACME_KUSTOMER_KEY"    # the API token is read from this environment variable…
//! webhook_secret_file = "/run/secrets/acme-hook"   # …or from a file (`*_file`)
//! rate_limit_per_minute = 600        # optional: one budget shared by every worker (Postgres)
//!
//! [[accounts]]
//! name = "globex"
//! provider = "rt"
//! base_url = "https://rt.globex.example"
//! token_file = "/run/secrets/globex-rt"
//! options = { tags_field = "Tags" }  # provider-specific settings that are not secrets
//! ```
//!
//! A secret written inline (`token = "…"`, `api_key`, `password`, `secret`, …) is refused with
//! [`AccountsError::InlineSecret`], which names the key and never the value. Secrets are read
//! only when an account connects ([`SecretSource::read`]), kept in a [`SecretString`] (its
//! `Debug` prints nothing), and named in errors by their source, never their content.

mod sync;

pub use sync::{AccountError, AccountEventFn, AccountResult, Connect, sync_all};

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use secrecy::SecretString;
use serde::Deserialize;

/// Why an accounts file could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AccountsError {
    /// The file could not be read.
    #[error("reading {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid TOML, or not the accounts file's shape.
    #[error("{path}{}: {message}", line.map(|l| format!(" line {l}")).unwrap_or_default())]
    Parse {
        /// The file.
        path: PathBuf,
        /// The 1-based line of the problem, when known.
        line: Option<usize>,
        /// The parser's message (without the offending text, which could hold a secret).
        message: String,
    },
    /// The file names no account.
    #[error("{path}: no [[accounts]] entry")]
    NoAccounts {
        /// The file.
        path: PathBuf,
    },
    /// An account's name is empty, too long, or holds characters other than `A-Z a-z 0-9 _ . -`.
    #[error("account name {name:?}: use 1 to 64 of A-Z a-z 0-9 _ . - (it keys the store and webhook URLs)")]
    BadName {
        /// The name as written.
        name: String,
    },
    /// Two accounts share a name.
    #[error("account {name:?} is named twice")]
    DuplicateName {
        /// The name.
        name: String,
    },
    /// A secret is written in the file itself.
    #[error(
        "account {account:?}: `{key}` holds a secret inline; give `{key}_env` (an environment variable) or `{key}_file` instead"
    )]
    InlineSecret {
        /// The account.
        account: String,
        /// The key (the value is never repeated).
        key: String,
    },
    /// A secret is given both by environment variable and by file.
    #[error("account {account:?}: give `{what}_env` or `{what}_file`, not both")]
    TwoSources {
        /// The account.
        account: String,
        /// `token` or `webhook_secret`.
        what: &'static str,
    },
    /// The environment variable a secret comes from is unset or empty.
    #[error("account {account:?}: the environment variable {var} is not set")]
    MissingEnv {
        /// The account.
        account: String,
        /// The variable's name.
        var: String,
    },
    /// The file a secret comes from could not be read, or is empty.
    #[error("account {account:?}: reading the secret file {path}: {message}")]
    SecretFile {
        /// The account.
        account: String,
        /// The file.
        path: PathBuf,
        /// What went wrong (never the content).
        message: String,
    },
}

/// Where a secret comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// An environment variable's value.
    Env(String),
    /// A file's content, surrounding whitespace trimmed (relative paths are relative to the
    /// accounts file's folder).
    File(PathBuf),
}

impl std::fmt::Display for SecretSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SecretSource::Env(v) => write!(f, "env {v}"),
            SecretSource::File(p) => write!(f, "file {}", p.display()),
        }
    }
}

impl SecretSource {
    /// Reads the secret now, for `account` (named in errors).
    pub fn read(&self, account: &str) -> Result<SecretString, AccountsError> {
        match self {
            SecretSource::Env(var) => match std::env::var(var) {
                Ok(v) if !v.trim().is_empty() => Ok(SecretString::from(v.trim().to_owned())),
                _ => Err(AccountsError::MissingEnv { account: account.to_owned(), var: var.clone() }),
            },
            SecretSource::File(path) => {
                let err = |message: String| AccountsError::SecretFile {
                    account: account.to_owned(),
                    path: path.clone(),
                    message,
                };
                let text = std::fs::read_to_string(path).map_err(|e| err(e.kind().to_string()))?;
                let value = text.trim();
                if value.is_empty() {
                    return Err(err("the file is empty".into()));
                }
                Ok(SecretString::from(value.to_owned()))
            }
        }
    }
}

/// One connected account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSpec {
    /// Its key in the store, in job names and in webhook URLs (`A-Z a-z 0-9 _ . -`, ≤ 64).
    pub name: String,
    /// The provider's name (`kustomer`, `rt`, `memory`, …); the program connecting it decides
    /// which names it knows.
    pub provider: String,
    /// The provider's base URL, when not its default.
    pub base_url: Option<String>,
    /// The provider's organization (Kustomer's org, a Zendesk subdomain), when it has one.
    pub org: Option<String>,
    /// Where the API token comes from.
    pub token: Option<SecretSource>,
    /// Where the webhook signing secret comes from.
    pub webhook_secret: Option<SecretSource>,
    /// Provider-specific settings that are not secrets (scalars, kept as their text).
    pub options: BTreeMap<String, String>,
    /// The provider's rate limit for this account, in requests per minute: every worker's
    /// client then takes its requests from one budget shared through the store's database
    /// (Postgres: [`crate::budget::PostgresRateBudget`]). `None`: each client paces alone.
    pub rate_limit_per_minute: Option<u32>,
}

/// A loaded accounts file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountsFile {
    /// Where it was read from.
    pub path: PathBuf,
    /// The accounts, in file order.
    pub accounts: Vec<AccountSpec>,
}

/// The file as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    accounts: Vec<RawAccount>,
}

#[derive(Deserialize)]
struct RawAccount {
    name: String,
    provider: String,
    #[serde(default)]
    base_url: Option<String>,
    #[serde(default)]
    org: Option<String>,
    #[serde(default)]
    token_env: Option<String>,
    #[serde(default)]
    token_file: Option<PathBuf>,
    #[serde(default)]
    webhook_secret_env: Option<String>,
    #[serde(default)]
    webhook_secret_file: Option<PathBuf>,
    #[serde(default)]
    options: BTreeMap<String, Scalar>,
    #[serde(default)]
    rate_limit_per_minute: Option<u32>,
    /// Any other key: refused, and checked for inline secrets first.
    #[serde(flatten)]
    other: BTreeMap<String, toml::Value>,
}

/// An option's value: any TOML scalar, kept as text.
#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    Text(String),
    Integer(i64),
    Float(f64),
    Bool(bool),
}

impl Scalar {
    fn into_text(self) -> String {
        match self {
            Scalar::Text(s) => s,
            Scalar::Integer(i) => i.to_string(),
            Scalar::Float(f) => f.to_string(),
            Scalar::Bool(b) => b.to_string(),
        }
    }
}

/// Keys that name a secret: written inline, they are refused.
const SECRET_WORDS: [&str; 6] = ["token", "key", "password", "secret", "credential", "auth"];

fn looks_secret(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    SECRET_WORDS.iter().any(|w| k.contains(w))
}

fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
}

fn one_source(
    account: &str,
    what: &'static str,
    env: Option<String>,
    file: Option<PathBuf>,
    base: &Path,
) -> Result<Option<SecretSource>, AccountsError> {
    match (env, file) {
        (Some(_), Some(_)) => Err(AccountsError::TwoSources { account: account.to_owned(), what }),
        (Some(v), None) => Ok(Some(SecretSource::Env(v))),
        (None, Some(p)) => Ok(Some(SecretSource::File(if p.is_relative() { base.join(p) } else { p }))),
        (None, None) => Ok(None),
    }
}

impl AccountsFile {
    /// Reads and checks the accounts file at `path`.
    pub fn load(path: impl AsRef<Path>) -> Result<AccountsFile, AccountsError> {
        let path = path.as_ref();
        let text =
            std::fs::read_to_string(path).map_err(|source| AccountsError::Read { path: path.to_owned(), source })?;
        AccountsFile::parse(&text, path)
    }

    /// Checks the text of an accounts file read from `path` (used for messages and as the base
    /// of relative `*_file` paths).
    pub fn parse(text: &str, path: &Path) -> Result<AccountsFile, AccountsError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| AccountsError::Parse {
            path: path.to_owned(),
            line: e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1),
            message: e.message().to_owned(),
        })?;
        if raw.accounts.is_empty() {
            return Err(AccountsError::NoAccounts { path: path.to_owned() });
        }
        let base = path.parent().unwrap_or(Path::new("."));
        let mut seen = HashSet::new();
        let mut accounts = Vec::with_capacity(raw.accounts.len());
        for a in raw.accounts {
            if !valid_name(&a.name) {
                return Err(AccountsError::BadName { name: a.name });
            }
            if !seen.insert(a.name.clone()) {
                return Err(AccountsError::DuplicateName { name: a.name });
            }
            let inline = a.other.keys().chain(a.options.keys()).find(|k| looks_secret(k));
            if let Some(key) = inline {
                return Err(AccountsError::InlineSecret { account: a.name, key: key.clone() });
            }
            if a.rate_limit_per_minute == Some(0) {
                return Err(AccountsError::Parse {
                    path: path.to_owned(),
                    line: None,
                    message: format!("account {:?}: rate_limit_per_minute must be at least 1", a.name),
                });
            }
            if let Some(key) = a.other.keys().next() {
                return Err(AccountsError::Parse {
                    path: path.to_owned(),
                    line: None,
                    message: format!(
                        "account {:?}: unknown key `{key}` (known: name, provider, base_url, org, token_env, \
                         token_file, webhook_secret_env, webhook_secret_file, options, rate_limit_per_minute)",
                        a.name
                    ),
                });
            }
            let token = one_source(&a.name, "token", a.token_env, a.token_file, base)?;
            let webhook_secret =
                one_source(&a.name, "webhook_secret", a.webhook_secret_env, a.webhook_secret_file, base)?;
            accounts.push(AccountSpec {
                name: a.name,
                provider: a.provider,
                base_url: a.base_url,
                org: a.org,
                token,
                webhook_secret,
                options: a.options.into_iter().map(|(k, v)| (k, v.into_text())).collect(),
                rate_limit_per_minute: a.rate_limit_per_minute,
            });
        }
        Ok(AccountsFile { path: path.to_owned(), accounts })
    }

    /// The account called `name`.
    pub fn get(&self, name: &str) -> Option<&AccountSpec> {
        self.accounts.iter().find(|a| a.name == name)
    }
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    fn parse(text: &str) -> Result<AccountsFile, AccountsError> {
        AccountsFile::parse(text, Path::new("/etc/unidesk/accounts.toml"))
    }

    #[test]
    fn a_file_with_two_accounts_loads_with_its_secret_sources_and_options() {
        let f = parse(
            r#"
            [[accounts]]
            name = "acme"
            provider = "kustomer"
            org = "acme"
            token_env = "ACME_KEY"
            webhook_secret_file = "secrets/acme-hook"
            rate_limit_per_minute = 600

            [[accounts]]
            name = "globex.eu-1"
            provider = "rt"
            base_url = "https://rt.globex.example"
            token_file = "/run/secrets/globex"
            options = { tags_field = "Tags", page_size = 99, strict = true }
            "#,
        )
        .expect("valid");
        assert_eq!(f.accounts.len(), 2);
        let acme = f.get("acme").expect("acme");
        assert_eq!(acme.token, Some(SecretSource::Env("ACME_KEY".into())));
        assert_eq!(
            acme.webhook_secret,
            Some(SecretSource::File(PathBuf::from("/etc/unidesk/secrets/acme-hook"))),
            "relative to the accounts file"
        );
        assert_eq!(acme.rate_limit_per_minute, Some(600));
        let globex = f.get("globex.eu-1").expect("globex");
        assert_eq!(globex.rate_limit_per_minute, None);
        assert_eq!(globex.base_url.as_deref(), Some("https://rt.globex.example"));
        assert_eq!(globex.options.get("page_size").map(String::as_str), Some("99"));
        assert_eq!(globex.options.get("strict").map(String::as_str), Some("true"));
        assert_eq!(globex.token, Some(SecretSource::File(PathBuf::from("/run/secrets/globex"))));
    }

    #[test]
    fn an_inline_secret_is_refused_without_repeating_it() {
        for (key, line) in [
            ("token", r#"token = "hunter2-VERY-SECRET""#),
            ("api_key", r#"api_key = "hunter2-VERY-SECRET""#),
            ("password", r#"options = { password = "hunter2-VERY-SECRET" }"#),
        ] {
            let text = format!("[[accounts]]\nname = \"a\"\nprovider = \"rt\"\n{line}\n");
            let e = parse(&text).expect_err(key);
            let shown = format!("{e} {e:?}");
            assert!(matches!(&e, AccountsError::InlineSecret { key: k, .. } if k == key), "{shown}");
            assert!(!shown.contains("hunter2"), "the secret leaked: {shown}");
        }
    }

    #[test]
    fn a_syntax_error_gives_its_line_but_not_the_text_around_it() {
        let text = "[[accounts]]\nname = \"a\"\nprovider = \"rt\"\ntoken_env = \"hunter2-VERY-SECRET\n";
        let e = parse(text).expect_err("unterminated string");
        let shown = format!("{e} {e:?}");
        assert!(matches!(e, AccountsError::Parse { line: Some(4), .. }), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
    }

    #[test]
    fn bad_duplicate_and_missing_entries_are_typed_errors() {
        assert!(matches!(parse(""), Err(AccountsError::NoAccounts { .. })));
        assert!(matches!(
            parse("[[accounts]]\nname = \"a/b\"\nprovider = \"rt\"\n"),
            Err(AccountsError::BadName { .. })
        ));
        assert!(matches!(
            parse("[[accounts]]\nname = \"a\"\nprovider = \"rt\"\n[[accounts]]\nname = \"a\"\nprovider = \"rt\"\n"),
            Err(AccountsError::DuplicateName { .. })
        ));
        assert!(matches!(
            parse("[[accounts]]\nname = \"a\"\nprovider = \"rt\"\ntoken_env = \"X\"\ntoken_file = \"y\"\n"),
            Err(AccountsError::TwoSources { what: "token", .. })
        ));
        assert!(matches!(
            parse("[[accounts]]\nname = \"a\"\nprovider = \"rt\"\nregion = \"eu\"\n"),
            Err(AccountsError::Parse { .. })
        ));
        assert!(matches!(parse("[[accounts]]\nname = \"a\"\n"), Err(AccountsError::Parse { .. })), "no provider");
    }

    #[test]
    fn secrets_are_read_from_files_and_missing_ones_name_their_source_only() {
        let dir = tempfile::tempdir().expect("tmp");
        let file = dir.path().join("tok");
        std::fs::write(&file, "  s3cr3t-value\n").expect("write");
        let s = SecretSource::File(file.clone()).read("acme").expect("read");
        assert_eq!(s.expose_secret(), "s3cr3t-value");
        assert!(!format!("{s:?}").contains("s3cr3t"), "Debug hides the secret");
        std::fs::write(&file, "\n").expect("write");
        assert!(matches!(SecretSource::File(file).read("acme"), Err(AccountsError::SecretFile { .. })));
        let e = SecretSource::Env("UNIDESK_TEST_SURELY_UNSET_VAR".into()).read("acme").expect_err("unset");
        assert!(e.to_string().contains("UNIDESK_TEST_SURELY_UNSET_VAR"), "{e}");
    }
}
