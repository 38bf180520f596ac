//! messages (public) and notes (private) as [`Comments`].

use std::collections::VecDeque;

use async_trait::async_trait;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use unidesk_core::{
    Comment, CommentCreate, Comments, Cursor, Error, FieldError, Id, ListQuery, Page, Resource, Result, Tickets,
};

use crate::ADAPTER;
use crate::client::{Call, KustomerClient};
use crate::decode::DecodeOptions;
use crate::descriptor::{KustomerResource, Messages, Notes};
use crate::list::{PageFacts, Source, check_progress, count_empty};
use crate::map::reverse;
use crate::paths;

/// Position in a ticket's messages and notes: page, items already taken from it, exhausted,
/// and the first and last id of the page before `p` (to spot a server serving a page again).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct SidePos {
    p: u32,
    s: usize,
    d: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    f: Option<[String; 2]>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct MergeState {
    m: SidePos,
    n: SidePos,
}

/// One of the two listings merged for a ticket.
struct Side<'a> {
    client: &'a KustomerClient,
    query: &'a ListQuery,
    source: Source<Comment>,
    pos: SidePos,
    size: u32,
    raw: bool,
    buffer: VecDeque<Comment>,
    loaded: bool,
    has_next: bool,
    /// First and last id of page `pos.p`, once loaded.
    mark: Option<[String; 2]>,
}

impl Side<'_> {
    async fn fill(&mut self) -> Result<()> {
        let mut empty = 0;
        while self.buffer.is_empty() && !self.pos.d {
            if self.loaded {
                if !self.has_next {
                    self.pos.d = true;
                    break;
                }
                self.pos.p = self.pos.p.saturating_add(1);
                self.pos.s = 0;
                if let Some(mark) = self.mark.take() {
                    self.pos.f = Some(mark);
                }
            }
            let call = self.source.endpoint.call(self.query, self.pos.p, self.size, None);
            let resp = self.client.send(&call).await?;
            let opts = DecodeOptions { include_remote_data: self.raw, base_url: "" };
            let page = (self.source.decode)(&resp.body, call.template, opts)?;
            self.mark = check_progress(&PageFacts::of(&page), self.pos.p, self.pos.f.as_ref())?;
            empty = count_empty(empty, page.items.len(), page.has_next)?;
            self.loaded = true;
            self.has_next = page.has_next;
            self.buffer = page.items.into_iter().skip(self.pos.s).collect();
        }
        Ok(())
    }

    fn pop(&mut self) -> Option<Comment> {
        let c = self.buffer.pop_front()?;
        self.pos.s += 1;
        Some(c)
    }
}

fn key(c: &Comment) -> (Option<chrono::DateTime<chrono::Utc>>, &str) {
    (c.created_at, c.id.as_str())
}

impl KustomerClient {
    /// A ticket's messages and notes interleaved by creation time, behind one cursor.
    async fn ticket_comments(&self, ticket: &Id, query: &ListQuery) -> Result<Page<Comment>> {
        let fingerprint = query.fingerprint(Resource::Comment);
        let start = SidePos { p: 1, s: 0, d: false, f: None };
        let state = match &query.cursor {
            Some(c) => c.decode::<MergeState>(ADAPTER, &fingerprint)?,
            None => MergeState { m: start.clone(), n: start },
        };
        if state.m.p == 0 || state.n.p == 0 {
            return Err(Error::invalid_cursor("page out of range"));
        }
        let size =
            query.effective_page_size(self.default_page_size(), Messages::MAX_PAGE_SIZE.min(Notes::MAX_PAGE_SIZE))?;
        let side = |source, pos| Side {
            client: self,
            query,
            source,
            pos,
            size,
            raw: query.include_remote_data,
            buffer: VecDeque::new(),
            loaded: false,
            has_next: false,
            mark: None,
        };
        // Message pages side-load their attachments (as `Messages` says).
        let mut m = side(Source::under::<Messages>(&paths::CONVERSATION_MESSAGES, &[ticket]), state.m.clone());
        let mut n = side(Source::under::<Notes>(&paths::CONVERSATION_NOTES, &[ticket]), state.n.clone());
        let mut items = Vec::new();
        loop {
            m.fill().await?;
            n.fill().await?;
            if items.len() >= size as usize {
                break;
            }
            let take_message = match (m.buffer.front(), n.buffer.front()) {
                (Some(a), Some(b)) => key(a) <= key(b),
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            let next = if take_message { m.pop() } else { n.pop() };
            if let Some(mut c) = next {
                c.ticket_id.get_or_insert_with(|| ticket.to_string());
                items.push(c);
            }
        }
        let more = !m.buffer.is_empty() || !n.buffer.is_empty();
        items.retain(|c| query.matches_times(c.created_at, c.updated_at));
        let next_cursor = if more {
            Some(Cursor::encode(ADAPTER, &fingerprint, &MergeState { m: m.pos.clone(), n: n.pos.clone() })?)
        } else {
            None
        };
        Ok(Page { items, next_cursor })
    }
}

#[async_trait]
impl Comments for KustomerClient {
    async fn list(&self, query: &ListQuery) -> Result<Page<Comment>> {
        if let Some(t) = &query.ticket_id {
            if query.include_deleted {
                return Err(crate::list::deleted_under_another_record());
            }
            let ticket = Id::parse(t)?;
            return self.ticket_comments(&ticket, query).await;
        }
        // All messages, then all notes; message pages side-load their attachments. Filtered on
        // time or with deleted records, both come from the search API.
        let sources = [Source::of::<Messages>(query), Source::of::<Notes>(query)];
        self.list_sources(Resource::Comment, query, &sources).await
    }

