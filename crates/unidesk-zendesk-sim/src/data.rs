//! The seeded account: deterministic for a seed, at any scale.

use serde_json::{Value, json};

use crate::config::SimConfig;
use crate::record::Rec;
use crate::shapes::{self, PRIORITIES, STATUSES, TYPES, TicketInit, UserInit};
use crate::store::{File, Kind, Store};

/// 2024-01-01T00:00:00Z: every seeded record is created after it.
const BASE: i64 = 1_704_067_200;

const FIRST: [&str; 10] =
    ["Ana", "Björn", "Chloé", "Dmitri", "Eun-ji", "Farah", "Giorgos", "Hiroshi", "Ingrid", "José"];
const LAST: [&str; 8] = ["Silva", "Øster", "Nguyễn", "Müller", "O'Brien", "Kowalski", "李", "Dubois"];
/// Tags, some non-ASCII (Zendesk keeps tags as lower-case names without spaces).
pub(crate) const TAGS: [&str; 10] =
    ["vip", "billing", "refund", "bug", "feature_request", "café", "日本語", "größe", "emoji_🎉", "follow_up"];
const SUBJECTS: [&str; 8] = [
    "Order never arrived",
    "Refund for a double charge",
    "Cannot log in after the update",
    "Question about the invoice",
    "Bestellung beschädigt – Ersatz?",
    "Feature request: dark mode",
    "配送について",
    "Password reset link expired",
];
const GROUPS: [&str; 5] = ["Tier 1", "Tier 2", "Billing", "Opérations", "Escalations"];
const PRODUCTS: [(&str, &str); 3] =
    [("Widget", "product_widget"), ("Gadget", "product_gadget"), ("Gizmo", "product_gizmo")];
const PLANS: [(&str, &str); 3] = [("Free", "free"), ("Pro", "pro"), ("Enterprise", "enterprise")];
const TIERS: [(&str, &str); 3] = [("Gold", "gold"), ("Silver", "silver"), ("Bronze", "bronze")];

/// The ids of the seeded custom fields, which writes validate against.
#[derive(Debug, Clone, Default)]
pub(crate) struct Seeded {
    /// Custom ticket field ids: order number (text), product (tagger), refund approved
    /// (checkbox), units (integer), follow-up date (date).
    pub(crate) ticket_fields: [i64; 5],
}

/// Fills `store` from `config`.
pub(crate) fn seed(store: &mut Store, config: &SimConfig) -> Seeded {
    let mut rng = fastrand::Rng::with_seed(config.seed);
    let fields = seed_fields(store);
    let orgs = seed_organizations(store, &mut rng, (config.end_users / 10).clamp(3, 40));
    let groups: Vec<i64> = GROUPS
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let id = store.new_id(Kind::Groups);
            let at = BASE + i as i64 * 3600;
            let rec = Rec::new(shapes::group(store, id, name, at, at + 86_400));
            store.table_mut(Kind::Groups).put(id, rec);
            id
        })
        .collect();
    let staff = seed_staff(store, &groups);
    let end_users = seed_end_users(store, &mut rng, config.end_users.max(1), &orgs);
    seed_tickets(store, &mut rng, config, &fields, &staff, &end_users, &groups);
    Seeded { ticket_fields: fields }
}

fn seed_fields(store: &mut Store) -> [i64; 5] {
    let at = BASE - 86_400;
    let system = ["subject", "description", "status", "tickettype", "priority", "group", "assignee"];
    for (i, kind_name) in system.iter().enumerate() {
        let id = store.new_id(Kind::TicketFields);
        let title = match *kind_name {
            "tickettype" => "Type".to_owned(),
            other => {
                let mut t = other.to_owned();
                t[..1].make_ascii_uppercase();
                t
            }
        };
        let m = shapes::field(store, Kind::TicketFields, id, kind_name, &title, Value::Null, &[], i, at);
        store.table_mut(Kind::TicketFields).put(id, Rec::new(m));
    }
    let custom: [Spec; 5] = [
        ("text", "Order number", "", &[]),
        ("tagger", "Product", "", &PRODUCTS),
        ("checkbox", "Refund approved", "", &[]),
        ("integer", "Units", "", &[]),
        ("date", "Follow-up date", "", &[]),
    ];
    let defined = define(store, Kind::TicketFields, &custom, 10);
    let mut ids = [0; 5];
    ids.copy_from_slice(&defined);
    let user_fields: [Spec; 5] = [
        ("dropdown", "Plan", "plan", &PLANS),
        ("checkbox", "VIP", "vip", &[]),
        ("integer", "Loyalty points", "loyalty_points", &[]),
        ("date", "Birthday", "birthday", &[]),
        ("text", "Nickname", "nickname", &[]),
    ];
    define(store, Kind::UserFields, &user_fields, 0);
    let org_fields: [Spec; 3] =
        [("dropdown", "Tier", "tier", &TIERS), ("text", "Region", "region", &[]), ("integer", "Seats", "seats", &[])];
    define(store, Kind::OrganizationFields, &org_fields, 0);
    ids
}

