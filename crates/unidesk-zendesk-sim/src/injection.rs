//! The fault plan: forced statuses, queued faults and seeded random faults.

use std::collections::VecDeque;

/// What to do to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    /// Serve it normally.
    None,
    /// Answer with this status (a 429 carries `Retry-After`).
    Status(u16),
    /// Send the headers and half the body, then reset the connection.
    Truncate,
    /// A complete response whose JSON body is cut in half (valid HTTP, invalid JSON).
    Malformed,
}

/// The state of the fault generator.
#[derive(Debug)]
pub(crate) struct FaultPlan {
    rng: fastrand::Rng,
    rate: f64,
    forced: Option<u16>,
    queued: VecDeque<Fault>,
}

impl FaultPlan {
    /// A plan drawing from `seed`, failing a share `rate` of requests.
    pub(crate) fn new(seed: u64, rate: f64) -> Self {
        FaultPlan {
            rng: fastrand::Rng::with_seed(seed),
            rate: rate.clamp(0.0, 1.0),
            forced: None,
            queued: VecDeque::new(),
        }
    }

    /// Replaces the fault rate.
    pub(crate) fn set_rate(&mut self, rate: f64) {
        self.rate = rate.clamp(0.0, 1.0);
    }

    /// Answers every request with `status` until cleared with `None`.
    pub(crate) fn force(&mut self, status: Option<u16>) {
        self.forced = status;
    }

    /// Queues a fault for an upcoming request.
    pub(crate) fn queue(&mut self, fault: Fault) {
        self.queued.push_back(fault);
    }

    /// The fault for the next request.
    pub(crate) fn draw(&mut self) -> Fault {
        if let Some(s) = self.forced {
            return Fault::Status(s);
        }
        if let Some(f) = self.queued.pop_front() {
            return f;
        }
        if self.rate <= 0.0 || self.rng.f64() >= self.rate {
            return Fault::None;
        }
        match self.rng.u8(0..6) {
            0 => Fault::Status(500),
            1 => Fault::Status(502),
            2 => Fault::Status(503),
            3 => Fault::Status(429),
            4 => Fault::Truncate,
            _ => Fault::Malformed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_draws_the_same_faults_at_about_the_rate() {
        let draws = |seed| {
            let mut p = FaultPlan::new(seed, 0.1);
            (0..2000).map(|_| p.draw()).collect::<Vec<_>>()
        };
        let a = draws(3);
        assert_eq!(a, draws(3));
        let faults = a.iter().filter(|f| **f != Fault::None).count();
        assert!((120..=280).contains(&faults), "{faults} faults in 2000 draws at 10 %");
        for kind in [Fault::Status(500), Fault::Status(429), Fault::Truncate, Fault::Malformed] {
            assert!(a.contains(&kind), "{kind:?} never drawn");
        }
    }

    #[test]
    fn forced_and_queued_faults_come_before_random_ones() {
        let mut p = FaultPlan::new(1, 0.0);
        p.queue(Fault::Malformed);
        assert_eq!(p.draw(), Fault::Malformed);
        assert_eq!(p.draw(), Fault::None);
        p.force(Some(503));
        assert_eq!(p.draw(), Fault::Status(503));
        p.force(None);
        assert_eq!(p.draw(), Fault::None);
    }
}
