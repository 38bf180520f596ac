//! The whole conformance suite against a real Request Tracker 5, started once for this binary
//! by `scripts/rt/start-rt.sh` and seeded through REST (24 tickets in every status, unicode
//! contacts, agents, queues, tags, comments with files).
//!
//! Every check gets a fresh client, behind a fault proxy (the suite's `FaultHooks`: injected
//! 401/403/429/5xx and malformed bodies, and a request count), with the record counts RT holds
//! at that moment, counted with plain REST calls. The checks share the server and some write,
//! so they take turns: a check's target holds the one turn until the check ends.
//!
//! Without RT: in CI (`CI=true`) every check fails; elsewhere, when the packages cannot be
//! installed, the binary says so loudly and exits successfully without running the checks (the
//! suite's macro gives a target no way to skip).

#[allow(dead_code, reason = "the support module serves several test binaries")]
mod support;

use std::sync::OnceLock;

use tokio::sync::{Mutex, MutexGuard};
use unidesk_conformance::Target;
use unidesk_core::{Accounts, Capabilities, Comments, Contacts, Helpdesk, Resource, Tags, Teams, Tickets, Users};
use unidesk_rt::RtClient;

use support::Shared;
use support::proxy::FaultProxy;
use support::raw::Raw;

static RT: OnceLock<Option<Shared>> = OnceLock::new();

/// One check at a time against the shared server.
static TURN: Mutex<()> = Mutex::const_new(());

/// The adapter, holding the turn for as long as the check's target lives.
struct Turn {
    desk: RtClient,
    _turn: MutexGuard<'static, ()>,
}

impl Helpdesk for Turn {
    fn name(&self) -> &str {
        self.desk.name()
    }
    fn capabilities(&self) -> Capabilities {
        self.desk.capabilities()
    }
    fn tickets(&self) -> &dyn Tickets {
        self.desk.tickets()
    }
    fn comments(&self) -> &dyn Comments {
        self.desk.comments()
    }
    fn contacts(&self) -> &dyn Contacts {
        self.desk.contacts()
    }
    fn accounts(&self) -> &dyn Accounts {
        self.desk.accounts()
    }
    fn tags(&self) -> &dyn Tags {
        self.desk.tags()
    }
    fn teams(&self) -> &dyn Teams {
        self.desk.teams()
    }
    fn users(&self) -> &dyn Users {
        self.desk.users()
    }
}

async fn rt_target() -> Target {
    let Some(shared) = support::shared(&RT, 24) else {
        // `support::shared` has said why, loudly; outside CI that is a skip of this binary.
        std::process::exit(0)
    };
    let turn = TURN.lock().await;
    let proxy = FaultProxy::start(&shared.rt.base_url).await;
    let desk = shared.rt.builder().base_url(&proxy.url).build().expect("the client builds");
    let n = Raw::new(&shared.rt).counts().await;
    Target::new(Turn { desk, _turn: turn })
        .expect_count(Resource::Ticket, n.tickets)
        .expect_count(Resource::Comment, n.comments)
        .expect_count(Resource::Contact, n.contacts)
        .expect_count(Resource::User, n.users)
        .expect_count(Resource::Team, n.teams)
        .expect_count(Resource::Tag, 4)
        .expect_count(Resource::Account, 0)
        .with_faults(proxy)
}

unidesk_conformance::conformance_tests!(rt_target());
