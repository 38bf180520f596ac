//! Seeding a fresh RT through REST 2.0: queues, agents, unicode contacts, tickets in every
//! status (deleted ones too), owners, priorities, tags, custom fields, comments with
//! attachments. Tickets are created four at a time, so many share their creation second.

use futures::StreamExt;
use serde_json::{Value, json};

use super::raw::Raw;

/// The RT statuses tickets are given in turn (`deleted` tickets are deleted after creation).
pub(crate) const STATUSES: [&str; 6] = ["new", "open", "stalled", "resolved", "rejected", "deleted"];

/// Priorities given in turn.
pub(crate) const PRIORITIES: [i64; 7] = [0, 30, 50, 80, 100, 150, 200];

/// One seeded ticket, as created.
#[derive(Debug, Clone)]
pub(crate) struct SeededTicket {
    /// Its number.
    pub id: u64,
    /// Its RT status once seeding was done (`deleted` for deleted tickets). A reply reopens a
    /// resolved ticket and opens a new one (RT's scrips), so commented tickets read `open`.
    pub status: String,
    /// Its priority number.
    pub priority: i64,
    /// Its requestor.
    pub requestor: u64,
    /// Its owner (`None`: Nobody).
    pub owner: Option<u64>,
    /// Its queue.
    pub queue: u64,
    /// Its tags.
    pub tags: Vec<&'static str>,
    /// Its Severity custom field.
    pub severity: Option<String>,
    /// Its subject.
    pub subject: String,
}

/// What was seeded.
#[derive(Debug, Clone, Default)]
pub(crate) struct Seeded {
    /// Every ticket, deleted ones included.
    pub tickets: Vec<SeededTicket>,
    /// The agents (privileged users) created.
    pub agents: Vec<u64>,
    /// The contacts created.
    pub contacts: Vec<u64>,
    /// The queues created (General not included).
    pub queues: Vec<u64>,
    /// The ticket with the richest comments: a reply in HTML with two files, and a private note.
    pub rich_ticket: u64,
    /// The tickets that got comments.
    pub commented: Vec<u64>,
    /// A ticket a customer opened by mail, then replied to by mail.
    pub mail_ticket: u64,
    /// The customer who wrote it (a user RT created from the mail).
    pub mail_contact: u64,
}

/// The customer's first mail: a MIME-encoded subject, a display name, To and Cc.
pub(crate) const MAIL_SUBJECT: &str = "Problème de facture";

fn first_mail() -> String {
    "From: \"Zoë Mail\" <zoe.mail@example.com>\nTo: \"Support\" <rt@rt.test>, other@example.com\n\
     Cc: \"Doe, Jane\" <jane@example.com>\nSubject: =?UTF-8?B?UHJvYmzDqG1lIGRlIGZhY3R1cmU=?=\nMIME-Version: 1.0\n\
     Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nBonjour, ma facture est fausse ✓\n"
        .to_owned()
}

/// Contacts: unicode real names, ASCII addresses (RT refuses non-ASCII address parts).
const CONTACTS: [(&str, &str); 8] = [
    ("Zoë Ångström", "zoe@example.com"),
    ("Ünal Çelik", "unal@example.com"),
    ("José Núñez", "jose@example.com"),
    ("Ólafur Þórsson", "olafur@example.com"),
    ("Сергей Петров", "sergei@example.com"),
    ("山田 太郎", "yamada@example.com"),
    ("Chloé O'Brien", "chloe.obrien@example.com"),
    ("Ahmed 🚀 Hassan", "ahmed+rt@example.com"),
];

const AGENTS: [(&str, &str); 3] =
    [("agent.ann", "Ann Agent"), ("agent.bjorn", "Bjørn Ågent"), ("agent.li", "李 Agent")];

