//! Comments: a ticket's cursor pages (`/tickets/{id}/comments`, authors side-loaded), all
//! tickets' comments by walking the tickets, and new comments through a ticket update.

use std::collections::HashMap;

use async_trait::async_trait;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use unidesk_core::{Comment, CommentCreate, Comments, Error, ListQuery, Operation, Page, Resource, Result};

use super::tickets::TicketKey;
use super::{ref_id, zendesk_id};
use crate::client::{Call, ZendeskClient};
use crate::list::{self, Fetched, State};
use crate::map::{self, CommentContext};
use crate::wire::{self, CommentListing, TicketAudit};
use crate::{ADAPTER, config::MAX_PAGE_SIZE};

/// Where a walk over every ticket's comments is: the ticket walk, the ticket being read, and
/// Zendesk's cursor in that ticket's comments.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Nested {
    /// The ticket walk, after the current ticket.
    t: State<TicketKey>,
    /// `true` when no ticket follows the current one.
    #[serde(default)]
    last: bool,
    /// The ticket being read (`None`: take the next one).
    #[serde(default)]
    id: Option<i64>,
    /// Zendesk's cursor in its comments.
    #[serde(default)]
    c: Option<String>,
}

impl ZendeskClient {
    /// One page of ticket `n`'s comments, mapped, keyed by `(ticket, comment)` id.
    async fn comment_page(
        &self,
        n: i64,
        ticket: &str,
        after: Option<String>,
        size: usize,
        raw: bool,
    ) -> Result<Fetched<(TicketKey, Comment)>> {
        let mut call = Call::get(format!("/tickets/{n}/comments.json"), "/tickets/{id}/comments.json")
            .not_found(Resource::Ticket, ticket)
            .query("include", "users")
            .query("page[size]", size.clamp(1, MAX_PAGE_SIZE as usize));
        if let Some(a) = after {
            call = call.query("page[after]", a);
        }
        type Decoded = (Vec<(wire::Comment, Option<Value>)>, Vec<wire::UserRole>, Option<wire::Meta>);
        let decode = |body: &[u8]| -> Result<Decoded> {
            if raw {
                let page: CommentListing<Value> = self.decode(call.template, body)?;
                let items = page
                    .comments
                    .into_iter()
                    .map(|v| {
                        wire::Comment::deserialize(&v)
                            .map(|c| (c, Some(v)))
                            .map_err(|e| crate::errors::decode(call.template, e, self.secrets()))
                    })
                    .collect::<Result<Vec<_>>>()?;
                Ok((items, page.users, page.meta))
            } else {
                let page: CommentListing<wire::Comment> = self.decode(call.template, body)?;
                Ok((page.comments.into_iter().map(|c| (c, None)).collect(), page.users, page.meta))
            }
        };
        let (items, users, meta) = self.listing_page(&call, decode).await?;
        let roles: HashMap<i64, String> = users.into_iter().filter_map(|u| Some((u.id, u.role?))).collect();
        let ctx = CommentContext { ticket_id: n, roles: &roles };
        let meta = meta.unwrap_or_default();
        let next = match (meta.has_more, meta.after_cursor) {
            (false, _) => None,
            (true, Some(c)) if !c.is_empty() => Some(c),
            (true, _) => return Err(Error::decode(call.template, "has_more without an after_cursor")),
        };
        Ok(Fetched { items: items.into_iter().map(|(c, v)| ((n, c.id), map::comment(&c, v, ctx))).collect(), next })
    }

    /// One step of the walk over every ticket's comments: the comments page at `cursor`.
    async fn nested_page(
        &self,
        q: &ListQuery,
        cursor: Option<String>,
        size: usize,
    ) -> Result<Fetched<(TicketKey, Comment)>> {
        let mut st: Nested = match cursor {
            None => Nested::default(),
            Some(c) => serde_json::from_str(&c).map_err(|_| Error::invalid_cursor("not a comment walk"))?,
        };
        // A comment created at or after a time is on a ticket updated at or after it.
        let mut tq = ListQuery::new();
        tq.updated_after = match (q.updated_after, q.created_after) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        let id = match st.id {
            Some(id) => id,
            None => {
                let keep = |t: &unidesk_core::Ticket| !t.remote_was_deleted && tq.matches_times(None, t.updated_at);
                let (tickets, next) = self.scan_tickets(&tq, st.t.clone(), 1, true, keep).await?;
                let Some(t) = tickets.first() else { return Ok(Fetched { items: Vec::new(), next: None }) };
                let id =
                    t.id.parse::<i64>().map_err(|_| Error::decode("/tickets.json", "a ticket id that is no number"))?;
                st.last = next.is_none();
                st.t = next.unwrap_or_default();
                st.c = None;
                id
            }
        };
        let page = match self.comment_page(id, &id.to_string(), st.c.clone(), size, q.include_remote_data).await {
            Ok(p) => p,
            // Deleted since the ticket walk saw it: no comments to list.
            Err(Error::NotFound { .. }) => Fetched { items: Vec::new(), next: None },
            Err(e) => return Err(e),
        };
        let next = match page.next {
            Some(c) => Some(Nested { id: Some(id), c: Some(c), ..st }),
            None if st.last => None,
            None => Some(Nested { id: None, c: None, ..st }),
        };
        let next = next
            .map(|n| serde_json::to_string(&n))
            .transpose()
            .map_err(|e| Error::invalid_input(format!("cursor: {e}")))?;
        Ok(Fetched { items: page.items, next })
    }

