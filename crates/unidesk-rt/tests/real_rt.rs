//! The adapter against a real Request Tracker 5, beyond the conformance suite: 250 seeded tickets
//! listed once each with their mapped status, `updated_after` exact at a second several tickets
//! share (also for a user whose RT time zone is not UTC), comments with bodies and files,
//! contacts/users/teams/tags, writes RT refuses while answering 200, real auth errors, and a
//! listing that resumes from its cursor after RT was stopped and restarted on the same database,
//! and tickets `scripts/rt/seed-db.sh` writes straight into RT's database (the perf bench's 100k)
//! listed and mapped like one created through REST.
//!
//! One RT serves this binary (started on first use, stopped when the binary exits); the tests
//! that use it take turns, since some write. The restart and seed-db tests run RTs of their own.

#[allow(dead_code, reason = "the support module serves several test binaries")]
mod support;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::OnceLock;
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use futures::TryStreamExt;
use serde_json::json;
use tokio::sync::Mutex;
use unidesk_core::{
    Comment, CommentCreate, ContactCreate, ContactUpdate, Direction, Error, Helpdesk, HelpdeskExt, ListQuery, Priority,
    Resource, Ticket, TicketCreate, TicketStatus, TicketUpdate,
};
use unidesk_rt::RtClient;

use support::Shared;
use support::raw::{MESSAGES, Raw, block_on};
use support::server::{RtServer, require};

static RT: OnceLock<Option<Shared>> = OnceLock::new();
static TURN: Mutex<()> = Mutex::const_new(());

const TICKETS: usize = 120;

fn rt() -> Option<&'static Shared> {
    support::shared(&RT, TICKETS)
}

fn client(s: &Shared) -> RtClient {
    s.rt.builder().build().expect("the client builds")
}

/// The status a seeded RT status maps to.
fn mapped(rt_status: &str) -> TicketStatus {
    match rt_status {
        "new" | "open" => TicketStatus::Open,
        "stalled" => TicketStatus::OnHold,
        "resolved" | "rejected" => TicketStatus::Closed,
        other => panic!("no mapping for {other}"),
    }
}

async fn all_tickets(desk: &dyn Helpdesk, q: ListQuery) -> Vec<Ticket> {
    desk.stream_tickets(q).try_collect().await.expect("tickets stream")
}

