//! `unidesk mirror status --to STORE`: per account and resource, what the mirror holds.

use serde_json::{Value, json};
use unidesk_mirror::StoreSpec;

use crate::cli::{Format, MirrorOp};
use crate::error::CliError;
use crate::output;
use crate::sync::mirror_error;

/// Runs a `mirror` subcommand.
pub(crate) async fn run(op: &MirrorOp, format: Option<Format>) -> Result<(), CliError> {
    match op {
        MirrorOp::Status { to } => status(to, format).await,
    }
}

async fn status(to: &str, format: Option<Format>) -> Result<(), CliError> {
    let spec: StoreSpec = to.parse().map_err(mirror_error)?;
    let store = spec.open().await.map_err(mirror_error)?;
    let rows = store.status().await.map_err(mirror_error)?;
    let now = chrono::Utc::now();
    let rows: Vec<Value> = rows
        .iter()
        .map(|s| {
            json!({
                "account": s.account,
                "resource": s.resource.plural(),
                "records": s.records,
                "tombstones": s.tombstones,
                "last_sync": s.last_sync,
                "lag_seconds": s.lag_seconds(now),
                "high_water": s.high_water,
                "in_progress": s.in_progress,
                "generation": s.generation,
                "last_error": s.last_error,
                "last_error_at": s.last_error_at,
            })
        })
        .collect();
    match output::resolve(format) {
        Format::Json => {
            let doc = json!({ "store": store.describe(), "resources": rows });
            output::line(serde_json::to_string_pretty(&doc).map_err(CliError::other)?)
        }
        f => output::print(&rows, f, "mirror", None),
    }
}
