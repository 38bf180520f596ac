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