#[tokio::test]
async fn every_live_ticket_is_listed_once_with_its_mapped_status() {
    let Some(s) = rt() else { return };
    let _turn = TURN.lock().await;
    let desk = client(s);
    let root = Raw::new(&s.rt).user_id("root").await.to_string();
    let t = Instant::now();
    let listed = all_tickets(&desk, ListQuery::new().page_size(99)).await;
    let elapsed = t.elapsed();
    let ids: Vec<u64> = listed.iter().map(|t| t.id.parse().expect("numeric ids")).collect();
    let unique: BTreeSet<u64> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "a ticket was listed twice");
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "tickets come in id order");
    let seeded: BTreeMap<u64, &support::seed::SeededTicket> = s.seeded.tickets.iter().map(|t| (t.id, t)).collect();
    // Every ticket seeded and not deleted, and (from tests that ran before) nothing else seeded.
    let live: BTreeSet<u64> = s.seeded.tickets.iter().filter(|t| t.status != "deleted").map(|t| t.id).collect();
    assert!(live.is_subset(&unique), "missing: {:?}", live.difference(&unique).take(5).collect::<Vec<_>>());
    let deleted: Vec<u64> = s.seeded.tickets.iter().filter(|t| t.status == "deleted").map(|t| t.id).collect();
    assert!(!deleted.is_empty() && deleted.iter().all(|d| !unique.contains(d)), "deleted tickets are never listed");
    let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
    for t in &listed {
        let Some(plan) = seeded.get(&t.id.parse().expect("numeric")) else { continue };
        *by_status
            .entry(format!("{} -> {}", plan.status, t.status.as_ref().map(|s| s.as_str()).unwrap_or("?")))
            .or_default() += 1;
        assert_eq!(t.status, Some(mapped(&plan.status)), "ticket {}", t.id);
        assert_eq!(t.remote_status.as_deref(), Some(plan.status.as_str()), "remote_status is verbatim");
        assert_eq!(t.subject.as_deref(), Some(plan.subject.as_str()));
        assert_eq!(t.remote_priority, Some(plan.priority.to_string()));
        assert_eq!(t.priority, Some(unidesk_rt::map::priority_from_rt(&plan.priority.to_string())));
        assert_eq!(t.contact_id, Some(plan.requestor.to_string()), "contact_id is the requestor");
        assert_eq!(t.assignee_ids, plan.owner.map(|o| vec![o.to_string()]).unwrap_or_default(), "ticket {}", t.id);
        assert_eq!(t.team_ids, vec![plan.queue.to_string()]);
        let tags: BTreeSet<&str> = t.tag_ids.iter().map(String::as_str).collect();
        assert_eq!(tags, plan.tags.iter().copied().collect(), "ticket {}", t.id);
        assert_eq!(t.custom_fields.get("Severity"), plan.severity.as_ref().map(|s| json!([s])).as_ref());
        assert_eq!(t.ticket_url, Some(format!("{}/Ticket/Display.html?id={}", s.rt.base_url, t.id)));
        assert_eq!(t.closed_at.is_some(), t.status == Some(TicketStatus::Closed), "closed_at only when closed");
        assert!(t.created_at.is_some() && t.updated_at >= t.created_at);
        assert_eq!(t.created_by_user_id.as_deref(), Some(root.as_str()), "root, an agent, created it");
        assert!(!t.remote_was_deleted && t.external_id.is_none());
    }
    eprintln!(
        "listed {} tickets ({} seeded live, {} seeded deleted) in {:.2}s at page size 99: {by_status:?}",
        listed.len(),
        live.len(),
        deleted.len(),
        elapsed.as_secs_f64()
    );
    for d in deleted.iter().take(3) {
        let res = desk.tickets().get(&d.to_string(), false).await;
        assert!(matches!(res, Err(Error::NotFound { resource: Resource::Ticket, .. })), "deleted {d}: {res:?}");
    }
    // The same set through cursors at page size 7.
    let mut q = ListQuery::new().page_size(7);
    let mut walked = Vec::new();
    loop {
        let page = desk.tickets().list(&q).await.expect("a page");
        assert!(page.items.len() <= 7);
        walked.extend(page.items.into_iter().map(|t| t.id));
        match page.next_cursor {
            Some(c) => q.cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(walked, listed.iter().map(|t| t.id.clone()).collect::<Vec<_>>());
}

/// The second most tickets were last updated at, with how many.
fn busiest_second(tickets: &[Ticket]) -> (DateTime<Utc>, usize) {
    let mut per: BTreeMap<DateTime<Utc>, usize> = BTreeMap::new();
    for t in tickets {
        *per.entry(t.updated_at.expect("stamped")).or_default() += 1;
    }
    per.into_iter().max_by_key(|(at, n)| (*n, *at)).expect("tickets")
}

fn ids_from(tickets: &[Ticket], at: DateTime<Utc>) -> BTreeSet<String> {
    tickets.iter().filter(|t| t.updated_at.is_some_and(|u| u >= at)).map(|t| t.id.clone()).collect()
}

#[tokio::test]
async fn updated_after_at_a_tie_second_is_exact_in_utc_and_in_another_time_zone() {
    let Some(s) = rt() else { return };
    let _turn = TURN.lock().await;
    let root = client(s);
    let everything = all_tickets(&root, ListQuery::new()).await;
    let (tie, n) = busiest_second(&everything);
    assert!(n >= 2, "the seed has no tie second (busiest: {tie} with {n})");
    // tz.agent reads TicketSQL dates in America/New_York: a UTC date means 5 hours later to RT.
    let ny = s.rt.builder().basic_auth("tz.agent", "tz-password").build().expect("basic auth client");
    let rfc = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    for desk in [&root, &ny] {
        for at in [tie, tie + Duration::milliseconds(500), tie - Duration::seconds(1), tie + Duration::seconds(1)] {
            let want = ids_from(&everything, at);
            let got: Vec<String> = all_tickets(desk, ListQuery::new().updated_after(at).page_size(7))
                .await
                .into_iter()
                .map(|t| t.id)
                .collect();
            let got_set: BTreeSet<String> = got.iter().cloned().collect();
            assert_eq!(got.len(), got_set.len(), "repeats at {at}");
            assert_eq!(
                got_set,
                want,
                "updated_after {at} ({} auth)",
                if std::ptr::eq(desk, &root) { "token" } else { "tz.agent" }
            );
        }
    }
    let at_tie = ids_from(&everything, tie).len();
    let past_tie = ids_from(&everything, tie + Duration::milliseconds(500)).len();
    assert_eq!(at_tie - past_tie, n, "the tie second's {n} tickets are in at {tie} and out half a second later");
    // What the adapter guards against: the naive UTC clause, read by RT in New York time, drops them.
    let naive = format!("LastUpdated >= '{}'", tie.format("%Y-%m-%d %H:%M:%S"));
    let raw_ny = reqwest::Client::new()
        .get(format!("{}/REST/2.0/tickets", s.rt.base_url))
        .basic_auth("tz.agent", Some("tz-password"))
        .query(&[("query", naive.as_str()), ("per_page", "1")])
        .send()
        .await
        .expect("RT answers")
        .json::<serde_json::Value>()
        .await
        .expect("json");
    let naive_total = raw_ny["total"].as_u64().expect("a total") as usize;
    assert!(naive_total < at_tie, "RT read {naive} in New York time: {naive_total} tickets instead of {at_tie}");
    eprintln!(
        "tie second {} holds {n} tickets: updated_after = {} -> {at_tie}, +0.5 s -> {past_tie}, exact for token and \
         tz.agent (a naive UTC clause read in New York time gives {naive_total})",
        rfc(tie),
        rfc(tie),
    );
}

#[tokio::test]
async fn comments_are_the_tickets_messages_with_bodies_files_and_authors() {
    let Some(s) = rt() else { return };
    let _turn = TURN.lock().await;
    let desk = client(s);
    let raw = Raw::new(&s.rt);
    let ticket = s.seeded.rich_ticket.to_string();
    let comments: Vec<_> = desk
        .stream_comments(ListQuery::new().ticket_id(ticket.clone()).page_size(2))
        .try_collect()
        .await
        .expect("comments");
    let kinds: Vec<(bool, Option<&str>, Option<&str>)> =
        comments.iter().map(|c| (c.is_private, c.body.as_deref(), c.html_body.as_deref())).collect();
    let plan = s.seeded.tickets.iter().find(|t| t.id == s.seeded.rich_ticket).expect("seeded");
    let opening = format!("Opening message of {} ✓", plan.subject);
    assert_eq!(
        kinds,
        vec![
            (false, Some(opening.as_str()), None),
            (false, Some("Réponse n°0 ✓\nSecond line"), None),
            (true, Some("Note interne 0"), None),
            (false, None, Some("<p>Voilà <b>la facture</b></p>")),
        ],
        "Create, Correspond, Comment and an HTML Correspond, in time order"
    );
    let history = raw.all(&format!("/ticket/{ticket}/history"), &[("fields", "Type")]).await;
    let email_records = history.iter().filter(|h| h["Type"] == "EmailRecord").count();
    assert!(email_records > 0 && history.len() > comments.len(), "history holds more than messages");
    let root = raw.user_id("root").await.to_string();
    assert_eq!(comments[0].subject.as_deref(), Some(plan.subject.as_str()), "the opening message's subject");
    assert!(comments[1..].iter().all(|c| c.subject.is_none()), "replies through REST had no subject");
    for c in &comments {
        assert!(c.to.is_empty() && c.cc.is_empty(), "messages written through REST record no recipients");
        assert_eq!(c.ticket_id.as_deref(), Some(ticket.as_str()));
        assert_eq!(c.author_user_id.as_deref(), Some(root.as_str()), "root (an agent) wrote them");
        assert_eq!(c.direction, if c.is_private { None } else { Some(Direction::Outbound) });
        assert_eq!(desk.comments().get(&c.id, false).await.expect("get"), *c, "get equals the listed comment");
    }
    assert!(comments.windows(2).all(|w| w[0].created_at <= w[1].created_at));
    let files: Vec<(Option<&str>, Option<&str>, Option<u64>)> = comments[3]
        .attachments
        .iter()
        .map(|a| (a.file_name.as_deref(), a.content_type.as_deref(), a.size_bytes))
        .collect();
    // RT 5.0.3 stores a non-ASCII file name uploaded through REST 2.0 with U+FFFD in place of
    // each non-ASCII letter (its own stored headers say so); the adapter reports what RT stored.
    let stored = raw.get(&format!("/attachment/{}", comments[3].attachments[0].id), &[]).await;
    let stored_name = stored["Filename"].as_str().expect("a file name");
    assert!(stored_name.starts_with("facture ") && stored_name.ends_with(".txt"), "{stored_name}");
    assert_eq!(
        files,
        vec![
            (Some(stored_name), Some("text/plain"), Some(13)),
            (Some("scan.bin"), Some("application/octet-stream"), Some(4))
        ]
    );
    // Every message of every live ticket, without a ticket filter, once each.
    let all: Vec<_> = desk.stream_comments(ListQuery::new()).try_collect().await.expect("all comments");
    let ids: HashSet<&str> = all.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids.len(), all.len());
    assert_eq!(all.len(), raw.total("/transactions", &[("query", MESSAGES)]).await);
    let deleted: HashSet<String> =
        s.seeded.tickets.iter().filter(|t| t.status == "deleted").map(|t| t.id.to_string()).collect();
    assert!(all.iter().all(|c| !deleted.contains(c.ticket_id.as_deref().unwrap_or_default())));
}

