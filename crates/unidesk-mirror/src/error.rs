//! The mirror's failure type.

use unidesk_core::Resource;

/// A boxed error kept as the `source` of a [`MirrorError`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a mirror operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MirrorError {
    /// The provider failed (listing a page); its own variant says how (exit codes follow it).
    #[error(transparent)]
    Provider(#[from] unidesk_core::Error),
    /// The store failed: a database error, a file that cannot be written.
    #[error("{context}: {source}")]
    Store {
        /// What the store was doing (`sqlite:./m.db: committing tickets`).
        context: String,
        /// The underlying failure.
        #[source]
        source: BoxError,
    },
    /// Another sync holds the store (the JSONL folder lock).
    #[error("{what} is in use by another sync (run it again when that one ends, or pass --wait)")]
    Busy {
        /// The store that is busy (a folder).
        what: String,
    },
    /// A `--to` value that names no store, or names one badly.
    #[error("invalid store {spec:?}: {reason}")]
    InvalidSpec {
        /// The value as given (a Postgres password in it is replaced by `***`).
        spec: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A store kind this build does not have yet (or was built without).
    #[error("the {kind} store is not built into this binary yet")]
    NotBuilt {
        /// The store kind (`postgres`).
        kind: &'static str,
    },
    /// The store cannot do this (a JSONL folder cannot upsert a single webhook event).
    #[error("{store} does not support {operation}")]
    Unsupported {
        /// The store kind.
        store: &'static str,
        /// What was asked.
        operation: &'static str,
    },
    /// The store holds a record of another resource than the call names, or other input the
    /// store refuses.
    #[error("invalid input for {resource}: {message}")]
    InvalidInput {
        /// The resource concerned.
        resource: Resource,
        /// What is wrong.
        message: String,
    },
}

impl MirrorError {
    /// A store failure with its context.
    pub fn store(context: impl Into<String>, source: impl Into<BoxError>) -> Self {
        MirrorError::Store { context: context.into(), source: source.into() }
    }
}

/// The mirror's result type.
pub type Result<T, E = MirrorError> = std::result::Result<T, E>;
