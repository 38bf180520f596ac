//! An RT ticket transaction (`Create`, `Correspond`, `Comment`) and its attachments → [`Comment`].

use std::collections::{HashMap, HashSet};

use serde_json::Value;
use unidesk_core::{Attachment, Comment, Direction};

use super::{Context, rt_time};
use crate::wire::{AttachmentItem, TransactionItem, parse_u64};

/// The transaction types that are messages; every other type (`EmailRecord`, `Status`, `Set`,
/// `AddWatcher`…) is history, not a comment.
pub(crate) const MESSAGE_TYPES: [&str; 3] = ["Create", "Correspond", "Comment"];

/// Which of a transaction's attachments hold its message: the first `text/plain` and the first
/// `text/html` part without a file name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BodyPart {
    /// The plain-text body's attachment id.
    pub plain: Option<u64>,
    /// The HTML body's attachment id.
    pub html: Option<u64>,
}

impl BodyPart {
    /// Picks the body parts among `parts` (one transaction's attachments, in id order).
    pub fn pick(parts: &[&AttachmentItem]) -> BodyPart {
        let mut out = BodyPart::default();
        for a in parts.iter().filter(|a| !is_file(a)) {
            let ct = a.content_type.as_deref().unwrap_or_default().to_ascii_lowercase();
            if out.plain.is_none() && ct.starts_with("text/plain") {
                out.plain = Some(a.id);
            } else if out.html.is_none() && ct.starts_with("text/html") {
                out.html = Some(a.id);
            }
        }
        out
    }
}

fn is_file(a: &AttachmentItem) -> bool {
    a.filename.as_deref().is_some_and(|f| !f.trim().is_empty())
}

/// The addresses in the `name:` header lines of `headers` (RFC 5322: folded lines joined,
/// `Display Name <addr>` and bare `addr` forms, commas inside quotes kept apart), each once.
pub fn header_addresses(headers: &str, name: &str) -> Vec<String> {
    let mut unfolded: Vec<String> = Vec::new();
    for line in headers.lines() {
        match (line.starts_with([' ', '\t']), unfolded.last_mut()) {
            (true, Some(prev)) => {
                prev.push(' ');
                prev.push_str(line.trim());
            }
            _ => unfolded.push(line.to_owned()),
        }
    }
    let mut out: Vec<String> = Vec::new();
    for line in &unfolded {
        let Some((key, value)) = line.split_once(':') else { continue };
        if !key.trim().eq_ignore_ascii_case(name) {
            continue;
        }
        let (mut parts, mut cur, mut quoted, mut angle) = (Vec::new(), String::new(), false, false);
        for c in value.chars() {
            match c {
                '"' if !angle => quoted = !quoted,
                '<' if !quoted => angle = true,
                '>' if !quoted => angle = false,
                ',' if !quoted && !angle => {
                    parts.push(std::mem::take(&mut cur));
                    continue;
                }
                _ => {}
            }
            cur.push(c);
        }
        parts.push(cur);
        for part in parts {
            let addr = match (part.rfind('<'), part.rfind('>')) {
                (Some(a), Some(b)) if a < b => part[a + 1..b].trim().to_owned(),
                _ => part.trim().trim_matches('"').to_owned(),
            };
            if addr.contains('@') && !addr.chars().any(char::is_whitespace) && !out.contains(&addr) {
                out.push(addr);
            }
        }
    }
    out
}

