//! The resource trait impls.

use async_trait::async_trait;
use unidesk_core::{
    Account, AccountCreate, AccountUpdate, Accounts, Comment, CommentCreate, Comments, Contact, ContactCreate,
    ContactUpdate, Contacts, Direction, Error, FieldError, Id, ListQuery, Page, Priority, Resource, Result, Tag, Tags,
    Team, Teams, Ticket, TicketCreate, TicketStatus, TicketUpdate, Tickets, User, Users,
};

use crate::list::{by_id, page, with_remote_data};
use crate::store::MemoryHelpdesk;

fn field_error(field: &str, message: impl Into<String>) -> Error {
    let message = message.into();
    Error::Validation {
        message: format!("{field}: {message}"),
        field_errors: vec![FieldError { field: Some(field.to_owned()), message }],
    }
}

fn check_status(status: &Option<TicketStatus>) -> Result<()> {
    match status {
        Some(s) if !s.is_known() => Err(field_error("status", format!("unknown status {:?}", s.as_str()))),
        _ => Ok(()),
    }
}

fn check_priority(priority: &Option<Priority>) -> Result<()> {
    match priority {
        Some(p) if !p.is_known() => Err(field_error("priority", format!("unknown priority {:?}", p.as_str()))),
        _ => Ok(()),
    }
}

/// The live records, then (when the query asks for them) the deleted ones.
fn live_then_deleted<'a, T: 'a>(
    live: impl Iterator<Item = &'a T> + 'a,
    deleted: &'a std::collections::BTreeMap<String, T>,
    query: &ListQuery,
) -> impl Iterator<Item = &'a T> + 'a {
    let deleted = if query.include_deleted { Some(deleted.values()) } else { None };
    live.chain(deleted.into_iter().flatten())
}

fn merge_unique(list: &mut Vec<String>, add: &[String]) {
    for a in add {
        if !list.contains(a) {
            list.push(a.clone());
        }
    }
}

#[async_trait]
impl Tickets for MemoryHelpdesk {
    async fn list(&self, query: &ListQuery) -> Result<Page<Ticket>> {
        if let Some(c) = &query.contact_id {
            Id::parse(c)?;
        }
        let s = self.read();
        let records = live_then_deleted(s.tickets.values(), &s.deleted_tickets, query)
            .filter(|t| query.contact_id.is_none() || t.contact_id == query.contact_id);
        page(Resource::Ticket, records, query, by_id)
    }

    async fn get(&self, id: &str, include_remote_data: bool) -> Result<Ticket> {
        Id::parse(id)?;
        let s = self.read();
        let t = s.tickets.get(id).ok_or_else(|| Error::not_found(Resource::Ticket, id))?;
        with_remote_data(t, include_remote_data)
    }

    async fn create(&self, input: &TicketCreate) -> Result<Ticket> {
        Id::parse(&input.contact_id)?;
        check_status(&input.status)?;
        check_priority(&input.priority)?;
        let mut s = self.write();
        let contact = s.contacts.get(&input.contact_id).ok_or_else(|| field_error("contact_id", "no such contact"))?;
        let account_id = contact.account_id.clone();
        let now = s.tick();
        let status = input.status.clone().unwrap_or(TicketStatus::Open);
        let t = Ticket {
            id: s.new_id(),
            subject: input.subject.clone(),
            description: input.description.clone(),
            remote_status: Some(status.as_str().to_owned()),
            closed_at: (status == TicketStatus::Closed).then_some(now),
            status: Some(status),
            remote_priority: input.priority.as_ref().map(|p| p.as_str().to_owned()),
            priority: input.priority.clone(),
            contact_id: Some(input.contact_id.clone()),
            account_id,
            assignee_ids: input.assignee_ids.clone(),
            team_ids: input.team_ids.clone(),
            tag_ids: input.tag_ids.clone(),
            created_at: Some(now),
            updated_at: Some(now),
            custom_fields: input.custom_fields.clone(),
            ..Default::default()
        };
        s.tickets.insert(t.id.clone(), t.clone());
        Ok(t)
    }