#[tokio::test]
async fn mail_from_a_customer_is_inbound_with_its_subject_and_recipients() {
    let Some(s) = rt() else { return };
    let _turn = TURN.lock().await;
    let desk = client(s);
    let (ticket, customer) = (s.seeded.mail_ticket.to_string(), s.seeded.mail_contact.to_string());
    let t = desk.tickets().get(&ticket, false).await.expect("the mailed ticket");
    assert_eq!(t.subject.as_deref(), Some(support::seed::MAIL_SUBJECT), "RT decoded the MIME subject");
    assert_eq!(t.contact_id.as_deref(), Some(customer.as_str()));
    assert_eq!(t.created_by_user_id, None, "a customer is not a user");
    let contact = desk.contacts().get(&customer, false).await.expect("RT made the sender a contact");
    assert_eq!((contact.name.as_deref(), contact.email.as_deref()), (Some("Zoë Mail"), Some("zoe.mail@example.com")));
    let comments: Vec<_> =
        desk.stream_comments(ListQuery::new().ticket_id(ticket.clone())).try_collect().await.expect("comments");
    let seen: Vec<_> = comments
        .iter()
        .map(|c| {
            (
                c.subject.as_deref(),
                c.body.as_deref(),
                c.direction.clone(),
                c.author_contact_id.as_deref(),
                c.to.clone(),
                c.cc.clone(),
            )
        })
        .collect();
    let reply_subject = format!("Re: [rt.test #{ticket}] facture");
    assert_eq!(
        seen,
        vec![
            (
                Some(support::seed::MAIL_SUBJECT),
                Some("Bonjour, ma facture est fausse ✓\n"),
                Some(Direction::Inbound),
                Some(customer.as_str()),
                vec!["rt@rt.test".to_owned(), "other@example.com".to_owned()],
                vec!["jane@example.com".to_owned()],
            ),
            (
                Some(reply_subject.as_str()),
                Some("Encore moi\n"),
                Some(Direction::Inbound),
                Some(customer.as_str()),
                vec!["rt@rt.test".to_owned()],
                Vec::new(),
            ),
        ]
    );
    assert!(comments.iter().all(|c| c.author_user_id.is_none() && !c.is_private));
}

