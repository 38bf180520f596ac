//! [`SqliteStore`]: the embedded default (`--to sqlite:PATH`). Work in progress.

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use unidesk_core::{AnyRecord, Resource};

use crate::error::{MirrorError, Result};
use crate::store::{Applied, Change, Checkpoint, PassStart, Reconciled, ResourceStatus, Store, StoreCapabilities};

/// A SQLite database file holding any number of accounts.
#[derive(Debug)]
pub struct SqliteStore {
    path: PathBuf,
}

impl SqliteStore {
    /// Opens (creating when missing) and migrates the database at `path`.
    pub async fn open(path: &Path) -> Result<SqliteStore> {
        let _ = path;
        Err(MirrorError::NotBuilt { kind: "sqlite" })
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn describe(&self) -> String {
        format!("sqlite:{}", self.path.display())
    }
    fn capabilities(&self) -> StoreCapabilities {
        StoreCapabilities { upsert: true }
    }
    async fn checkpoint(&self, _account: &str, _resource: Resource) -> Result<Option<Checkpoint>> {
        Err(MirrorError::NotBuilt { kind: "sqlite" })
    }
    async fn open_pass(&self, _account: &str, _resource: Resource, _checkpoint: &Checkpoint) -> Result<PassStart> {
        Err(MirrorError::NotBuilt { kind: "sqlite" })
    }
    async fn commit(&self, _: &str, _: Resource, _: &[AnyRecord], _: &Checkpoint) -> Result<()> {
        Err(MirrorError::NotBuilt { kind: "sqlite" })
    }
    async fn finish_pass(&self, _: &str, _: Resource, _: &Checkpoint) -> Result<Reconciled> {
        Err(MirrorError::NotBuilt { kind: "sqlite" })
    }
    async fn apply(&self, _: &str, _: &[Change]) -> Result<Applied> {
        Err(MirrorError::NotBuilt { kind: "sqlite" })
    }
    async fn record_error(&self, _: &str, _: Resource, _: &str) -> Result<()> {
        Err(MirrorError::NotBuilt { kind: "sqlite" })
    }
    async fn status(&self) -> Result<Vec<ResourceStatus>> {
        Err(MirrorError::NotBuilt { kind: "sqlite" })
    }
}