    /// Looks the id up as a message, then as a note.
    async fn get(&self, id: &str, include_remote_data: bool) -> Result<Comment> {
        match self.get_resource::<Messages>(id, include_remote_data).await {
            Err(Error::NotFound { .. }) => self.get_resource::<Notes>(id, include_remote_data).await,
            found_or_failed => found_or_failed,
        }
    }

    async fn create(&self, input: &CommentCreate) -> Result<Comment> {
        let ticket = Id::parse(&input.ticket_id)?;
        if input.body.trim().is_empty() {
            return Err(Error::Validation {
                message: "body: must not be empty".into(),
                field_errors: vec![FieldError { field: Some("body".into()), message: "must not be empty".into() }],
            });
        }
        if input.is_private && !input.attachments.is_empty() {
            return Err(Error::Validation {
                message: "attachments: Kustomer notes take no attachments; send a public reply".into(),
                field_errors: vec![FieldError {
                    field: Some("attachments".into()),
                    message: "not allowed on a private comment".into(),
                }],
            });
        }
        let mut comment = if input.is_private {
            let body = Some(reverse::note_create(input));
            let call = Call::write_at(Method::POST, &paths::CONVERSATION_NOTES, &[&ticket], body)
                .not_found(Resource::Ticket, ticket.as_str());
            self.fetch::<Notes>(&call, false).await?
        } else {
            let channel =
                match &input.channel {
                    Some(c) => c.clone(),
                    None => Tickets::get(self, ticket.as_str(), false).await?.channels.into_iter().next().ok_or_else(
                        || Error::Validation {
                            message: "channel: the ticket has no channel; give one".into(),
                            field_errors: vec![FieldError {
                                field: Some("channel".into()),
                                message: "required".into(),
                            }],
                        },
                    )?,
                };
            let mut uploaded = Vec::with_capacity(input.attachments.len());
            for file in &input.attachments {
                uploaded.push(self.upload_attachment(file).await?);
            }
            let body = Some(reverse::message_create(input, &channel, &uploaded));
            let call = Call::write_at(Method::POST, &paths::CONVERSATION_MESSAGES, &[&ticket], body)
                .not_found(Resource::Ticket, ticket.as_str())
                .object(format!("conversation:{ticket}"));
            let mut message = self.fetch::<Messages>(&call, false).await?;
            fill_uploaded(&mut message, &uploaded, &input.attachments);
            message
        };
        comment.ticket_id.get_or_insert_with(|| ticket.to_string());
        Ok(comment)
    }
}

/// Completes `comment`'s attachments from what was uploaded: the answer to a message create may
/// name its attachments without side-loading them (or not name them at all) [U].
fn fill_uploaded(comment: &mut Comment, ids: &[String], files: &[unidesk_core::AttachmentUpload]) {
    for (id, file) in ids.iter().zip(files) {
        let at = match comment.attachments.iter().position(|a| &a.id == id) {
            Some(at) => at,
            None => {
                comment.attachments.push(unidesk_core::Attachment { id: id.clone(), ..Default::default() });
                comment.attachments.len() - 1
            }
        };
        let a = &mut comment.attachments[at];
        a.file_name.get_or_insert_with(|| file.file_name.clone());
        a.content_type.get_or_insert_with(|| file.content_type.clone());
        a.size_bytes.get_or_insert(file.bytes.len() as u64);
    }
}