#[tokio::test]
async fn contacts_users_teams_tags_and_accounts_come_from_their_rt_sources() {
    let Some(s) = rt() else { return };
    let _turn = TURN.lock().await;
    let desk = client(s);
    let contacts: Vec<_> = desk.stream_contacts(ListQuery::new().page_size(3)).try_collect().await.expect("contacts");
    let contact_ids: HashSet<String> = contacts.iter().map(|c| c.id.clone()).collect();
    for id in &s.seeded.contacts {
        assert!(contact_ids.contains(&id.to_string()), "contact {id} listed");
    }
    for id in &s.seeded.agents {
        assert!(!contact_ids.contains(&id.to_string()), "agent {id} is not a contact");
    }
    assert!(contacts.iter().all(|c| c.name.as_deref() != Some("Nobody in particular")));
    let ahmed = desk.contacts().find_by_email("ahmed+rt@example.com").await.expect("by email");
    assert_eq!(ahmed.name.as_deref(), Some("Ahmed 🚀 Hassan"));
    let zoe = contacts.iter().find(|c| c.email.as_deref() == Some("zoe@example.com")).expect("zoë");
    assert_eq!((zoe.name.as_deref(), zoe.phones.len()), (Some("Zoë Ångström"), 2));
    let crm = desk.contacts().find_by_external_id("crm-1").await.expect("by external id");
    assert_eq!(crm.email.as_deref(), Some("unal@example.com"));
    let users: Vec<_> = desk.stream_users(ListQuery::new().page_size(2)).try_collect().await.expect("users");
    let names: BTreeSet<&str> = users.iter().filter_map(|u| u.name.as_deref()).collect();
    for n in ["Ann Agent", "Bjørn Ågent", "李 Agent", "Enoch Root", "Time Zone Agent"] {
        assert!(names.contains(n), "{n} in {names:?}");
    }
    assert!(users.iter().all(|u| u.is_active && !contact_ids.contains(&u.id)));
    let teams: Vec<_> = desk.stream_teams(ListQuery::new()).try_collect().await.expect("teams");
    let teams: Vec<(Option<&str>, Option<&str>)> =
        teams.iter().map(|t| (t.name.as_deref(), t.description.as_deref())).collect();
    assert!(teams.contains(&(Some("Support ✓"), Some("Première ligne"))) && teams.contains(&(Some("Billing"), None)));
    let tags: Vec<String> = desk.stream_tags(ListQuery::new()).map_ok(|t| t.id).try_collect().await.expect("tags");
    assert_eq!(tags, ["billing", "bug", "refund", "vip"]);
    assert!(desk.accounts().list(&ListQuery::new()).await.expect("accounts").items.is_empty());
    let deleted = desk.tickets().list(&ListQuery::new().include_deleted(true)).await;
    assert!(
        matches!(
            deleted,
            Err(Error::Unsupported { resource: Resource::Ticket, operation: unidesk_core::Operation::ListDeleted, .. })
        ),
        "RT's searches never return deleted tickets: {deleted:?}"
    );
    assert!(matches!(desk.accounts().get("1", false).await, Err(Error::NotFound { resource: Resource::Account, .. })));
}

