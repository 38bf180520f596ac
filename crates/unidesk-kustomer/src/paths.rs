//! Every Kustomer path the adapter calls, spelled once.
//!
//! A [`PathTemplate`] is the path with `{…}` placeholders, as traces show it
//! (`/v1/conversations/{id}`). [`PathTemplate::fill`] renders it with validated
//! [`Id`]s, each percent-encoded as one path segment; this is the only place a
//! request path is built from a template.

use unidesk_core::Id;

/// A Kustomer path with `{…}` placeholders, filled in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PathTemplate(pub(crate) &'static str);

impl PathTemplate {
    /// The template itself, for tracing and error contexts (`/v1/conversations/{id}`).
    pub(crate) const fn template(&self) -> &'static str {
        self.0
    }

    /// The path with each placeholder replaced by the next of `ids`, percent-encoded.
    pub(crate) fn fill(&self, ids: &[&Id]) -> String {
        let values: Vec<&str> = ids.iter().map(|id| id.as_str()).collect();
        self.fill_text(&values)
    }

    /// The path with each placeholder replaced by the next of `values`, percent-encoded: for
    /// values that are not ids (an email or external id to look up).
    pub(crate) fn fill_text(&self, values: &[&str]) -> String {
        debug_assert_eq!(self.placeholders(), values.len(), "{}: placeholders and values differ", self.0);
        let mut out = String::with_capacity(self.0.len() + values.iter().map(|v| v.len()).sum::<usize>());
        let mut values = values.iter();
        let mut rest = self.0;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else { break };
            out.push_str(&rest[..open]);
            if let Some(v) = values.next() {
                out.push_str(&encode_segment(v));
            }
            rest = &rest[open + close + 1..];
        }
        out.push_str(rest);
        out
    }

    /// How many `{…}` placeholders the template has.
    fn placeholders(&self) -> usize {
        self.0.matches('{').count()
    }
}