    async fn update(&self, id: &str, patch: &TicketUpdate) -> Result<Ticket> {
        Id::parse(id)?;
        check_status(&patch.status)?;
        check_priority(&patch.priority)?;
        let mut s = self.write();
        let now = s.tick();
        let t = s.tickets.get_mut(id).ok_or_else(|| Error::not_found(Resource::Ticket, id))?;
        if let Some(subject) = &patch.subject {
            t.subject = Some(subject.clone());
        }
        if let Some(status) = &patch.status {
            let was_closed = t.status == Some(TicketStatus::Closed);
            if *status == TicketStatus::Closed && !was_closed {
                t.closed_at = Some(now);
            } else if *status != TicketStatus::Closed {
                t.closed_at = None;
            }
            t.status = Some(status.clone());
            t.remote_status = Some(status.as_str().to_owned());
        }
        if let Some(p) = &patch.priority {
            t.priority = Some(p.clone());
            t.remote_priority = Some(p.as_str().to_owned());
        }
        if let Some(a) = &patch.assignee_ids {
            t.assignee_ids = a.clone();
        }
        if let Some(a) = &patch.team_ids {
            t.team_ids = a.clone();
        }
        if let Some(c) = &patch.custom_fields {
            t.custom_fields.extend(c.clone());
        }
        t.updated_at = Some(now);
        Ok(t.clone())
    }

    async fn delete(&self, id: &str) -> Result<()> {
        Id::parse(id)?;
        let mut s = self.write();
        let mut t = s.tickets.remove(id).ok_or_else(|| Error::not_found(Resource::Ticket, id))?;
        let now = s.tick();
        t.remote_was_deleted = true;
        t.updated_at = Some(now);
        s.deleted_tickets.insert(t.id.clone(), t);
        // Its comments go with it, kept as deleted records too.
        let gone: Vec<String> =
            s.comments.values().filter(|c| c.ticket_id.as_deref() == Some(id)).map(|c| c.id.clone()).collect();
        for cid in gone {
            if let Some(mut c) = s.comments.remove(&cid) {
                c.remote_was_deleted = true;
                c.updated_at = Some(now);
                s.deleted_comments.insert(cid, c);
            }
        }
        Ok(())
    }

    async fn add_tags(&self, id: &str, tag_ids: &[String]) -> Result<Ticket> {
        Id::parse(id)?;
        let mut s = self.write();
        let now = s.tick();
        let t = s.tickets.get_mut(id).ok_or_else(|| Error::not_found(Resource::Ticket, id))?;
        merge_unique(&mut t.tag_ids, tag_ids);
        t.updated_at = Some(now);
        Ok(t.clone())
    }

    async fn remove_tags(&self, id: &str, tag_ids: &[String]) -> Result<Ticket> {
        Id::parse(id)?;
        let mut s = self.write();
        let now = s.tick();
        let t = s.tickets.get_mut(id).ok_or_else(|| Error::not_found(Resource::Ticket, id))?;
        t.tag_ids.retain(|x| !tag_ids.contains(x));
        t.updated_at = Some(now);
        Ok(t.clone())
    }
}

#[async_trait]
impl Comments for MemoryHelpdesk {
    async fn list(&self, query: &ListQuery) -> Result<Page<Comment>> {
        let s = self.read();
        match &query.ticket_id {
            Some(tid) => {
                Id::parse(tid)?;
                let records = live_then_deleted(s.comments.values(), &s.deleted_comments, query)
                    .filter(|c| c.ticket_id.as_deref() == Some(tid.as_str()));
                page(Resource::Comment, records, query, |c: &Comment| (c.created_at, c.id.clone()))
            }
            None => page(
                Resource::Comment,
                live_then_deleted(s.comments.values(), &s.deleted_comments, query),
                query,
                by_id,
            ),
        }
    }

    async fn get(&self, id: &str, include_remote_data: bool) -> Result<Comment> {
        Id::parse(id)?;
        let s = self.read();
        let c = s.comments.get(id).ok_or_else(|| Error::not_found(Resource::Comment, id))?;
        with_remote_data(c, include_remote_data)
    }