#[tokio::test]
async fn writes_are_checked_against_what_rt_kept() {
    let Some(s) = rt() else { return };
    let _turn = TURN.lock().await;
    let desk = client(s);
    let (agent, contact, billing) =
        (s.seeded.agents[1].to_string(), s.seeded.contacts[2].to_string(), s.seeded.queues[1].to_string());
    let created = desk
        .tickets()
        .create(&TicketCreate {
            contact_id: contact.clone(),
            subject: Some("Écrit par unidesk ✓".into()),
            status: Some(TicketStatus::OnHold),
            priority: Some(Priority::Urgent),
            assignee_ids: vec![agent.clone()],
            team_ids: vec![billing.clone()],
            tag_ids: vec!["refund".into()],
            custom_fields: [("Severity".to_owned(), json!("Sév 3"))].into(),
            ..Default::default()
        })
        .await
        .expect("create");
    assert_eq!(created.status, Some(TicketStatus::OnHold));
    assert_eq!(created.remote_status.as_deref(), Some("stalled"));
    assert_eq!((created.priority.clone(), created.remote_priority.as_deref()), (Some(Priority::Urgent), Some("200")));
    assert_eq!((created.assignee_ids.clone(), created.team_ids.clone()), (vec![agent.clone()], vec![billing.clone()]));
    assert_eq!(created.tag_ids, vec!["refund"]);
    assert_eq!(created.custom_fields.get("Severity"), Some(&json!(["Sév 3"])));
    // A status RT's lifecycle lacks: RT answers 200 with a refusal; the adapter says Validation.
    let weird = TicketUpdate { status: Some(TicketStatus::Unknown("weird".into())), ..Default::default() };
    match desk.tickets().update(&created.id, &weird).await {
        Err(Error::Validation { message, field_errors }) => {
            assert!(field_errors.iter().any(|f| f.field.as_deref() == Some("status")), "{field_errors:?}");
            assert!(message.contains("isn't a valid status"), "RT's words are kept: {message}");
        }
        other => panic!("an invalid status gave {other:?}"),
    }
    // An owner without the OwnTicket right (a contact): RT answers 200 and keeps the owner.
    let to_contact = TicketUpdate { assignee_ids: Some(vec![contact.clone()]), ..Default::default() };
    let res = desk.tickets().update(&created.id, &to_contact).await;
    assert!(
        matches!(&res, Err(Error::Validation { field_errors, .. }) if field_errors.iter().any(|f| f.field.as_deref() == Some("assignee_ids"))),
        "{res:?}"
    );
    // A tag the tags field does not offer is refused before RT could wipe the others.
    let res = desk.tickets().add_tags(&created.id, &["nope".into()]).await;
    assert!(matches!(res, Err(Error::Validation { .. })), "{res:?}");
    let after = desk.tickets().get(&created.id, false).await.expect("get");
    assert_eq!(
        (after.status, after.assignee_ids, after.tag_ids),
        (created.status.clone(), created.assignee_ids.clone(), created.tag_ids.clone())
    );
    // Replies and notes.
    for private in [false, true] {
        let c = desk
            .comments()
            .create(&CommentCreate {
                ticket_id: created.id.clone(),
                body: format!("Corps ✓ {private}"),
                is_private: private,
                ..Default::default()
            })
            .await
            .expect("comment");
        assert_eq!((c.is_private, c.body.as_deref()), (private, Some(format!("Corps ✓ {private}").as_str())));
    }
    let blank = desk
        .comments()
        .create(&CommentCreate { ticket_id: created.id.clone(), body: " \n".into(), ..Default::default() })
        .await;
    assert!(matches!(blank, Err(Error::Validation { .. })));
    // Contacts.
    let c = desk
        .contacts()
        .create(&ContactCreate {
            name: Some("Ève Zaïre".into()),
            email: Some("eve.zaire@example.com".into()),
            phone: Some("+33 1 23 45 67 89".into()),
            external_id: Some("crm-ève".into()),
            ..Default::default()
        })
        .await
        .expect("contact create");
    assert_eq!((c.name.as_deref(), c.external_id.as_deref(), c.phones.len()), (Some("Ève Zaïre"), Some("crm-ève"), 1));
    let u = desk
        .contacts()
        .update(&c.id, &ContactUpdate { name: Some("Ève Z.".into()), ..Default::default() })
        .await
        .expect("update");
    assert_eq!(
        (u.name.as_deref(), u.email, u.external_id, u.phones),
        (Some("Ève Z."), c.email.clone(), c.external_id.clone(), c.phones.clone())
    );
    desk.contacts().delete(&c.id).await.expect("delete contact");
    assert!(matches!(desk.contacts().get(&c.id, false).await, Err(Error::NotFound { .. })));
    assert!(matches!(desk.contacts().find_by_email("eve.zaire@example.com").await, Err(Error::NotFound { .. })));
    // Delete: not found, not listed.
    desk.tickets().delete(&created.id).await.expect("delete");
    assert!(matches!(desk.tickets().get(&created.id, false).await, Err(Error::NotFound { .. })));
    let listed = all_tickets(&desk, ListQuery::new()).await;
    assert!(listed.iter().all(|t| t.id != created.id));
}