/// Maps one message transaction. `parts` are its attachments (id order), `contents` the decoded
/// bodies by attachment id, `privileged` the ids of RT's privileged users (agents), `rest` the
/// REST root for attachment URLs.
pub fn comment(
    tx: &TransactionItem,
    parts: &[&AttachmentItem],
    contents: &HashMap<u64, String>,
    privileged: &HashSet<u64>,
    rest: &str,
    raw: &Value,
    ctx: &Context<'_>,
) -> Result<Comment, String> {
    let kind = tx.kind.as_deref().unwrap_or_default();
    if !MESSAGE_TYPES.contains(&kind) {
        return Err(format!("transaction {} is a {kind:?}, not a message", tx.id));
    }
    let ticket_id = tx.object_id.as_deref().and_then(parse_u64).ok_or("the transaction's ticket id is not a number")?;
    let creator = match &tx.creator {
        Some(c) if !matches!(c.name.as_deref(), Some("RT_System" | "Nobody")) => {
            Some(c.number().ok_or("the transaction's creator id is not a number")?)
        }
        _ => None,
    };
    let agent = creator.is_some_and(|c| privileged.contains(&c));
    let is_private = kind == "Comment";
    let direction = match (is_private, creator) {
        (true, _) | (false, None) => None,
        (false, Some(_)) if agent => Some(Direction::Outbound),
        (false, Some(_)) => Some(Direction::Inbound),
    };
    let body = BodyPart::pick(parts);
    let created = rt_time(tx.created.as_deref())?;
    // The message's top part (its lowest attachment id) carries the subject and the mail headers.
    let top = parts.iter().min_by_key(|a| a.id);
    let headers = top.and_then(|a| a.headers.as_deref()).unwrap_or_default();
    Ok(Comment {
        id: tx.id.to_string(),
        ticket_id: Some(ticket_id.to_string()),
        subject: top.and_then(|a| a.subject.as_deref()).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned),
        body: body.plain.and_then(|id| contents.get(&id).cloned()),
        html_body: body.html.and_then(|id| contents.get(&id).cloned()),
        is_private,
        direction,
        // RT records no channel on a transaction (web, REST and mail look alike).
        channel: None,
        author_user_id: creator.filter(|_| agent).map(|c| c.to_string()),
        author_contact_id: creator.filter(|_| !agent).map(|c| c.to_string()),
        // As the message itself recorded them (mail that came in); RT's own outgoing mail is
        // recorded on separate EmailRecord transactions, which are not comments.
        to: header_addresses(headers, "To"),
        cc: header_addresses(headers, "Cc"),
        attachments: parts
            .iter()
            .filter(|a| is_file(a))
            .map(|a| Attachment {
                id: a.id.to_string(),
                file_name: a.filename.clone(),
                content_type: a.content_type.clone().filter(|c| !c.is_empty()),
                size_bytes: a.content_length.as_deref().and_then(parse_u64),
                url: Some(format!("{rest}/attachment/{}", a.id)),
            })
            .collect(),
        created_at: created,
        // Transactions never change.
        updated_at: created,
        // Messages of deleted tickets are not listed.
        remote_was_deleted: false,
        remote_data: ctx.include_remote_data.then(|| raw.clone()),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn ctx() -> Context<'static> {
        Context { web: "http://rt.test", tags_field: None, external_id_field: None, include_remote_data: true }
    }

    fn tx(kind: &str, creator: Value) -> (TransactionItem, Value) {
        let v = json!({"id": "64", "Type": kind, "Created": "2026-11-24T20:35:38Z", "Creator": creator,
                        "ObjectType": "RT::Ticket", "ObjectId": "2"});
        (serde_json::from_value(v.clone()).expect("tx"), v)
    }

    fn att(v: Value) -> AttachmentItem {
        serde_json::from_value(v).expect("attachment")
    }

    #[test]
    fn a_reply_with_files_keeps_bodies_files_and_author() {
        let (t, raw) = tx("Correspond", json!({"id": 14, "Name": "root"}));
        let parts = [
            att(
                json!({"id": "17", "TransactionId": "64", "ContentType": "multipart/mixed", "Filename": "", "Subject": "Re: facture",
                       "Headers": "To: \"Doe, Jane\" <jane@example.com>,\n bob@example.com\nCc: <ops@example.com>\nSubject: Re: facture"}),
            ),
            att(json!({"id": "18", "TransactionId": "64", "ContentType": "text/html", "Filename": ""})),
            att(
                json!({"id": "19", "TransactionId": "64", "ContentType": "text/plain", "Filename": "a b.txt", "ContentLength": "5"}),
            ),
            att(
                json!({"id": "20", "TransactionId": "64", "ContentType": "application/octet-stream", "Filename": "x.bin", "ContentLength": "4"}),
            ),
        ];
        let refs: Vec<&AttachmentItem> = parts.iter().collect();
        let contents = HashMap::from([(18, "Réponse <b>html</b>".to_owned())]);
        let c =
            comment(&t, &refs, &contents, &HashSet::from([14]), "http://rt.test/REST/2.0", &raw, &ctx()).expect("maps");
        assert_eq!(c.ticket_id.as_deref(), Some("2"));
        assert!(!c.is_private);
        assert_eq!(c.direction, Some(Direction::Outbound));
        assert_eq!(c.author_user_id.as_deref(), Some("14"));
        assert!(c.author_contact_id.is_none());
        assert!(c.body.is_none(), "a text/plain file is not the body");
        assert_eq!(c.html_body.as_deref(), Some("Réponse <b>html</b>"));
        let names: Vec<_> = c.attachments.iter().map(|a| a.file_name.clone().unwrap_or_default()).collect();
        assert_eq!(names, ["a b.txt", "x.bin"]);
        assert_eq!(c.attachments[1].size_bytes, Some(4));
        assert_eq!(c.attachments[1].url.as_deref(), Some("http://rt.test/REST/2.0/attachment/20"));
        assert_eq!(c.created_at, c.updated_at);
        assert!(c.remote_data.is_some());
        assert_eq!(c.subject.as_deref(), Some("Re: facture"));
        assert_eq!(c.to, ["jane@example.com", "bob@example.com"]);
        assert_eq!(c.cc, ["ops@example.com"]);
    }

    #[test]
    fn header_addresses_read_every_form_once() {
        let h = "From: a@x\nTO: \"Last, First\" <first@example.com>, plain@example.com,\n\t<first@example.com>\nX-Cc: no@example.com\nCc: undisclosed-recipients:;";
        assert_eq!(header_addresses(h, "to"), ["first@example.com", "plain@example.com"]);
        assert!(header_addresses(h, "cc").is_empty());
        assert!(header_addresses("", "To").is_empty());
    }

    #[test]
    fn notes_are_private_and_customers_write_inbound() {
        let (t, raw) = tx("Comment", json!({"id": 14, "Name": "root"}));
        let c = comment(&t, &[], &HashMap::new(), &HashSet::from([14]), "", &raw, &ctx()).expect("maps");
        assert!(c.is_private && c.direction.is_none() && c.body.is_none());
        let (t, raw) = tx("Create", json!({"id": 31, "Name": "alice@example.com"}));
        let c = comment(&t, &[], &HashMap::new(), &HashSet::from([14]), "", &raw, &ctx()).expect("maps");
        assert_eq!(c.direction, Some(Direction::Inbound));
        assert_eq!(c.author_contact_id.as_deref(), Some("31"));
        let (t, raw) = tx("Correspond", json!({"id": 1, "Name": "RT_System"}));
        let c = comment(&t, &[], &HashMap::new(), &HashSet::new(), "", &raw, &ctx()).expect("maps");
        assert!(c.author_contact_id.is_none() && c.author_user_id.is_none() && c.direction.is_none());
    }

    #[test]
    fn history_entries_are_not_comments() {
        let (t, raw) = tx("EmailRecord", json!({"id": 1, "Name": "RT_System"}));
        assert!(comment(&t, &[], &HashMap::new(), &HashSet::new(), "", &raw, &ctx()).is_err());
    }
}
