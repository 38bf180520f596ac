//! # unidesk-conformance
//!
//! The suite every unidesk adapter runs to prove it behaves as the unified
//! model promises: listing and cursors, get, writes, honesty of the capability
//! report, HTTP errors and faults, and the JSON Schemas of the records.
//!
//! Each check is a named `async fn(&Target) -> CheckResult` in [`checks`]; a
//! check that does not apply (an unreported capability, no fault hooks)
//! reports [`Outcome::Skipped`] with the reason, never a silent pass.
//!
//! ## One-line opt-in
//!
//! In an adapter crate's `tests/conformance.rs` (with `tokio` as a dev-dependency):
//!
//! ```ignore
//! unidesk_conformance::conformance_tests!(async {
//!     unidesk_conformance::Target::new(unidesk_memory::MemoryHelpdesk::with_sample_data(40))
//! });
//! ```
//!
//! That expands to one `#[tokio::test]` per check, named after it, so a failure
//! names the broken rule. The expression is evaluated afresh for every test:
//! write checks change data. See `docs/adding-an-adapter.md`.

mod any;
pub mod checks;
mod outcome;
mod target;

use std::future::Future;
use std::pin::Pin;

pub use outcome::{CheckResult, Failure, Outcome};
pub use target::{FaultHooks, Target};

/// A check's future.
pub type CheckFuture<'a> = Pin<Box<dyn Future<Output = CheckResult> + Send + 'a>>;

/// One named check.
#[derive(Clone, Copy)]
pub struct Check {
    /// The check's name: its function name, and its test's name.
    pub name: &'static str,
    /// The area (module of [`checks`]) it belongs to.
    pub area: &'static str,
    /// Runs the check as is; [`Check::run_on`] also honours [`Target::read_only`].
    pub run: for<'a> fn(&'a Target) -> CheckFuture<'a>,
}

impl std::fmt::Debug for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Check").field("name", &self.name).field("area", &self.area).finish()
    }
}

/// The list of checks, in one place. Used by [`CHECKS`] and [`conformance_tests!`].
#[doc(hidden)]
#[macro_export]
macro_rules! __unidesk_for_each_check {
    ($mode:ident [$($arg:tt)*]) => {
        $crate::__unidesk_for_each_check! { @go $mode [$($arg)*]
            listing::list_page_size_1_visits_each_record_once,
            listing::list_page_size_7_visits_each_record_once,
            listing::list_page_size_100_visits_each_record_once,
            listing::list_last_page_has_no_next_cursor,
            listing::list_respects_page_size,
            listing::list_updated_after_is_exact,
            listing::list_created_after_is_exact,
            listing::cursor_from_another_query_is_invalid,
            listing::tampered_cursor_is_invalid,
            listing::garbage_cursor_is_invalid,
            listing::stream_helper_matches_pages,
            listing::ticket_comments_are_that_tickets_in_time_order,
            listing::sets_hold_no_duplicates,
            listing::default_listings_hold_no_deleted_records,
            get::get_returns_the_listed_record,
            get::get_unknown_id_is_not_found,
            ids::get_rejects_hostile_ids_before_any_request,
            writes::ticket_create_then_get_round_trips,
            writes::ticket_update_patches_only_given_fields,
            writes::ticket_close_then_reopen_round_trips,
            writes::ticket_tags_add_remove_are_idempotent,
            writes::ticket_delete_then_get_is_not_found,
            writes::deleted_ticket_leaves_listings_and_is_listed_only_when_asked,
            writes::comment_reply_and_note_round_trip,
            writes::uploaded_attachment_downloads_byte_identical,
            writes::contact_create_update_round_trip,
            writes::contact_lookup_by_email_and_external_id,
            writes::contact_delete_then_get_is_not_found,
            writes::account_create_update_round_trip,
            writes::unknown_status_or_priority_is_a_validation_error,
            ids::writes_reject_hostile_ids,
            honesty::unreported_operations_are_unsupported,
            honesty::reported_operations_are_never_unsupported,
            honesty::capability_report_is_well_formed,
            errors::http_401_is_unauthenticated,
            errors::http_403_is_permission_denied,
            errors::http_429_then_success_is_success,
            errors::http_5xx_burst_on_reads_recovers,
            errors::malformed_body_is_a_decode_error,
            models::records_match_the_json_schemas,
            models::field_definitions_cover_the_custom_fields_records_use,
        }
    };
    (@go registry [] $($area:ident :: $name:ident),* $(,)?) => {
        &[$(
            $crate::Check {
                name: stringify!($name),
                area: stringify!($area),
                run: |t| ::std::boxed::Box::pin($crate::checks::$area::$name(t)),
            }
        ),*]
    };
    (@go tests [$make:expr] $($area:ident :: $name:ident),* $(,)?) => {$(
        #[tokio::test]
        async fn $name() {
            let target: $crate::Target = $make.await;
            $crate::assert_check(stringify!($name), &target).await;
        }
    )*};
}

/// Every check, in the order `conformance_tests!` declares them.
pub const CHECKS: &[Check] = __unidesk_for_each_check!(registry[]);

/// Expands to one `#[tokio::test]` per check, each building its own [`Target`] from `$make`
/// (an expression evaluating to a future of a `Target`, typically an `async` block).
#[macro_export]
macro_rules! conformance_tests {
    ($make:expr) => {
        $crate::__unidesk_for_each_check!(tests[$make]);
    };
}

/// The check named `name`, if there is one.
pub fn check(name: &str) -> Option<&'static Check> {
    CHECKS.iter().find(|c| c.name == name)
}

impl Check {
    /// Whether the check writes to the target (every check in the `writes` area).
    pub fn writes(&self) -> bool {
        self.area == "writes"
    }

    /// Runs the check, or skips it if it writes and the target is read-only.
    pub async fn run_on(&self, target: &Target) -> CheckResult {
        if self.writes() && target.is_read_only() {
            return Ok(Outcome::Skipped("the target is read-only".into()));
        }
        (self.run)(target).await
    }
}

/// Runs the check named `name`; `None` if there is no such check.
pub async fn run(name: &str, target: &Target) -> Option<CheckResult> {
    match check(name) {
        Some(c) => Some(c.run_on(target).await),
        None => None,
    }
}

/// Runs the check named `name` and panics with its failure (for tests). A skip prints its reason.
pub async fn assert_check(name: &str, target: &Target) {
    match run(name, target).await {
        Some(Ok(Outcome::Passed)) => {}
        Some(Ok(Outcome::Skipped(why))) => println!("conformance check {name} skipped: {why}"),
        Some(Err(f)) => panic!("conformance check {name} failed on adapter {:?}: {f}", target.desk().name()),
        None => panic!("no conformance check named {name}"),
    }
}

/// Runs every check against targets built by `make`, one fresh target per check,
/// returning each check's name and result in order.
pub async fn run_all<F, Fut>(mut make: F) -> Vec<(&'static str, CheckResult)>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Target>,
{
    let mut out = Vec::with_capacity(CHECKS.len());
    for c in CHECKS {
        let target = make().await;
        out.push((c.name, c.run_on(&target).await));
    }
    out
}