#[tokio::test]
async fn auth_and_not_found_errors_come_from_rt_itself() {
    let Some(s) = rt() else { return };
    let _turn = TURN.lock().await;
    let bad = s.rt.builder().token("1-14-00000000000000000000000000000000").build().expect("builds");
    let res = bad.tickets().list(&ListQuery::new()).await;
    assert!(matches!(res, Err(Error::Unauthenticated { .. })), "{res:?}");
    let res =
        s.rt.builder()
            .basic_auth("tz.agent", "wrong-password")
            .build()
            .expect("builds")
            .users()
            .list(&ListQuery::new())
            .await;
    assert!(matches!(res, Err(Error::Unauthenticated { .. })), "{res:?}");
    let ok = s.rt.builder().basic_auth("root", &s.rt.password).build().expect("builds");
    assert!(!ok.teams().list(&ListQuery::new()).await.expect("basic auth as root").items.is_empty());
    let desk = client(s);
    for (r, res) in [
        (Resource::Ticket, desk.tickets().get("999999", false).await.map(|_| ())),
        (Resource::Comment, desk.comments().get("999999", false).await.map(|_| ())),
        (Resource::Contact, desk.contacts().get("999999", false).await.map(|_| ())),
        (Resource::User, desk.users().get("999999", false).await.map(|_| ())),
        (Resource::Team, desk.teams().get("999999", false).await.map(|_| ())),
    ] {
        assert!(matches!(&res, Err(Error::NotFound { resource, .. }) if *resource == r), "{r}: {res:?}");
    }
    // A privileged user is not a contact, a contact is not a user.
    let agent = s.seeded.agents[0].to_string();
    assert!(matches!(desk.contacts().get(&agent, false).await, Err(Error::NotFound { .. })));
    assert!(matches!(desk.users().get(&s.seeded.contacts[0].to_string(), false).await, Err(Error::NotFound { .. })));
}