/// Percent-encodes a value for use inside one path segment (RFC 3986 unreserved kept).
pub(crate) fn encode_segment(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for b in raw.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `GET`, `POST`: conversations.
pub(crate) const CONVERSATIONS: PathTemplate = PathTemplate("/v1/conversations");
/// `GET`, `PATCH`, `DELETE`: one conversation.
pub(crate) const CONVERSATION: PathTemplate = PathTemplate("/v1/conversations/{id}");
/// `GET`, `POST`: a conversation's messages.
pub(crate) const CONVERSATION_MESSAGES: PathTemplate = PathTemplate("/v1/conversations/{id}/messages");
/// `GET`, `POST`: a conversation's notes.
pub(crate) const CONVERSATION_NOTES: PathTemplate = PathTemplate("/v1/conversations/{id}/notes");
/// `POST`, `DELETE`: tags on a conversation.
pub(crate) const CONVERSATION_TAGS: PathTemplate = PathTemplate("/v1/conversations/{id}/tags");
/// `POST`: a new attachment, answered with the form to upload its content (`meta.upload`).
pub(crate) const ATTACHMENTS: PathTemplate = PathTemplate("/v1/attachments");
/// `GET`: one attachment, its content's presigned URL in `links.related`.
pub(crate) const ATTACHMENT: PathTemplate = PathTemplate("/v1/attachments/{id}");
/// `GET`: messages.
pub(crate) const MESSAGES: PathTemplate = PathTemplate("/v1/messages");
/// `GET`: one message.
pub(crate) const MESSAGE: PathTemplate = PathTemplate("/v1/messages/{id}");
/// `GET`: notes.
pub(crate) const NOTES: PathTemplate = PathTemplate("/v1/notes");
/// `GET`: one note.
pub(crate) const NOTE: PathTemplate = PathTemplate("/v1/notes/{id}");
/// `GET`, `POST`: customers.
pub(crate) const CUSTOMERS: PathTemplate = PathTemplate("/v1/customers");
/// `GET`, `PATCH`, `DELETE`: one customer.
pub(crate) const CUSTOMER: PathTemplate = PathTemplate("/v1/customers/{id}");
/// `GET`: a customer's conversations.
pub(crate) const CUSTOMER_CONVERSATIONS: PathTemplate = PathTemplate("/v1/customers/{id}/conversations");
/// `GET`: the customer with this email.
pub(crate) const CUSTOMER_BY_EMAIL: PathTemplate = PathTemplate("/v1/customers/email={email}");
/// `GET`: the customer with this external id.
pub(crate) const CUSTOMER_BY_EXTERNAL_ID: PathTemplate = PathTemplate("/v1/customers/externalId={externalId}");
/// `POST`: the search API (every query context).
pub(crate) const SEARCH: PathTemplate = PathTemplate("/v1/customers/search");
/// `GET`, `POST`: companies.
pub(crate) const COMPANIES: PathTemplate = PathTemplate("/v1/companies");
/// `GET`, `PUT`: one company.
pub(crate) const COMPANY: PathTemplate = PathTemplate("/v1/companies/{id}");
/// `GET`: users.
pub(crate) const USERS: PathTemplate = PathTemplate("/v1/users");
/// `GET`: one user.
pub(crate) const USER: PathTemplate = PathTemplate("/v1/users/{id}");
/// `GET`: teams.
pub(crate) const TEAMS: PathTemplate = PathTemplate("/v1/teams");
/// `GET`: one team.
pub(crate) const TEAM: PathTemplate = PathTemplate("/v1/teams/{id}");
/// `GET`: tags.
pub(crate) const TAGS: PathTemplate = PathTemplate("/v1/tags");
/// `GET`: one tag.
pub(crate) const TAG: PathTemplate = PathTemplate("/v1/tags/{id}");
/// `GET`: the custom-attribute definitions of a resource (`conversation`, `customer`,
/// `company`, `message`).
pub(crate) const METADATA: PathTemplate = PathTemplate("/v1/metadata/{resource}");

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> Id {
        Id::parse(s).expect("a valid id")
    }

    #[test]
    fn ids_fill_placeholders_and_the_template_stays() {
        let c = id("5c9a1d6f3e2b4a0012345678");
        assert_eq!(CONVERSATION.fill(&[&c]), "/v1/conversations/5c9a1d6f3e2b4a0012345678");
        assert_eq!(CONVERSATION_NOTES.fill(&[&c]), "/v1/conversations/5c9a1d6f3e2b4a0012345678/notes");
        assert_eq!(CONVERSATION_NOTES.template(), "/v1/conversations/{id}/notes");
        assert_eq!(CONVERSATIONS.fill(&[]), "/v1/conversations");
        assert_eq!(METADATA.fill_text(&["conversation"]), "/v1/metadata/conversation");
    }

    #[test]
    fn values_are_percent_encoded_as_one_segment() {
        assert_eq!(CUSTOMER.fill(&[&id("a:b=c@d+é")]), "/v1/customers/a%3Ab%3Dc%40d%2B%C3%A9");
        assert_eq!(CUSTOMER_BY_EMAIL.fill_text(&["a+b@c.io"]), "/v1/customers/email=a%2Bb%40c.io");
        assert_eq!(CUSTOMER_BY_EXTERNAL_ID.fill_text(&["x/../y?z#"]), "/v1/customers/externalId=x%2F..%2Fy%3Fz%23");
        assert_eq!(encode_segment("AZaz09-._~ %"), "AZaz09-._~%20%25");
    }

    #[test]
    fn every_template_is_an_api_path_with_balanced_placeholders() {
        for t in [
            CONVERSATIONS,
            CONVERSATION,
            CONVERSATION_MESSAGES,
            CONVERSATION_NOTES,
            CONVERSATION_TAGS,
            MESSAGES,
            MESSAGE,
            NOTES,
            NOTE,
            CUSTOMERS,
            CUSTOMER,
            CUSTOMER_CONVERSATIONS,
            CUSTOMER_BY_EMAIL,
            CUSTOMER_BY_EXTERNAL_ID,
            SEARCH,
            COMPANIES,
            COMPANY,
            USERS,
            USER,
            TEAMS,
            TEAM,
            TAGS,
            TAG,
            METADATA,
        ] {
            assert!(t.template().starts_with("/v1/"), "{t:?}");
            assert_eq!(t.template().matches('{').count(), t.template().matches('}').count(), "{t:?}");
            assert!(t.placeholders() <= 1, "{t:?}");
            let filled = t.fill_text(&vec!["x"; t.placeholders()]);
            assert!(!filled.contains('{') && !filled.contains('}'), "{filled}");
        }
    }
}
