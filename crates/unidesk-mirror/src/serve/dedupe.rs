//! The delivery ids a receiver applied recently, per account: a replay inside the window is
//! answered at once without touching the store. The store's own idempotency (an older or
//! equal version never replaces what it holds) covers replays after the window.

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

/// `(account, delivery id)`.
type Key = (String, String);

/// The keys in the order they were recorded, and as a set.
#[derive(Debug, Default)]
struct Ids {
    order: VecDeque<Key>,
    seen: HashSet<Key>,
}

/// A bounded set of `(account, delivery id)`, oldest forgotten first.
#[derive(Debug)]
pub(crate) struct RecentIds {
    capacity: usize,
    inner: Mutex<Ids>,
}

impl RecentIds {
    /// Remembers at most `capacity` ids (at least one).
    pub(crate) fn new(capacity: usize) -> Self {
        RecentIds { capacity: capacity.max(1), inner: Mutex::default() }
    }

    /// Whether `id` of `account` was recorded (and not forgotten yet).
    pub(crate) fn contains(&self, account: &str, id: &str) -> bool {
        let g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        g.seen.contains(&(account.to_owned(), id.to_owned()))
    }

    /// Records `id` of `account`, once its changes are committed.
    pub(crate) fn insert(&self, account: &str, id: &str) {
        let key = (account.to_owned(), id.to_owned());
        let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if !g.seen.insert(key.clone()) {
            return;
        }
        g.order.push_back(key);
        while g.order.len() > self.capacity {
            if let Some(old) = g.order.pop_front() {
                g.seen.remove(&old);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_kept_per_account_and_the_oldest_is_forgotten_first() {
        let a = RecentIds::new(2);
        a.insert("acme", "e1");
        assert!(a.contains("acme", "e1"));
        assert!(!a.contains("globex", "e1"), "per account");
        a.insert("acme", "e1");
        a.insert("acme", "e2");
        assert!(a.contains("acme", "e1"), "a repeated insert does not push anything out");
        a.insert("acme", "e3");
        assert!(!a.contains("acme", "e1"));
        assert!(a.contains("acme", "e2") && a.contains("acme", "e3"));
    }
}