/// Seeds `n` tickets with everything around them.
pub(crate) async fn seed(raw: &Raw, base_url: &str, n: usize) -> Seeded {
    let mut s = Seeded::default();
    // A customer writes in, then replies (through RT's mail gateway, as a mail server would).
    super::server::mailgate(base_url, "General", "correspond", &first_mail()).unwrap_or_else(|e| panic!("{e}"));
    let q = [("query", "Requestor.EmailAddress = 'zoe.mail@example.com'")];
    let found = raw.get("/tickets", &q).await;
    s.mail_ticket = found["items"][0]["id"].as_str().and_then(|i| i.parse().ok()).expect("the mailed ticket");
    let reply = format!(
        "From: \"Zoë Mail\" <zoe.mail@example.com>\nTo: rt@rt.test\nSubject: Re: [rt.test #{}] facture\n\
         Content-Type: text/plain; charset=utf-8\n\nEncore moi\n",
        s.mail_ticket
    );
    super::server::mailgate(base_url, "General", "correspond", &reply).unwrap_or_else(|e| panic!("{e}"));
    s.mail_contact = raw.user_id("zoe.mail@example.com").await;
    for (name, desc) in [("Support ✓", "Première ligne"), ("Billing", "")] {
        s.queues
            .push(raw.create("/queue", json!({"Name": name, "Description": desc})).await.parse().expect("queue id"));
    }
    for (login, real) in AGENTS {
        raw.create(
            "/user",
            json!({"Name": login, "EmailAddress": format!("{login}@rt.test"), "RealName": real, "Privileged": 1}),
        )
        .await;
        s.agents.push(raw.user_id(login).await);
    }
    for (i, (real, email)) in CONTACTS.iter().enumerate() {
        let mut body = json!({"Name": email, "EmailAddress": email, "RealName": real});
        if i % 3 == 0 {
            body["WorkPhone"] = json!(format!("+1 555 010{i}"));
            body["MobilePhone"] = json!(format!("+44 7700 90012{i}"));
        }
        if i % 4 == 1 {
            body["CustomFields"] = json!({"External ID": format!("crm-{i}")});
        }
        raw.create("/user", body).await;
        s.contacts.push(raw.user_id(&email.replace('+', "%2B")).await);
    }
    let queues: Vec<u64> = [1].into_iter().chain(s.queues.iter().copied()).collect();
    let plans: Vec<SeededTicket> = (0..n)
        .map(|i| SeededTicket {
            id: 0,
            status: STATUSES[i % STATUSES.len()].to_owned(),
            priority: PRIORITIES[i % PRIORITIES.len()],
            requestor: s.contacts[i % s.contacts.len()],
            owner: if i % 3 == 0 { None } else { Some(s.agents[i % s.agents.len()]) },
            queue: queues[i % queues.len()],
            tags: match i % 4 {
                1 => vec!["bug"],
                2 => vec!["vip", "billing"],
                _ => Vec::new(),
            },
            severity: (i % 5 == 0).then(|| format!("Sév {}", i % 3 + 1)),
            subject: format!("Ticket {i}: Réclamation n°{i} ✓"),
        })
        .collect();
    let created: Vec<SeededTicket> =
        futures::stream::iter(plans.into_iter().map(|p| create_ticket(raw, p))).buffered(4).collect().await;
    s.tickets = created;
    // Comments on the first live tickets, a rich one on the first.
    let live: Vec<u64> = s.tickets.iter().filter(|t| t.status != "deleted").map(|t| t.id).take(8).collect();
    s.commented = live.clone();
    for (i, id) in live.iter().enumerate() {
        raw.create(
            &format!("/ticket/{id}/correspond"),
            json!({"Content": format!("Réponse n°{i} ✓\nSecond line"), "ContentType": "text/plain"}),
        )
        .await;
        if i % 2 == 0 {
            raw.create(
                &format!("/ticket/{id}/comment"),
                json!({"Content": format!("Note interne {i}"), "ContentType": "text/plain"}),
            )
            .await;
        }
    }
    if let Some(first) = live.first() {
        s.rich_ticket = *first;
        raw.create(
            &format!("/ticket/{first}/correspond"),
            json!({
                "Content": "<p>Voilà <b>la facture</b></p>", "ContentType": "text/html",
                "Attachments": [
                    {"FileName": "facture été.txt", "FileType": "text/plain", "FileContent": "RmFjdHVyZSDDqXTDqQ=="},
                    {"FileName": "scan.bin", "FileType": "application/octet-stream", "FileContent": "AAEC/w=="}
                ]
            }),
        )
        .await;
    }
    // What RT made of the statuses once the replies went in.
    for t in s.tickets.iter_mut().filter(|t| live.contains(&t.id)) {
        let v = raw.get(&format!("/ticket/{}", t.id), &[]).await;
        t.status = v["Status"].as_str().unwrap_or_default().to_owned();
    }
    s
}

async fn create_ticket(raw: &Raw, mut p: SeededTicket) -> SeededTicket {
    let mut body = json!({
        "Queue": p.queue.to_string(),
        "Subject": p.subject,
        "Requestor": [p.requestor.to_string()],
        "Priority": p.priority,
        "Content": format!("Opening message of {} ✓", p.subject),
        "ContentType": "text/plain",
    });
    if let Some(o) = p.owner {
        body["Owner"] = json!(o.to_string());
    }
    if matches!(p.status.as_str(), "new" | "open" | "resolved") {
        body["Status"] = json!(p.status);
    }
    let mut cfs = serde_json::Map::new();
    if !p.tags.is_empty() {
        cfs.insert("Tags".into(), json!(p.tags));
    }
    if let Some(sev) = &p.severity {
        cfs.insert("Severity".into(), json!(sev));
    }
    if !cfs.is_empty() {
        body["CustomFields"] = Value::Object(cfs);
    }
    p.id = raw.create("/ticket", body).await.parse().expect("ticket id");
    match p.status.as_str() {
        "stalled" | "rejected" => {
            raw.put(&format!("/ticket/{}", p.id), json!({"Status": p.status})).await;
        }
        "deleted" => raw.delete(&format!("/ticket/{}", p.id)).await,
        _ => {}
    }
    p
}