/// A custom field: its type, title, key (empty for ticket fields, which are keyed by id) and
/// options.
type Spec = (&'static str, &'static str, &'static str, &'static [(&'static str, &'static str)]);

/// Defines custom fields of `kind` from `first_position` on; returns their ids.
fn define(store: &mut Store, kind: Kind, specs: &[Spec], first_position: usize) -> Vec<i64> {
    let at = BASE - 86_400;
    specs
        .iter()
        .enumerate()
        .map(|(i, (kind_name, title, key, options))| {
            let id = store.new_id(kind);
            let key = if key.is_empty() { Value::Null } else { json!(key) };
            let m = shapes::field(store, kind, id, kind_name, title, key, options, first_position + i, at);
            store.table_mut(kind).put(id, Rec::new(m));
            id
        })
        .collect()
}

fn seed_organizations(store: &mut Store, rng: &mut fastrand::Rng, n: usize) -> Vec<i64> {
    (0..n)
        .map(|i| {
            let id = store.new_id(Kind::Organizations);
            let created = BASE + i as i64 * 7200;
            let slug = format!("{}-{i}", LAST[i % LAST.len()].to_lowercase().replace(['\'', ' '], ""));
            let mut domains = vec![format!("org{i}.example")];
            if i % 3 == 0 {
                domains.push(format!("org{i}.example.net"));
            }
            let tags: Vec<String> = if i % 2 == 0 { vec![TAGS[i % TAGS.len()].to_owned()] } else { Vec::new() };
            let fields = json!({
                "tier": TIERS.get(rng.usize(0..4)).map(|t| t.1),
                "region": if i % 4 == 0 { Value::Null } else { json!(["EMEA", "APAC", "AMER"][i % 3]) },
                "seats": if i % 5 == 0 { Value::Null } else { json!(5 + rng.i64(0..500)) },
            });
            let name = format!("{} {slug}", ["Acme", "Globex", "Initech", "Umbrella", "Stark"][i % 5]);
            let ext = if i % 2 == 0 { json!(format!("org-ext-{i}")) } else { Value::Null };
            let m = shapes::organization(store, id, &name, domains, tags, fields, ext, created, created + 3600);
            store.table_mut(Kind::Organizations).put(id, Rec::new(m));
            id
        })
        .collect()
}

fn person(i: usize) -> String {
    format!("{} {}", FIRST[i % FIRST.len()], LAST[(i / FIRST.len() + i) % LAST.len()])
}

fn user_fields(rng: &mut fastrand::Rng, i: usize) -> Value {
    json!({
        "plan": PLANS.get(rng.usize(0..4)).map(|p| p.1),
        "vip": i.is_multiple_of(7),
        "loyalty_points": if i.is_multiple_of(3) { Value::Null } else { json!(rng.i64(0..10_000)) },
        "birthday": if i.is_multiple_of(4) { json!(format!("19{:02}-{:02}-{:02}", 50 + i % 50, 1 + i % 12, 1 + i % 28)) } else { Value::Null },
        "nickname": if i.is_multiple_of(5) { json!(format!("nick{i}")) } else { Value::Null },
    })
}

