//! What a check reports.

use std::fmt;

/// A check that ran to the end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every assertion held.
    Passed,
    /// The check does not apply (capability not reported, no fault hooks…); the reason says why.
    Skipped(String),
}

/// A broken rule: what was expected and what the adapter did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The explanation.
    pub message: String,
}

impl Failure {
    /// A failure with this message.
    pub fn new(message: impl Into<String>) -> Self {
        Failure { message: message.into() }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// The result of one check.
pub type CheckResult = Result<Outcome, Failure>;

/// Turns an adapter error into a failure that says what was being done.
pub(crate) trait Context<T> {
    /// Adds `what` to the error.
    fn ctx(self, what: impl fmt::Display) -> Result<T, Failure>;
}

impl<T> Context<T> for unidesk_core::Result<T> {
    fn ctx(self, what: impl fmt::Display) -> Result<T, Failure> {
        self.map_err(|e| Failure::new(format!("{what}: unexpected error: {e} ({e:?})")))
    }
}

/// Fails the check with a formatted message unless `cond` holds.
macro_rules! ensure {
    ($cond:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err($crate::outcome::Failure::new(format!($($fmt)+)));
        }
    };
}
pub(crate) use ensure;

/// Skips the check with a formatted reason.
macro_rules! skip {
    ($($fmt:tt)+) => {
        return Ok($crate::outcome::Outcome::Skipped(format!($($fmt)+)))
    };
}
pub(crate) use skip;