    /// The comment with id `comment` on ticket `n`, read from the ticket's comments.
    async fn find_comment(&self, n: i64, ticket: &str, comment: i64) -> Result<Comment> {
        let mut after = None;
        for _ in 0..100 {
            let page = self.comment_page(n, ticket, after, MAX_PAGE_SIZE as usize, false).await?;
            if let Some((_, c)) = page.items.into_iter().find(|((_, id), _)| *id == comment) {
                return Ok(c);
            }
            match page.next {
                Some(c) => after = Some(c),
                None => break,
            }
        }
        Err(Error::not_found(Resource::Comment, comment.to_string()))
    }
}

#[async_trait]
impl Comments for ZendeskClient {
    async fn list(&self, q: &ListQuery) -> Result<Page<Comment>> {
        self.no_deleted(q, Resource::Comment)?;
        let want = self.page_size(q)?;
        let start = self.state::<TicketKey>(q, Resource::Comment)?;
        let keep = |(_, c): &(TicketKey, Comment)| q.matches_times(c.created_at, c.updated_at);
        let key = |(k, _): &(TicketKey, Comment)| *k;
        let (items, next) = match q.ticket_id.as_deref() {
            Some(ticket) => {
                let n = zendesk_id(ticket, Resource::Ticket)?;
                let raw = q.include_remote_data;
                {
                    // Without time filters every comment is kept: Zendesk's "more follow" decides.
                    let exact = q.updated_after.is_none() && q.created_after.is_none();
                    let size = if exact { want } else { want + 1 };
                    list::scan(start, want, exact, key, keep, |c| self.comment_page(n, ticket, c, size, raw)).await?
                }
            }
            None => list::scan(start, want, false, key, keep, |c| self.nested_page(q, c, want + 1)).await?,
        };
        self.page(q, Resource::Comment, items.into_iter().map(|(_, c)| c).collect(), next)
    }

    async fn get(&self, _id: &str, _include_remote_data: bool) -> Result<Comment> {
        Err(Error::unsupported(Resource::Comment, Operation::Get, ADAPTER))
    }

    async fn create(&self, input: &CommentCreate) -> Result<Comment> {
        let n = zendesk_id(&input.ticket_id, Resource::Ticket)?;
        if input.body.trim().is_empty() && input.html_body.as_deref().is_none_or(|h| h.trim().is_empty()) {
            return Err(super::invalid("body", "a comment needs a body"));
        }
        let uploads = self.upload_all(&input.attachments).await?;
        let mut comment = json!({ "body": input.body, "public": !input.is_private });
        if let Some(h) = input.html_body.as_ref().filter(|h| !h.trim().is_empty()) {
            comment["html_body"] = json!(h);
        }
        if let Some(author) = ref_id(input.author_user_id.as_deref(), "author_user_id")? {
            comment["author_id"] = json!(author);
        }
        if let Some(token) = uploads {
            comment["uploads"] = json!([token]);
        }
        let call = Call::write(
            Method::PUT,
            format!("/tickets/{n}.json"),
            "/tickets/{id}.json",
            Some(json!({ "ticket": { "comment": comment } })),
        )
        .not_found(Resource::Ticket, &input.ticket_id);
        let reply = self.send(&call).await?;
        let answer: TicketAudit = self.decode(call.template, &reply.body)?;
        let id = answer
            .audit
            .and_then(|a| a.events.into_iter().find(|e| e.kind.as_deref() == Some("Comment")).and_then(|e| e.id))
            .ok_or_else(|| Error::decode(call.template, "the update's audit holds no Comment event"))?;
        self.find_comment(n, &input.ticket_id, id).await
    }
}
