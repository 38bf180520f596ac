//! The fault plan: forced statuses, queued faults and seeded random faults.

use std::collections::VecDeque;

/// What to do to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    /// Serve it normally.
    None,
    /// Answer with this status and an `injected_fault` error.
    Status(u16),
    /// Send half the body, then reset the connection.
    Truncate,
    /// Send the headers, then reset the connection.
    Drop,
    /// A complete response whose JSON body is cut in half (valid HTTP, invalid JSON).
    Malformed,
}

/// The state of the fault generator.
#[derive(Debug)]
pub(crate) struct FaultPlan {
    rng: fastrand::Rng,
    /// Draws for the items of bulk operations (apart, so bulk items leave the request draws alone).
    items: fastrand::Rng,
    burst: u32,
    rate_override: Option<f64>,
    item_rate_override: Option<f64>,
    forced: Option<u16>,
    queued: VecDeque<Fault>,
}

impl FaultPlan {
    /// A plan drawing from `seed`.
    pub(crate) fn new(seed: u64) -> Self {
        FaultPlan {
            rng: fastrand::Rng::with_seed(seed),
            items: fastrand::Rng::with_seed(seed ^ 0x0b01_c0de),
            burst: 0,
            rate_override: None,
            item_rate_override: None,
            forced: None,
            queued: VecDeque::new(),
        }
    }

    /// Replaces the configured fault rate.
    pub(crate) fn set_rate(&mut self, rate: f64) {
        self.rate_override = Some(rate.clamp(0.0, 1.0));
    }

    /// Replaces the share of failing bulk items.
    pub(crate) fn set_item_rate(&mut self, rate: f64) {
        self.item_rate_override = Some(rate.clamp(0.0, 1.0));
    }

    /// Answers every request with `status` until cleared with `None`.
    pub(crate) fn force(&mut self, status: Option<u16>) {
        self.forced = status;
    }

    /// Queues a fault for an upcoming request.
    pub(crate) fn queue(&mut self, fault: Fault) {
        self.queued.push_back(fault);
    }

    /// The fault for one item of a bulk operation: a status (500, 503 or 429) the item fails
    /// with, or `None` to apply it. `rate` is the configured item rate; the item rate set with
    /// [`FaultPlan::set_item_rate`] wins, then the request rate set with [`FaultPlan::set_rate`].
    pub(crate) fn draw_item(&mut self, rate: f64) -> Option<u16> {
        let rate = self.item_rate_override.or(self.rate_override).unwrap_or(rate);
        if rate <= 0.0 || self.items.f64() >= rate {
            return None;
        }
        Some([500, 503, 429][self.items.usize(0..3)])
    }

    /// The fault for the next request; `rate` is the configured share of failing requests.
    pub(crate) fn draw(&mut self, rate: f64) -> Fault {
        if let Some(s) = self.forced {
            return Fault::Status(s);
        }
        if let Some(queued) = self.queued.pop_front() {
            return queued;
        }
        if self.burst > 0 {
            self.burst -= 1;
            return Fault::Status(429);
        }
        let rate = self.rate_override.unwrap_or(rate);
        if rate <= 0.0 || self.rng.f64() >= rate {
            return Fault::None;
        }
        match self.rng.u8(0..6) {
            0 => Fault::Status(500),
            1 => Fault::Status(502),
            2 => Fault::Status(503),
            3 => {
                self.burst = 2;
                Fault::Status(429)
            }
            4 => Fault::Truncate,
            _ => Fault::Drop,
        }
    }
}