    async fn create(&self, input: &CommentCreate) -> Result<Comment> {
        Id::parse(&input.ticket_id)?;
        if input.body.trim().is_empty() {
            return Err(field_error("body", "must not be empty"));
        }
        let mut s = self.write();
        let ticket =
            s.tickets.get(&input.ticket_id).ok_or_else(|| Error::not_found(Resource::Ticket, &input.ticket_id))?;
        let channel = input.channel.clone().or_else(|| ticket.channels.first().cloned());
        let now = s.tick();
        let mut attachments = Vec::with_capacity(input.attachments.len());
        for file in &input.attachments {
            if file.file_name.trim().is_empty() {
                return Err(field_error("attachments", "every file needs a name"));
            }
            let id = s.new_id();
            s.files.insert(id.clone(), bytes::Bytes::from(file.bytes.clone()));
            attachments.push(unidesk_core::Attachment {
                id,
                file_name: Some(file.file_name.clone()),
                content_type: Some(file.content_type.clone()),
                size_bytes: Some(file.bytes.len() as u64),
                url: None,
            });
        }
        let c = Comment {
            id: s.new_id(),
            ticket_id: Some(input.ticket_id.clone()),
            body: Some(input.body.clone()),
            html_body: input.html_body.clone(),
            is_private: input.is_private,
            direction: (!input.is_private).then_some(Direction::Outbound),
            channel: if input.is_private { None } else { channel },
            author_user_id: input.author_user_id.clone(),
            attachments,
            created_at: Some(now),
            updated_at: Some(now),
            ..Default::default()
        };
        s.comments.insert(c.id.clone(), c.clone());
        if let Some(t) = s.tickets.get_mut(&input.ticket_id) {
            t.updated_at = Some(now);
        }
        Ok(c)
    }
}

#[async_trait]
impl Contacts for MemoryHelpdesk {
    async fn list(&self, query: &ListQuery) -> Result<Page<Contact>> {
        let s = self.read();
        page(Resource::Contact, live_then_deleted(s.contacts.values(), &s.deleted_contacts, query), query, by_id)
    }

    async fn get(&self, id: &str, include_remote_data: bool) -> Result<Contact> {
        Id::parse(id)?;
        let s = self.read();
        let c = s.contacts.get(id).ok_or_else(|| Error::not_found(Resource::Contact, id))?;
        with_remote_data(c, include_remote_data)
    }

    async fn create(&self, input: &ContactCreate) -> Result<Contact> {
        let mut emails: Vec<String> = input.email.iter().cloned().collect();
        merge_unique(&mut emails, &input.emails);
        let mut phones: Vec<String> = input.phone.iter().cloned().collect();
        merge_unique(&mut phones, &input.phones);
        let mut s = self.write();
        if let Some(taken) = emails.iter().find(|e| s.contacts.values().any(|c| c.emails.contains(e))) {
            return Err(Error::Conflict { message: format!("email {taken} belongs to another contact") });
        }
        let now = s.tick();
        let c = Contact {
            id: s.new_id(),
            name: input.name.clone(),
            email: emails.first().cloned(),
            emails,
            phone: phones.first().cloned(),
            phones,
            account_id: input.account_id.clone(),
            external_id: input.external_id.clone(),
            tag_ids: input.tag_ids.clone(),
            custom_fields: input.custom_fields.clone(),
            created_at: Some(now),
            updated_at: Some(now),
            remote_was_deleted: false,
            remote_data: None,
        };
        s.contacts.insert(c.id.clone(), c.clone());
        Ok(c)
    }

    async fn update(&self, id: &str, patch: &ContactUpdate) -> Result<Contact> {
        Id::parse(id)?;
        let mut s = self.write();
        let now = s.tick();
        let c = s.contacts.get_mut(id).ok_or_else(|| Error::not_found(Resource::Contact, id))?;
        if let Some(v) = &patch.name {
            c.name = Some(v.clone());
        }
        if let Some(v) = &patch.emails {
            c.emails = v.clone();
            c.email = v.first().cloned();
        }
        if let Some(v) = &patch.phones {
            c.phones = v.clone();
            c.phone = v.first().cloned();
        }
        if let Some(v) = &patch.account_id {
            c.account_id = Some(v.clone());
        }
        if let Some(v) = &patch.external_id {
            c.external_id = Some(v.clone());
        }
        if let Some(v) = &patch.custom_fields {
            c.custom_fields.extend(v.clone());
        }
        c.updated_at = Some(now);
        Ok(c.clone())
    }

