//! Seed data: records to load, and a deterministic sample generator.

use chrono::{DateTime, Duration, TimeZone, Utc};
use unidesk_core::{Account, Comment, Contact, Direction, Priority, Tag, Team, Ticket, TicketStatus, User};

/// Records to load into a [`crate::MemoryHelpdesk`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Seed {
    /// Tickets.
    pub tickets: Vec<Ticket>,
    /// Comments.
    pub comments: Vec<Comment>,
    /// Contacts.
    pub contacts: Vec<Contact>,
    /// Accounts.
    pub accounts: Vec<Account>,
    /// Tags.
    pub tags: Vec<Tag>,
    /// Teams.
    pub teams: Vec<Team>,
    /// Users.
    pub users: Vec<User>,
}

fn id(prefix: u8, n: usize) -> String {
    format!("{prefix:02x}{n:022x}")
}

fn at(minutes: i64) -> Option<DateTime<Utc>> {
    Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).single().map(|t| t + Duration::minutes(minutes))
}

impl Seed {
    /// A deterministic data set with `tickets` tickets (two comments each) and proportionate
    /// contacts, accounts, tags, teams and users. Several tickets share each `updated_at`
    /// so that tie handling is exercised.
    pub fn sample(tickets: usize) -> Self {
        let n_accounts = tickets / 20 + 1;
        let n_contacts = tickets / 4 + 1;
        let accounts: Vec<Account> = (0..n_accounts)
            .map(|i| Account {
                id: id(0xa0, i),
                name: Some(format!("Société {i}")),
                domains: vec![format!("company{i}.example")],
                external_id: Some(format!("acct-{i}")),
                created_at: at(i as i64),
                updated_at: at(i as i64 * 2),
                ..Default::default()
            })
            .collect();
        let contacts: Vec<Contact> = (0..n_contacts)
            .map(|i| Contact {
                id: id(0xc0, i),
                name: Some(format!("Contact {i} Øyvind")),
                email: Some(format!("c{i}@example.com")),
                emails: vec![format!("c{i}@example.com"), format!("alt{i}@example.org")],
                phone: (i % 3 != 0).then(|| format!("+1555{i:07}")),
                phones: if i % 3 != 0 { vec![format!("+1555{i:07}")] } else { vec![] },
                account_id: Some(id(0xa0, i % n_accounts)),
                external_id: Some(format!("ext-{i}")),
                created_at: at(i as i64),
                updated_at: at(i as i64 / 2 * 3),
                ..Default::default()
            })
            .collect();
        let tags: Vec<Tag> = (0..12)
            .map(|i| Tag {
                id: id(0x7a, i),
                name: Some(format!("tag-{i}")),
                color: Some(format!("#{:06x}", i * 0x111111)),
                created_at: at(i as i64),
                updated_at: at(i as i64),
                remote_was_deleted: false,
                remote_data: None,
            })
            .collect();
        let users: Vec<User> = (0..10)
            .map(|i| User {
                id: id(0x55, i),
                name: Some(format!("Agent {i}")),
                email: Some(format!("agent{i}@support.example")),
                is_active: i % 5 != 4,
                team_ids: vec![id(0x7e, i % 4)],
                roles: vec!["org.user.agent".into()],
                created_at: at(i as i64),
                updated_at: at(i as i64),
                ..Default::default()
            })
            .collect();
        let teams: Vec<Team> = (0..4)
            .map(|i| Team {
                id: id(0x7e, i),
                name: Some(format!("Team {i}")),
                member_ids: users.iter().filter(|u| u.team_ids.contains(&id(0x7e, i))).map(|u| u.id.clone()).collect(),
                created_at: at(i as i64),
                updated_at: at(i as i64),
                ..Default::default()
            })
            .collect();
        let statuses = [TicketStatus::Open, TicketStatus::Pending, TicketStatus::OnHold, TicketStatus::Closed];
        let priorities = [Priority::Urgent, Priority::High, Priority::Normal, Priority::Low];
        let mut comments = Vec::with_capacity(tickets * 2);
        let tickets: Vec<Ticket> = (0..tickets)
            .map(|i| {
                let status = statuses[i % 4].clone();
                let contact = &contacts[i % n_contacts];
                let created = at(i as i64 * 10);
                let tid = id(0x71, i);
                comments.push(Comment {
                    id: id(0xcc, 2 * i),
                    ticket_id: Some(tid.clone()),
                    body: Some(format!("Hello, order #{i} is late ✉️")),
                    direction: Some(Direction::Inbound),
                    channel: Some("email".into()),
                    author_contact_id: Some(contact.id.clone()),
                    created_at: created,
                    updated_at: created,
                    ..Default::default()
                });
                comments.push(Comment {
                    id: id(0xcc, 2 * i + 1),
                    ticket_id: Some(tid.clone()),
                    body: Some("Checked with the warehouse.".into()),
                    is_private: true,
                    author_user_id: Some(users[i % users.len()].id.clone()),
                    created_at: at(i as i64 * 10 + 5),
                    updated_at: at(i as i64 * 10 + 5),
                    ..Default::default()
                });
                Ticket {
                    id: tid,
                    subject: Some(format!("Order {i} delayed")),
                    remote_status: Some(status.as_str().into()),
                    closed_at: (status == TicketStatus::Closed).then(|| at(i as i64 * 10 + 60)).flatten(),
                    status: Some(status),
                    remote_priority: Some(priorities[i % 4].as_str().into()),
                    priority: Some(priorities[i % 4].clone()),
                    contact_id: Some(contact.id.clone()),
                    account_id: contact.account_id.clone(),
                    assignee_ids: vec![users[i % users.len()].id.clone()],
                    team_ids: vec![teams[i % teams.len()].id.clone()],
                    tag_ids: vec![tags[i % tags.len()].id.clone()],
                    channels: vec!["email".into()],
                    created_at: created,
                    updated_at: at((i as i64 / 3) * 30 + 100),
                    ..Default::default()
                }
            })
            .collect();
        Seed { tickets, comments, contacts, accounts, tags, teams, users }
    }
}
