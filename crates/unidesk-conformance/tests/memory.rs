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
    use unidesk_conformance::{Outcome, run_all};
    use unidesk_core::{Helpdesk, HelpdeskExt, ListQuery};

    #[tokio::test]
    async fn a_read_only_target_is_never_written_to() {
        let desk = std::sync::Arc::new(unidesk_memory::MemoryHelpdesk::with_sample_data(30));
        let shared = std::sync::Arc::clone(&desk);
        let before: Vec<String> = {
            use futures::TryStreamExt;
            let d: &dyn Helpdesk = desk.as_ref();
            d.stream_tickets(ListQuery::new())
                .map_ok(|t| serde_json::to_string(&t).unwrap_or_default())
                .try_collect()
                .await
                .expect("list")
        };
        let results = run_all(|| {
            let d = std::sync::Arc::clone(&shared);
            async move { unidesk_conformance::Target::from_arc(d).read_only() }
        })
        .await;
        for (name, r) in &results {
            assert!(r.is_ok(), "{name}: {r:?}");
            if name.starts_with("ticket_") && !name.contains("comments")
                || name.starts_with("contact_")
                || name.starts_with("account_")
            {
                assert!(matches!(r, Ok(Outcome::Skipped(_))), "{name} ran against a read-only target");
            }
        }
        let after: Vec<String> = {
            use futures::TryStreamExt;
            let d: &dyn Helpdesk = desk.as_ref();
            d.stream_tickets(ListQuery::new())
                .map_ok(|t| serde_json::to_string(&t).unwrap_or_default())
                .try_collect()
                .await
                .expect("list")
        };
        assert_eq!(before, after, "no ticket changed");
    }
}
