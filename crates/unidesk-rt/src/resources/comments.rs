//! Comments: a ticket's `Create`, `Correspond` and `Comment` transactions, found with
//! TransactionSQL (with or without a ticket) and keyed on the transaction id; bodies and file
//! metadata come from their attachments, read in two requests per page.

use std::collections::HashMap;

use async_trait::async_trait;
use reqwest::Method;
use serde_json::{Value, json};
use unidesk_core::{Comment, CommentCreate, Comments, Error, FieldError, ListQuery, Operation, Page, Resource, Result};

use super::tickets::location_id;
use super::{bad_record, rt_id, rt_number};
use crate::client::{Call, RtClient};
use crate::map::{self, BodyPart};
use crate::sql::Sql;
use crate::wire::{AttachmentItem, Collection, TransactionItem, parse_u64};

/// Transactions that are messages on a live ticket.
fn messages_on_tickets() -> Sql {
    Sql::new()
        .and("ObjectType = 'RT::Ticket'")
        .and("Type = 'Create' OR Type = 'Correspond' OR Type = 'Comment'")
        .and("TicketStatus != 'deleted'")
}

impl RtClient {
    /// Message transactions matching `sql`, in id order, at most `per_page`.
    async fn search_transactions(&self, sql: &Sql, per_page: usize) -> Result<Vec<(TransactionItem, Value)>> {
        let call = Call::get("/transactions", "/transactions")
            .query("query", sql.text())
            .query("orderby", "id")
            .query("order", "ASC")
            .query("per_page", per_page)
            .query("fields", "Type,Created,Creator,ObjectType,ObjectId")
            .query("fields[Creator]", "id,Name");
        let c: Collection = self.json(&call).await?;
        c.items.into_iter().map(|v| Ok((self.item::<TransactionItem>("/transactions", &v)?, v))).collect()
    }

    /// The attachments of `txs` (metadata only), then the bodies' text: two requests (more only
    /// past 100 attachments).
    async fn attachments(&self, txs: &[u64]) -> Result<(Vec<AttachmentItem>, HashMap<u64, String>)> {
        if txs.is_empty() {
            return Ok((Vec::new(), HashMap::new()));
        }
        let ids: Vec<String> = txs.iter().map(u64::to_string).collect();
        let meta = Call::get("/attachments", "/attachments")
            .query("query", Self::json_query(json!([{"field": "TransactionId", "operator": "IN", "value": ids}])))
            .query("orderby", "id")
            .query("fields", "TransactionId,ContentType,Filename,ContentLength,Subject,Headers");
        let items = self.all_pages(&meta).await?;
        let items: Vec<AttachmentItem> = items.iter().map(|v| self.item("/attachments", v)).collect::<Result<_>>()?;
        let mut by_tx: HashMap<u64, Vec<&AttachmentItem>> = HashMap::new();
        for a in &items {
            if let Some(t) = a.transaction_id.as_deref().and_then(parse_u64) {
                by_tx.entry(t).or_default().push(a);
            }
        }
        let wanted: Vec<String> = by_tx
            .values()
            .flat_map(|parts| {
                let b = BodyPart::pick(parts);
                [b.plain, b.html]
            })
            .flatten()
            .map(|id| id.to_string())
            .collect();
        let mut contents = HashMap::new();
        if !wanted.is_empty() {
            // Content in a collection is the decoded text: right for these text parts only.
            let call = Call::get("/attachments", "/attachments")
                .query("query", Self::json_query(json!([{"field": "id", "operator": "IN", "value": wanted}])))
                .query("orderby", "id")
                .query("fields", "Content");
            for v in self.all_pages(&call).await? {
                let a: AttachmentItem = self.item("/attachments", &v)?;
                contents.insert(a.id, a.content.unwrap_or_default());
            }
        }
        Ok((items, contents))
    }

    /// Maps message transactions with their attachments and authors.
    async fn comments_of(&self, txs: &[(TransactionItem, Value)], raw: bool) -> Result<Vec<Comment>> {
        if txs.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<u64> = txs.iter().map(|(t, _)| t.id).collect();
        let ((parts, contents), privileged) = futures::try_join!(self.attachments(&ids), self.privileged_ids())?;
        let ctx = self.ctx(raw);
        let rest = self.rest_url();
        txs.iter()
            .map(|(t, json)| {
                let mine: Vec<&AttachmentItem> =
                    parts.iter().filter(|a| a.transaction_id.as_deref().and_then(parse_u64) == Some(t.id)).collect();
                map::comment(t, &mine, &contents, &privileged, rest, json, &ctx)
                    .map_err(|why| bad_record("/transactions", why))
            })
            .collect()
    }

