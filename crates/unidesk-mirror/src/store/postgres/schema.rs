//! Connecting to Postgres and applying the migrations (`migrations/postgres/V*.sql`, embedded
//! and applied by refinery, which keeps its history in `unidesk_schema_history`).
//!
//! Many workers may open the same database at once: the migrations run under a session
//! advisory lock, so exactly one of them applies what is missing and the others then find it
//! applied.

use tokio_postgres::Client;

pub use super::tls::ConnectError;

/// The migrations, embedded at build time.
#[allow(unreachable_pub, reason = "refinery's macro declares its module `pub`; it stays private here")]
mod embedded {
    refinery::embed_migrations!("migrations/postgres");
}

/// The advisory-lock key the migrations run under (any constant shared by every worker).
const MIGRATION_LOCK: i64 = 0x756e_6964_6573_6b31; // "unidesk1"

/// The table refinery records applied migrations in.
const HISTORY_TABLE: &str = "unidesk_schema_history";

/// Why a Postgres database could not be opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// Connecting failed.
    #[error(transparent)]
    Connect(#[from] ConnectError),
    /// A statement failed.
    #[error("postgres: {0}")]
    Db(#[from] tokio_postgres::Error),
    /// A migration failed.
    #[error("applying the Postgres migrations: {0}")]
    Migrate(#[from] refinery::Error),
}

/// Connects to `url` (`postgres://user@host:port/db?…`, or a `key=value …` string), with TLS
/// as its `sslmode` says (libpq's meanings; see [`super::tls`] for the table), driving the
/// connection on the current tokio runtime until the client is dropped.
pub async fn connect(url: &str) -> Result<Client, ConnectError> {
    connect_to(&super::tls::target(url)?).await
}

/// [`connect`] with the URL read already (a pool opens many connections from one).
pub(crate) async fn connect_to(target: &super::tls::Target) -> Result<Client, ConnectError> {
    let (client, connection) = target.config.connect(target.tls.clone()).await?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::debug!(error = %e, "a Postgres connection ended");
        }
    });
    Ok(client)
}

/// Applies the migrations that are missing, one worker at a time.
pub async fn migrate(client: &mut Client) -> Result<(), OpenError> {
    client.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK]).await?;
    let applied = embedded::migrations::runner().set_migration_table_name(HISTORY_TABLE).run_async(client).await;
    // Unlocked whatever happened (the session ending would unlock it too).
    let unlocked = client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK]).await;
    applied?;
    unlocked?;
    Ok(())
}

/// Connects to `url` and applies the migrations.
pub async fn open(url: &str) -> Result<Client, OpenError> {
    open_to(&super::tls::target(url)?).await
}

/// [`open`] with the URL read already.
pub(crate) async fn open_to(target: &super::tls::Target) -> Result<Client, OpenError> {
    let mut client = connect_to(target).await?;
    migrate(&mut client).await?;
    Ok(client)
}
