//! The whole suite against the in-memory reference adapter.

use unidesk_conformance::Target;
use unidesk_core::Resource;
use unidesk_memory::{MemoryHelpdesk, Seed};

async fn memory_target() -> Target {
    let seed = Seed::sample(30);
    let counts = [
        (Resource::Ticket, seed.tickets.len()),
        (Resource::Comment, seed.comments.len()),
        (Resource::Contact, seed.contacts.len()),
        (Resource::Account, seed.accounts.len()),
        (Resource::Tag, seed.tags.len()),
        (Resource::Team, seed.teams.len()),
        (Resource::User, seed.users.len()),
    ];
    counts.into_iter().fold(Target::new(MemoryHelpdesk::seeded(seed)), |t, (r, n)| t.expect_count(r, n))
}

unidesk_conformance::conformance_tests!(memory_target());

/// The same suite in read-only mode: every write check skips, and nothing is written.
mod read_only {
    use futures::TryStreamExt;
    use unidesk_conformance::{Outcome, Target, run_all};
    use unidesk_core::{Helpdesk, HelpdeskExt, ListQuery};
    use unidesk_memory::MemoryHelpdesk;

    /// Every ticket, comment, contact and account, as JSON text.
    async fn contents(d: &dyn Helpdesk) -> Vec<String> {
        let q = ListQuery::new;
        let json = |v: serde_json::Result<String>| v.unwrap_or_default();
        let mut all: Vec<String> =
            d.stream_tickets(q()).map_ok(|x| json(serde_json::to_string(&x))).try_collect().await.expect("tickets");
        all.extend(
            d.stream_comments(q())
                .map_ok(|x| json(serde_json::to_string(&x)))
                .try_collect::<Vec<_>>()
                .await
                .expect("comments"),
        );
        all.extend(
            d.stream_contacts(q())
                .map_ok(|x| json(serde_json::to_string(&x)))
                .try_collect::<Vec<_>>()
                .await
                .expect("contacts"),
        );
        all.extend(
            d.stream_accounts(q())
                .map_ok(|x| json(serde_json::to_string(&x)))
                .try_collect::<Vec<_>>()
                .await
                .expect("accounts"),
        );
        all
    }

    #[tokio::test]
    async fn a_read_only_target_is_never_written_to() {
        let desk = std::sync::Arc::new(MemoryHelpdesk::with_sample_data(30));
        let before = contents(desk.as_ref()).await;
        let shared = std::sync::Arc::clone(&desk);
        let results = run_all(|| {
            let d: std::sync::Arc<dyn Helpdesk> = shared.clone();
            async move { Target::from_arc(d).read_only() }
        })
        .await;
        for (name, r) in &results {
            assert!(r.is_ok(), "{name}: {r:?}");
            if unidesk_conformance::check(name).is_some_and(|c| c.writes()) {
                assert!(matches!(r, Ok(Outcome::Skipped(_))), "{name} ran against a read-only target");
            }
        }
        assert_eq!(before, contents(desk.as_ref()).await, "nothing changed");
    }
}