/// Seeds `n` plain tickets, returning their ids.
async fn plain_tickets(raw: &Raw, n: usize) -> Vec<u64> {
    let mut ids = Vec::new();
    for i in 0..n {
        let id = raw
            .create(
                "/ticket",
                json!({"Queue": "General", "Subject": format!("restart {i}"), "Requestor": "restart@example.com"}),
            )
            .await;
        ids.push(id.parse().expect("id"));
    }
    ids
}

#[tokio::test]
async fn a_listing_resumes_from_its_cursor_after_rt_restarts_on_the_same_database() {
    // An RT of its own: this test stops it.
    let started = Instant::now();
    let Some(mut rt) = require("the restart test", RtServer::start()) else { return };
    let raw = Raw::new(&rt);
    let seeded = block_on(plain_tickets(&raw, 30));
    let first = rt.builder().build().expect("client");
    let mut q = ListQuery::new().page_size(7);
    let mut seen: Vec<u64> = Vec::new();
    for _ in 0..2 {
        let page = first.tickets().list(&q).await.expect("a page before the stop");
        seen.extend(page.items.iter().map(|t| t.id.parse::<u64>().expect("numeric")));
        q.cursor = Some(page.next_cursor.expect("more pages"));
    }
    assert_eq!(seen.len(), 14);
    rt.stop_keep_data();
    let down = first.tickets().list(&q).await;
    assert!(matches!(&down, Err(e @ Error::Transport { .. }) if e.is_temporary()), "RT is down: {down:?}");
    let old_url = rt.base_url.clone();
    rt.restart().expect("RT restarts on its database");
    eprintln!("RT restarted on the same rt.db: {old_url} -> {}", rt.base_url);
    let second = rt.builder().build().expect("client for the new address and token");
    loop {
        let page = second.tickets().list(&q).await.expect("a page after the restart");
        seen.extend(page.items.iter().map(|t| t.id.parse::<u64>().expect("numeric")));
        match page.next_cursor {
            Some(c) => q.cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(seen, seeded, "every ticket once, in order: nothing lost, nothing repeated");
    eprintln!("restart test: 30 tickets, 14 before the stop, 16 after, in {:.1}s", started.elapsed().as_secs_f64());
}

#[tokio::test]
async fn tickets_seed_db_writes_into_rts_database_list_and_map_like_one_created_through_rest() {
    // An RT of its own: the shared one's counts are what other tests check.
    let Some(rt) = require("the seed-db test", RtServer::start()) else { return };
    let raw = Raw::new(&rt);
    // Through REST, what seed-db.sh writes for its first ticket: new, priority 0, seed-0 requesting.
    let body = json!({"Queue": "General", "Subject": "through REST", "Requestor": "seed-0@example.com",
        "Priority": 0, "Status": "new"});
    let through_rest: u64 = block_on(raw.create("/ticket", body)).parse().expect("numeric id");
    let started = Instant::now();
    let out: BTreeMap<String, String> = rt.seed_db(50).expect("seed-db.sh").into_iter().collect();
    let seconds = started.elapsed().as_secs_f64();
    let (first, last) = (through_rest + 1, through_rest + 50);
    assert_eq!(out.get("first_id"), Some(&first.to_string()), "{out:?}");
    assert_eq!(out.get("last_id"), Some(&last.to_string()), "{out:?}");
    assert_eq!(out.get("listed").map(String::as_str), Some("50"), "RT's own search lists them: {out:?}");

    let desk = rt.builder().build().expect("client");
    let all = all_tickets(&desk, ListQuery::new().page_size(20)).await;
    let ids: Vec<u64> = all.iter().map(|t| t.id.parse().expect("numeric")).collect();
    assert_eq!(ids, (through_rest..=last).collect::<Vec<_>>(), "the REST ticket, then the 50, once each in order");

    // The first seeded ticket maps as the REST one does, but for what differs by design.
    let same = |t: &Ticket| Ticket {
        id: String::new(),
        subject: None,
        ticket_url: None,
        created_at: None,
        updated_at: None,
        ..t.clone()
    };
    assert_eq!(same(&all[1]), same(&all[0]), "a seed-db ticket against one RT created itself");
    let seed0 = all[0].contact_id.clone().expect("the REST ticket has a contact");

    let statuses = ["new", "open", "stalled", "resolved", "rejected"];
    let mut contacts = HashSet::new();
    let mut previous = all[0].created_at;
    for (i, t) in all[1..].iter().enumerate() {
        assert_eq!(t.subject.as_deref(), Some(format!("Seed ticket {}: réclamation ✓", t.id).as_str()));
        let status = statuses[i % 5];
        assert_eq!((t.remote_status.as_deref(), t.status.clone()), (Some(status), Some(mapped(status))), "{}", t.id);
        assert_eq!(t.closed_at.is_some(), matches!(status, "resolved" | "rejected"), "{}", t.id);
        assert_eq!(t.remote_priority.as_deref(), Some(["0", "50", "100", "200"][i % 4]), "{}", t.id);
        assert!(t.created_at.is_some() && t.created_at >= previous, "Created grows with the id: {}", t.id);
        assert_eq!(t.updated_at, t.created_at);
        previous = t.created_at;
        let contact = t.contact_id.clone().expect("a requestor");
        assert_eq!(i % 10 == 0, contact == seed0, "seed-{} requests ticket {}", i % 10, t.id);
        contacts.insert(contact);
    }
    assert_eq!(contacts.len(), 10, "ten requestors, seed-0 the one REST created");
    // Their history (a Create transaction, no message) reads as the REST ticket's does: one
    // opening comment without a body, by root.
    let mut histories = Vec::new();
    for id in [through_rest, first] {
        let q = ListQuery::new().ticket_id(id.to_string());
        let comments: Vec<Comment> = desk.stream_comments(q).try_collect().await.expect("comments");
        let shape: Vec<_> = comments
            .iter()
            .map(|c| (c.body.clone(), c.html_body.clone(), c.is_private, c.direction.clone(), c.author_user_id.clone()))
            .collect();
        histories.push(shape);
    }
    assert_eq!(histories[1], histories[0], "the seed-db ticket's history against the REST one's");
    assert_eq!(histories[0].len(), 1, "one opening comment: {:?}", histories[0]);
    eprintln!("seed-db test: 50 tickets inserted and listed by RT in {seconds:.1}s");
}