/// The staff: 3 admins then 12 agents (one suspended, one deleted, so inactive).
fn seed_staff(store: &mut Store, groups: &[i64]) -> Vec<i64> {
    (0..15)
        .map(|i| {
            let id = store.new_id(Kind::Users);
            let created = BASE + i as i64 * 600;
            let group = groups[i % groups.len()];
            let u = UserInit {
                name: person(i + 3),
                email: json!(format!("agent{i}@unidesk-sim.example")),
                role: if i < 3 { "admin" } else { "agent" }.into(),
                active: i != 14,
                suspended: i == 13,
                organization_id: Value::Null,
                default_group_id: json!(group),
                tags: Vec::new(),
                user_fields: json!({ "plan": null, "vip": false, "loyalty_points": null, "birthday": null, "nickname": null }),
                phone: Value::Null,
                external_id: Value::Null,
                created,
                updated: created + 86_400,
            };
            let m = shapes::user(store, id, &u);
            store.table_mut(Kind::Users).put(id, Rec::new(m));
            // Every staff member is in their default group; every third in a second one too.
            let mut member_of = vec![(group, true)];
            if i % 3 == 0 {
                member_of.push((groups[(i + 1) % groups.len()], false));
            }
            for (g, default) in member_of {
                let mid = store.new_id(Kind::Memberships);
                let m = shapes::membership(store, mid, id, g, default, created + 60);
                store.table_mut(Kind::Memberships).put(mid, Rec::new(m));
            }
            id
        })
        .collect()
}

/// End users; every 20th is deleted (inactive), every 31st suspended.
fn seed_end_users(store: &mut Store, rng: &mut fastrand::Rng, n: usize, orgs: &[i64]) -> Vec<i64> {
    (0..n)
        .map(|i| {
            let id = store.new_id(Kind::Users);
            let created = BASE + 86_400 + i as i64 * 300;
            let org = if i % 3 == 2 { Value::Null } else { json!(orgs[rng.usize(0..orgs.len())]) };
            let u = UserInit {
                name: person(i),
                email: if i % 25 == 24 { Value::Null } else { json!(format!("customer{i}@mail.example")) },
                role: "end-user".into(),
                active: i % 20 != 19,
                suspended: i % 31 == 30,
                organization_id: org,
                default_group_id: Value::Null,
                tags: if i % 4 == 0 { vec![TAGS[i % TAGS.len()].to_owned()] } else { Vec::new() },
                user_fields: user_fields(rng, i),
                phone: if i % 6 == 0 { json!(format!("+49 30 {:07}", 1_000_000 + i)) } else { Value::Null },
                external_id: if i % 2 == 0 { json!(format!("cust-{i}")) } else { Value::Null },
                created,
                updated: created + rng.i64(0..86_400),
            };
            let m = shapes::user(store, id, &u);
            store.table_mut(Kind::Users).put(id, Rec::new(m));
            id
        })
        .collect()
}

