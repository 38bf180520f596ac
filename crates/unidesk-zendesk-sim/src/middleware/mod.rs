//! The layers every API request passes, outermost first: [`rate_limit::count`],
//! [`faults::delay`], [`auth::authenticate`], [`rate_limit::limit`], [`faults::inject`],
//! [`auth::authorize`].

pub(crate) mod auth;
pub(crate) mod faults;
pub(crate) mod rate_limit;
