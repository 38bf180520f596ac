//! Every Zendesk fixture under `fixtures/zendesk/` mapped to normalized JSON and snapshotted,
//! so any mapping change shows up as a reviewable diff.
//!
//! The file name says what the body is: `<kind>_<what>.json`, where `kind` is a Zendesk
//! resource in the singular (one record: `{"ticket": …}`) or plural (a list body), or
//! `webhook` (a webhook delivery). Users map to contacts (end-users) or users (agents, admins).

use std::collections::HashMap;

use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use unidesk_core::Resource;
use unidesk_zendesk::map::{self, CommentContext};
use unidesk_zendesk::wire::{self, CommentListing, Listing, One};

const ROOT: &str = "https://acme.zendesk.com";

fn parse<T: DeserializeOwned>(body: &[u8]) -> T {
    serde_json::from_slice(body).unwrap_or_else(|e| panic!("fixture does not decode: {e}"))
}

fn person(u: &wire::User) -> Value {
    if map::is_agent(u.role.as_deref()) {
        json!({ "user": map::user(u.clone(), None, vec![]) })
    } else {
        json!({ "contact": map::contact(u.clone(), None) })
    }
}

fn fields(body: &[u8], resource: Resource) -> Value {
    let l: Listing<Value> = parse(body);
    let defs: Vec<_> = l
        .items
        .into_iter()
        .filter_map(|v| {
            let d: wire::FieldDefinition = serde_json::from_value(v.clone()).expect("a field definition");
            map::field_definition(&d, v, resource)
        })
        .map(|mut d| {
            d.remote_data = None;
            d
        })
        .collect();
    json!(defs)
}

/// Maps `body` by the fixture's kind.
fn map(kind: &str, body: &[u8]) -> Option<Value> {
    Some(match kind {
        "ticket" => json!(map::ticket(parse::<One<wire::Ticket>>(body).item, None, ROOT)),
        "tickets" => {
            json!(
                parse::<Listing<wire::Ticket>>(body)
                    .items
                    .iter()
                    .map(|t| map::ticket(t.clone(), None, ROOT))
                    .collect::<Vec<_>>()
            )
        }
        "comments" => {
            let l: CommentListing<wire::Comment> = parse(body);
            let roles: HashMap<i64, String> = l.users.into_iter().filter_map(|u| Some((u.id, u.role?))).collect();
            let ctx = CommentContext { ticket_id: 35436, roles: &roles };
            json!(l.comments.iter().map(|c| map::comment(c, None, ctx)).collect::<Vec<_>>())
        }
        "user" => person(&parse::<One<wire::User>>(body).item),
        "users" => json!(parse::<Listing<wire::User>>(body).items.iter().map(person).collect::<Vec<_>>()),
        "organization" => json!(map::account(parse::<One<wire::Organization>>(body).item, None)),
        "groups" => json!(
            parse::<Listing<wire::Group>>(body)
                .items
                .iter()
                .map(|g| map::team(g, None, vec!["235323".into()]))
                .collect::<Vec<_>>()
        ),
        "tags" => {
            json!(parse::<Listing<wire::TagCount>>(body).items.iter().map(|t| map::tag(t, None)).collect::<Vec<_>>())
        }
        "ticketfields" => fields(body, Resource::Ticket),
        "userfields" => fields(body, Resource::Contact),
        "organizationfields" => fields(body, Resource::Account),
        "webhook" => json!(unidesk_zendesk::webhook::parse_event(body, ROOT).expect("the delivery parses")),
        _ => return None,
    })
}

#[test]
fn every_zendesk_fixture_maps_to_its_snapshot() {
    let mut seen = 0;
    insta::glob!("../../../fixtures/zendesk", "*.json", |path| {
        seen += 1;
        let body = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let kind = name.split('_').next().unwrap_or_default();
        let mapped = map(kind, &body)
            .unwrap_or_else(|| panic!("{name}: unknown fixture kind {kind:?}; name fixtures <kind>_<what>.json"));
        insta::with_settings!({ sort_maps => true, description => format!("{kind} fixture, mapped") }, {
            insta::assert_json_snapshot!(json!({ "kind": kind, "normalized": mapped }));
        });
    });
    assert!(seen >= 15, "only {seen} fixtures found");
}

/// The mapping keeps what matters, checked by hand beside the snapshots.
#[test]
fn the_key_rules_hold() {
    let body = std::fs::read("../../fixtures/zendesk/tickets_export_page.json").expect("fixture");
    let l: Listing<wire::Ticket> = parse(&body);
    let t: Vec<_> = l.items.iter().map(|t| map::ticket(t.clone(), None, ROOT)).collect();
    assert_eq!(t[0].status, Some(unidesk_core::TicketStatus::Open), "new is open");
    assert_eq!(t[1].status, Some(unidesk_core::TicketStatus::Pending));
    assert!(t[2].remote_was_deleted && t[2].status.is_none(), "deleted is a tombstone");
    assert_eq!(t[3].status, Some(unidesk_core::TicketStatus::Closed));
    assert_eq!(t[3].remote_status.as_deref(), Some("closed"));
    assert_eq!(t[3].custom_fields.get("27642"), Some(&json!("12")), "ticket fields are keyed by id");
    let body = std::fs::read("../../fixtures/zendesk/users_page_mixed_roles.json").expect("fixture");
    let l: Listing<wire::User> = parse(&body);
    let agents: Vec<bool> = l.items.iter().map(|u| map::is_agent(u.role.as_deref())).collect();
    assert_eq!(agents, vec![false, true, true, false]);
    assert!(map::contact(l.items[3].clone(), None).remote_was_deleted, "inactive = deleted");
    assert!(!map::user(l.items[2].clone(), None, vec![]).is_active, "suspended agents are not active");
}