    async fn delete(&self, id: &str) -> Result<()> {
        Id::parse(id)?;
        let mut s = self.write();
        let mut c = s.contacts.remove(id).ok_or_else(|| Error::not_found(Resource::Contact, id))?;
        c.remote_was_deleted = true;
        c.updated_at = Some(s.tick());
        s.deleted_contacts.insert(c.id.clone(), c);
        Ok(())
    }

    async fn find_by_email(&self, email: &str) -> Result<Contact> {
        let s = self.read();
        s.contacts
            .values()
            .find(|c| c.emails.iter().any(|e| e.eq_ignore_ascii_case(email)))
            .cloned()
            .ok_or_else(|| Error::not_found(Resource::Contact, email))
    }

    async fn find_by_external_id(&self, external_id: &str) -> Result<Contact> {
        let s = self.read();
        s.contacts
            .values()
            .find(|c| c.external_id.as_deref() == Some(external_id))
            .cloned()
            .ok_or_else(|| Error::not_found(Resource::Contact, external_id))
    }
}

#[async_trait]
impl Accounts for MemoryHelpdesk {
    async fn list(&self, query: &ListQuery) -> Result<Page<Account>> {
        let s = self.read();
        page(Resource::Account, live_then_deleted(s.accounts.values(), &s.deleted_accounts, query), query, by_id)
    }

    async fn get(&self, id: &str, include_remote_data: bool) -> Result<Account> {
        Id::parse(id)?;
        let s = self.read();
        let a = s.accounts.get(id).ok_or_else(|| Error::not_found(Resource::Account, id))?;
        with_remote_data(a, include_remote_data)
    }

    async fn create(&self, input: &AccountCreate) -> Result<Account> {
        if input.name.trim().is_empty() {
            return Err(field_error("name", "must not be empty"));
        }
        let mut s = self.write();
        let now = s.tick();
        let a = Account {
            id: s.new_id(),
            name: Some(input.name.clone()),
            domains: input.domains.clone(),
            external_id: input.external_id.clone(),
            custom_fields: input.custom_fields.clone(),
            created_at: Some(now),
            updated_at: Some(now),
            remote_was_deleted: false,
            remote_data: None,
        };
        s.accounts.insert(a.id.clone(), a.clone());
        Ok(a)
    }

    async fn update(&self, id: &str, patch: &AccountUpdate) -> Result<Account> {
        Id::parse(id)?;
        let mut s = self.write();
        let now = s.tick();
        let a = s.accounts.get_mut(id).ok_or_else(|| Error::not_found(Resource::Account, id))?;
        if let Some(v) = &patch.name {
            a.name = Some(v.clone());
        }
        if let Some(v) = &patch.domains {
            a.domains = v.clone();
        }
        if let Some(v) = &patch.external_id {
            a.external_id = Some(v.clone());
        }
        if let Some(v) = &patch.custom_fields {
            a.custom_fields.extend(v.clone());
        }
        a.updated_at = Some(now);
        Ok(a.clone())
    }

    async fn delete(&self, id: &str) -> Result<()> {
        Id::parse(id)?;
        let mut s = self.write();
        let mut a = s.accounts.remove(id).ok_or_else(|| Error::not_found(Resource::Account, id))?;
        a.remote_was_deleted = true;
        a.updated_at = Some(s.tick());
        s.deleted_accounts.insert(a.id.clone(), a);
        Ok(())
    }
}

macro_rules! read_only {
    ($trait:ident, $model:ty, $field:ident, $resource:expr) => {
        #[async_trait]
        impl $trait for MemoryHelpdesk {
            async fn list(&self, query: &ListQuery) -> Result<Page<$model>> {
                let s = self.read();
                page($resource, s.$field.values(), query, by_id)
            }

            async fn get(&self, id: &str, include_remote_data: bool) -> Result<$model> {
                Id::parse(id)?;
                let s = self.read();
                let r = s.$field.get(id).ok_or_else(|| Error::not_found($resource, id))?;
                with_remote_data(r, include_remote_data)
            }
        }
    };
}

read_only!(Tags, Tag, tags, Resource::Tag);
read_only!(Teams, Team, teams, Resource::Team);
read_only!(Users, User, users, Resource::User);
