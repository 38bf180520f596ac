//! HTTP errors and faults, through the adapter's fault hooks.

use unidesk_core::{Error, ListQuery, Operation, Resource};

use super::listable;
use crate::outcome::{CheckResult, Failure, Outcome, ensure, skip};
use crate::{FaultHooks, Target};

/// The hooks and a cheap read to aim faults at.
fn setup(t: &Target) -> Result<Result<(&dyn FaultHooks, Resource), String>, Failure> {
    let Some(f) = t.faults() else { return Ok(Err("the target has no fault hooks (not an HTTP adapter)".into())) };
    let Some(r) = listable(t).into_iter().next() else { return Ok(Err("no resource is listable".into())) };
    Ok(Ok((f, r)))
}

macro_rules! hooks_or_skip {
    ($t:expr) => {
        match setup($t)? {
            Ok(x) => x,
            Err(why) => skip!("{why}"),
        }
    };
}

async fn read(t: &Target, r: Resource) -> unidesk_core::Result<usize> {
    crate::any::list(t.desk(), r, &ListQuery::new().page_size(1)).await.map(|(items, _)| items.len())
}

/// HTTP 401 surfaces as `Unauthenticated`, not retried into something else.
pub async fn http_401_is_unauthenticated(t: &Target) -> CheckResult {
    let (f, r) = hooks_or_skip!(t);
    f.fail_next(401, 1);
    let res = read(t, r).await;
    ensure!(matches!(res, Err(Error::Unauthenticated { .. })), "a 401 gave {res:?}");
    Ok(Outcome::Passed)
}

/// HTTP 403 surfaces as `PermissionDenied`.
pub async fn http_403_is_permission_denied(t: &Target) -> CheckResult {
    let (f, r) = hooks_or_skip!(t);
    f.fail_next(403, 1);
    let res = read(t, r).await;
    ensure!(matches!(res, Err(Error::PermissionDenied { .. })), "a 403 gave {res:?}");
    Ok(Outcome::Passed)
}

/// A 429 followed by success is, to the caller, success: the adapter waits and retries.
pub async fn http_429_then_success_is_success(t: &Target) -> CheckResult {
    let (f, r) = hooks_or_skip!(t);
    let before = f.requests_received();
    f.fail_next(429, 2);
    let res = read(t, r).await;
    ensure!(res.is_ok(), "two 429s then success gave {res:?}");
    let sent = f.requests_received() - before;
    ensure!(sent == 3, "expected 3 requests (two throttled, one served), the server saw {sent}");
    Ok(Outcome::Passed)
}

/// A burst of 5xx on a read is retried to success.
pub async fn http_5xx_burst_on_reads_recovers(t: &Target) -> CheckResult {
    let (f, r) = hooks_or_skip!(t);
    for status in [500, 502, 503, 504] {
        f.fail_next(status, 2);
        let res = read(t, r).await;
        ensure!(res.is_ok(), "two {status}s on a read then success gave {res:?}");
    }
    Ok(Outcome::Passed)
}

/// A complete response with a malformed JSON body is `Decode`, on a listing and on a get.
pub async fn malformed_body_is_a_decode_error(t: &Target) -> CheckResult {
    let (f, r) = hooks_or_skip!(t);
    f.malform_next();
    let res = read(t, r).await;
    ensure!(matches!(res, Err(Error::Decode { .. })), "a malformed listing body gave {res:?}");
    if t.desk().capabilities().supports(r, Operation::Get) {
        let (items, _) = crate::any::list(t.desk(), r, &ListQuery::new().page_size(1))
            .await
            .map_err(|e| Failure::new(format!("list after the fault: {e}")))?;
        if let Some(first) = items.first() {
            f.malform_next();
            let res = crate::any::get(t.desk(), r, &first.id).await;
            ensure!(matches!(res, Err(Error::Decode { .. })), "a malformed get body gave {:?}", res.map(|x| x.id));
        }
    }
    Ok(Outcome::Passed)
}