fn seed_tickets(
    store: &mut Store,
    rng: &mut fastrand::Rng,
    config: &SimConfig,
    fields: &[i64; 5],
    staff: &[i64],
    end_users: &[i64],
    groups: &[i64],
) {
    let total = config.tickets + config.deleted_tickets;
    let width = config.tie_width.max(1);
    // Update order is a seeded permutation of the tickets, in groups of `width` per second.
    let mut order: Vec<usize> = (0..total).collect();
    rng.shuffle(&mut order);
    let mut rank = vec![0usize; total];
    for (r, idx) in order.iter().enumerate() {
        rank[*idx] = r;
    }
    let deleted: Vec<bool> = (0..total)
        .map(|i| config.deleted_tickets > 0 && ((i + 1) * config.deleted_tickets) % total < config.deleted_tickets)
        .collect();
    let updates_start = BASE + 2 * 86_400 + total as i64 * 300;
    let agents = &staff[3..];
    for idx in 0..total {
        let id = store.new_id(Kind::Tickets);
        let created = BASE + 2 * 86_400 + idx as i64 * 300;
        let updated = updates_start + (rank[idx] / width) as i64 * 37;
        let status = if idx < STATUSES.len() { STATUSES[idx] } else { STATUSES[rng.usize(0..STATUSES.len())] };
        let requester = end_users[rng.usize(0..end_users.len())];
        let org = store
            .table(Kind::Users)
            .get(requester)
            .and_then(|u| u.get("organization_id").cloned())
            .unwrap_or(Value::Null);
        let assigned = status != "new";
        let assignee = if assigned { json!(agents[rng.usize(0..agents.len())]) } else { Value::Null };
        let group = if assigned || idx % 2 == 0 { json!(groups[rng.usize(0..groups.len())]) } else { Value::Null };
        let subject = format!("{} (#{})", SUBJECTS[rng.usize(0..SUBJECTS.len())], idx + 1);
        let n_tags = rng.usize(0..4);
        let mut tags: Vec<String> = Vec::new();
        for _ in 0..n_tags {
            let t = TAGS[rng.usize(0..TAGS.len())].to_owned();
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        let custom_fields = vec![
            json!({ "id": fields[0], "value": if idx % 3 == 0 { Value::Null } else { json!(format!("ORD-{:05}", idx * 7)) } }),
            json!({ "id": fields[1], "value": PRODUCTS.get(rng.usize(0..4)).map(|p| p.1) }),
            json!({ "id": fields[2], "value": idx % 4 == 0 }),
            json!({ "id": fields[3], "value": if idx % 2 == 0 { json!(format!("{}", 1 + idx % 9)) } else { Value::Null } }),
            json!({ "id": fields[4], "value": if idx % 5 == 0 { json!(format!("2024-{:02}-{:02}", 1 + idx % 12, 1 + idx % 28)) } else { Value::Null } }),
        ];
        let description = format!("Hello,\n\n{subject}: please help. Ticket body for {id}.");
        let collaborators = if idx % 9 == 0 { vec![end_users[(idx + 1) % end_users.len()]] } else { Vec::new() };
        let init = TicketInit {
            subject,
            description: description.clone(),
            status: status.into(),
            priority: if idx % 5 == 4 { Value::Null } else { json!(PRIORITIES[rng.usize(0..PRIORITIES.len())]) },
            kind: if idx % 4 == 3 { Value::Null } else { json!(TYPES[rng.usize(0..TYPES.len())]) },
            requester_id: requester,
            assignee_id: assignee.clone(),
            group_id: group,
            organization_id: org,
            tags,
            custom_fields,
            external_id: if idx % 3 == 0 { json!(format!("ext-{}", idx + 1)) } else { Value::Null },
            channel: ["web", "email", "api", "mobile"][idx % 4],
            collaborators,
            created,
            updated,
        };
        let mut rec = Rec::new(shapes::ticket(store, id, &init));
        // Comments: the description first (public, by the requester), then replies and notes.
        let n_comments = 1 + rng.usize(0..4);
        let mut comments = Vec::with_capacity(n_comments);
        for k in 0..n_comments {
            let (author, public, body) = match k {
                0 => (requester, true, description.clone()),
                _ if k % 3 == 2 => (requester, true, format!("Thanks! Any news on ticket {id}?")),
                _ if k % 2 == 1 && rng.bool() => (
                    assignee.as_i64().unwrap_or(agents[0]),
                    false,
                    format!("Internal note: checked order for ticket {id} — <b>not</b> shipped yet."),
                ),
                _ => (assignee.as_i64().unwrap_or(agents[0]), true, format!("Hi,\n\nWe are looking into ticket {id}.")),
            };
            let mut attachments = Vec::new();
            if (k == 0 && idx % 6 == 0) || (k == 1 && idx % 10 == 1) {
                attachments.push(add_file(store, idx, k));
            }
            let at = (created + k as i64 * 60).min(updated);
            let cid = store.new_comment_id();
            let aid = store.new_audit_id();
            comments.push(Rec::new(shapes::comment(cid, aid, author, &body, public, attachments, at)));
        }
        store.comments.insert(id, comments);
        if deleted[idx] {
            store.deleted_from.insert(id, status.to_owned());
            rec.deleted_at = Some(updated);
            rec.edit(|m| {
                m.insert("status".into(), json!("deleted"));
            });
        }
        store.table_mut(Kind::Tickets).put(id, rec);
    }
}

/// Adds a small seeded file (text or PNG) and returns its attachment object.
fn add_file(store: &mut Store, idx: usize, k: usize) -> Value {
    let id = store.new_id(Kind::Attachments);
    let (name, ctype, bytes) = if idx.is_multiple_of(2) {
        (
            format!("receipt-{idx}.txt"),
            "text/plain",
            format!("Receipt for ticket #{}, comment {k}\n", idx + 1).into_bytes(),
        )
    } else {
        // The 8-byte PNG signature and a little more: enough to be recognised as a PNG.
        let mut b = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
        b.extend_from_slice(format!("screenshot {idx}").as_bytes());
        (format!("screenshot {idx}.png"), "image/png", b)
    };
    let token = format!("{:x}{:08x}", id, (idx as u64).wrapping_mul(0x9e37_79b9) as u32);
    let json = shapes::attachment(store, id, &token, &name, ctype, bytes.len());
    store.tokens.insert(token, id);
    store.files.insert(id, File { name, content_type: ctype.into(), bytes });
    if let Value::Object(m) = json.clone() {
        store.table_mut(Kind::Attachments).put(id, Rec::new(m));
    }
    json
}
