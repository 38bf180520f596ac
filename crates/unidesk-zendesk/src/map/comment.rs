//! Zendesk ticket comment → [`Comment`].

use std::collections::HashMap;

use serde_json::Value;
use unidesk_core::{Attachment, Comment, Direction};

use super::{id_text, non_blank, opt_id};
use crate::wire;

/// What a comment record does not say itself: its ticket, and its authors' roles (from the
/// `users` side-loaded with the page).
#[derive(Debug, Clone, Copy)]
pub struct CommentContext<'a> {
    /// The ticket the comments belong to.
    pub ticket_id: i64,
    /// Author id → role (`end-user`, `agent`, `admin`).
    pub roles: &'a HashMap<i64, String>,
}

/// Maps a comment. A private comment is a note (no direction); a public one is inbound when an
/// end-user wrote it and outbound when an agent or admin did. An author whose role the page
/// does not give is left out of both author fields (its id stays in `remote_data`).
pub fn comment(c: &wire::Comment, raw: Option<Value>, ctx: CommentContext<'_>) -> Comment {
    let role = c.author_id.and_then(|a| ctx.roles.get(&a)).map(String::as_str);
    let by_end_user = role.map(|r| r == "end-user");
    let author = opt_id(c.author_id);
    Comment {
        id: id_text(c.id),
        ticket_id: Some(id_text(ctx.ticket_id)),
        subject: None,
        body: non_blank(&c.plain_body).or_else(|| c.body.clone()),
        html_body: c.html_body.clone(),
        is_private: !c.public,
        direction: match (c.public, by_end_user) {
            (true, Some(true)) => Some(Direction::Inbound),
            (true, Some(false)) => Some(Direction::Outbound),
            _ => None,
        },
        channel: c.via.channel(),
        author_user_id: author.clone().filter(|_| by_end_user == Some(false)),
        author_contact_id: author.filter(|_| by_end_user == Some(true)),
        to: Vec::new(),
        cc: Vec::new(),
        attachments: c
            .attachments
            .iter()
            .map(|a| Attachment {
                id: id_text(a.id),
                file_name: a.file_name.clone(),
                content_type: a.content_type.clone(),
                size_bytes: a.size,
                url: a.content_url.clone(),
            })
            .collect(),
        created_at: c.created_at,
        // Comments do not change once written (a redaction is not timestamped).
        updated_at: c.created_at,
        remote_was_deleted: false,
        remote_data: raw,
    }
}