    async fn fetch_comment(&self, n: u64, raw: bool, id: &str) -> Result<Comment> {
        let txs = self.search_transactions(&messages_on_tickets().and(format!("id = {n}")), 1).await?;
        let txs: Vec<_> = txs.into_iter().filter(|(t, _)| t.id == n).collect();
        self.comments_of(&txs, raw).await?.into_iter().next().ok_or_else(|| Error::not_found(Resource::Comment, id))
    }
}

#[async_trait]
impl Comments for RtClient {
    async fn list(&self, q: &ListQuery) -> Result<Page<Comment>> {
        let size = self.page_size(q, Resource::Comment)?;
        let after: u64 = self.cursor_state(q, Resource::Comment)?.unwrap_or(0);
        let mut sql = messages_on_tickets().and(format!("id > {after}"));
        if let Some(t) = &q.ticket_id {
            match rt_number(t)? {
                Some(n) => sql = sql.and(format!("ObjectId = {n}")),
                None => return Ok(Page::last(Vec::new())),
            }
        }
        // Transactions never change: updated_at is created_at, and both filters bound `Created`.
        let since = match (q.updated_after, q.created_after) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        if since.is_some() {
            let mode = self.time_mode().await?;
            sql = sql.since("Created", since, mode);
        }
        let mut txs = self.search_transactions(&sql, size + 1).await?;
        let mut prev = after;
        for (t, _) in &txs {
            if t.id <= prev {
                return Err(Error::decode("/transactions", "RT returned transactions out of id order"));
            }
            prev = t.id;
        }
        let more = txs.len() > size;
        txs.truncate(size);
        let last = txs.last().map(|(t, _)| t.id);
        let items: Vec<Comment> = self
            .comments_of(&txs, q.include_remote_data)
            .await?
            .into_iter()
            .filter(|c| q.matches_times(c.created_at, c.updated_at))
            .collect();
        let next_cursor = match (more, last) {
            (true, Some(last)) => Some(self.next_cursor(q, Resource::Comment, last)?),
            _ => None,
        };
        Ok(Page { items, next_cursor })
    }

    async fn get(&self, id: &str, include_remote_data: bool) -> Result<Comment> {
        let n = rt_id(id, Resource::Comment)?;
        self.fetch_comment(n, include_remote_data, id).await
    }

    async fn create(&self, input: &CommentCreate) -> Result<Comment> {
        // Uploading files with a comment is not wired for RT yet (the capability report has no
        // `upload`): refused before anything is sent, never silently dropped.
        if !input.attachments.is_empty() {
            return Err(Error::unsupported(Resource::Comment, Operation::Upload, crate::ADAPTER));
        }
        let n = rt_id(&input.ticket_id, Resource::Ticket)?;
        let field_error = |field: &str, message: &str| Error::Validation {
            message: format!("{field}: {message}"),
            field_errors: vec![FieldError { field: Some(field.to_owned()), message: message.to_owned() }],
        };
        if input.body.trim().is_empty() && input.html_body.as_deref().is_none_or(|h| h.trim().is_empty()) {
            return Err(field_error("body", "a comment needs a body"));
        }
        if input.author_user_id.is_some() {
            return Err(field_error("author_user_id", "RT writes as the authenticated user; leave it empty"));
        }
        // One message per transaction: HTML when given (RT renders the text for mail), else text.
        let (content, content_type) = match input.html_body.as_deref().filter(|h| !h.trim().is_empty()) {
            Some(html) => (html, "text/html"),
            None => (input.body.as_str(), "text/plain"),
        };
        let (path, template) = if input.is_private {
            (format!("/ticket/{n}/comment"), "/ticket/{id}/comment")
        } else {
            (format!("/ticket/{n}/correspond"), "/ticket/{id}/correspond")
        };
        // A deleted ticket takes no comments.
        self.fetch_ticket(n, false, &input.ticket_id).await?;
        let body = json!({"Content": content, "ContentType": content_type});
        let call = Call::write(Method::POST, path, template, Some(body)).not_found(Resource::Ticket, &input.ticket_id);
        let reply = self.send(&call).await?;
        let tx = location_id(&reply.headers, "transaction").ok_or_else(|| {
            let said = super::messages(self, template, &reply.body).unwrap_or_default().join("; ");
            Error::Validation {
                message: format!("RT added no message: {}", self.secrets().safe(&said)),
                field_errors: Vec::new(),
            }
        })?;
        self.fetch_comment(tx, false, &tx.to_string()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_filter_excludes_history_and_deleted_tickets() {
        let text = messages_on_tickets().and("id > 5").text();
        assert_eq!(
            text,
            "(ObjectType = 'RT::Ticket') AND (Type = 'Create' OR Type = 'Correspond' OR Type = 'Comment') AND \
             (TicketStatus != 'deleted') AND (id > 5)"
        );
    }
}
