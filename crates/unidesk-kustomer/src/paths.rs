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
/// `GET`, `PUT` (`?replace=true`: full replacement), `PATCH`, `DELETE`: one conversation.
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
/// `GET`, `POST`: messages.
pub(crate) const MESSAGES: PathTemplate = PathTemplate("/v1/messages");
/// `GET`: one message.
pub(crate) const MESSAGE: PathTemplate = PathTemplate("/v1/messages/{id}");
/// `GET`: notes.
pub(crate) const NOTES: PathTemplate = PathTemplate("/v1/notes");
/// `GET`, `PATCH`, `DELETE`: one note (a conversation's or a customer's).
pub(crate) const NOTE: PathTemplate = PathTemplate("/v1/notes/{id}");
/// `GET`, `POST`: customers.
pub(crate) const CUSTOMERS: PathTemplate = PathTemplate("/v1/customers");
/// `GET`, `PUT` (`?replace=true`: full replacement), `PATCH`, `DELETE`: one customer.
pub(crate) const CUSTOMER: PathTemplate = PathTemplate("/v1/customers/{id}");
/// `GET`, `POST`: a customer's conversations.
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
/// `GET`, `POST` (an invitation): users.
pub(crate) const USERS: PathTemplate = PathTemplate("/v1/users");
/// `GET`, `PUT` [U: PUT or PATCH]: one user; several with comma-separated ids.
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

// Typed calls outside the normalized traits (`crate::extra`). [U] marks a path no public
// source settles (see docs/mapping-kustomer.md).

/// `GET`: a customer's notes.
pub(crate) const CUSTOMER_NOTES: PathTemplate = PathTemplate("/v1/customers/{id}/notes");
/// `GET`, `POST`: klasses (custom object types).
pub(crate) const KLASSES: PathTemplate = PathTemplate("/v1/klasses");
/// `GET`, `PUT`, `DELETE`: one klass by id.
pub(crate) const KLASS: PathTemplate = PathTemplate("/v1/klasses/{id}");
/// `GET` (paged, `fromDate`), `POST`: the KObjects of klass `{name}`.
pub(crate) const KOBJECTS: PathTemplate = PathTemplate("/v1/klasses/{name}");
/// `GET`, `PUT`, `DELETE`: one KObject of klass `{name}`.
pub(crate) const KOBJECT: PathTemplate = PathTemplate("/v1/klasses/{name}/{id}");
/// `GET`, `POST`: a customer's KObjects of klass `{name}`.
pub(crate) const CUSTOMER_KOBJECTS: PathTemplate = PathTemplate("/v1/customers/{id}/klasses/{name}");
/// `GET`: a company's KObjects of klass `{name}` [U].
pub(crate) const COMPANY_KOBJECTS: PathTemplate = PathTemplate("/v1/companies/{id}/klasses/{name}");
/// `GET` (`resourceType`), `POST`: sub-statuses.
pub(crate) const SUB_STATUSES: PathTemplate = PathTemplate("/v1/sub-statuses");
/// `GET`, `PUT` [U: PUT or PATCH], `DELETE`: one sub-status.
pub(crate) const SUB_STATUS: PathTemplate = PathTemplate("/v1/sub-statuses/{id}");
/// `POST` (create), `PUT` (update), `DELETE ?ids=` (delete [U]): conversations in bulk.
pub(crate) const CONVERSATIONS_BULK: PathTemplate = PathTemplate("/v1/conversations/bulk");
/// `GET`: one bulk operation's status (`status`, `batches.complete`/`batches.total`).
pub(crate) const BULK: PathTemplate = PathTemplate("/v1/bulk/{id}");
/// `GET`: one bulk operation's batches, with per-item results.
pub(crate) const BULK_BATCHES: PathTemplate = PathTemplate("/v1/bulk/{id}/batches");
/// `GET` (cursor paging: `count`, `before`, `filter[…]`): the org's audit log.
pub(crate) const AUDIT_LOGS: PathTemplate = PathTemplate("/v1/audit-logs");
/// `GET`, `POST`: outbound webhooks.
pub(crate) const OUTBOUND_WEBHOOKS: PathTemplate = PathTemplate("/v1/outbound-webhooks");
/// `GET`, `PUT` [U], `DELETE`: one outbound webhook.
pub(crate) const OUTBOUND_WEBHOOK: PathTemplate = PathTemplate("/v1/outbound-webhooks/{id}");
/// `GET`: the customer with this phone number.
pub(crate) const CUSTOMER_BY_PHONE: PathTemplate = PathTemplate("/v1/customers/phone={phone}");
/// `GET`, `POST`: a customer's drafts.
pub(crate) const CUSTOMER_DRAFTS: PathTemplate = PathTemplate("/v1/customers/{id}/drafts");
/// `GET`: a conversation's drafts [U].
pub(crate) const CONVERSATION_DRAFTS: PathTemplate = PathTemplate("/v1/conversations/{id}/drafts");
/// `GET`, `PUT`, `DELETE` [U]: one draft.
pub(crate) const DRAFT: PathTemplate = PathTemplate("/v1/drafts/{id}");

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
            CUSTOMER_NOTES,
            KLASSES,
            KLASS,
            KOBJECTS,
            KOBJECT,
            CUSTOMER_KOBJECTS,
            COMPANY_KOBJECTS,
            SUB_STATUSES,
            SUB_STATUS,
            CONVERSATIONS_BULK,
            BULK,
            BULK_BATCHES,
            AUDIT_LOGS,
            OUTBOUND_WEBHOOKS,
            OUTBOUND_WEBHOOK,
            CUSTOMER_BY_PHONE,
            CUSTOMER_DRAFTS,
            CONVERSATION_DRAFTS,
            DRAFT,
        ] {
            assert!(t.template().starts_with("/v1/"), "{t:?}");
            assert_eq!(t.template().matches('{').count(), t.template().matches('}').count(), "{t:?}");
            assert!(t.placeholders() <= 2, "{t:?}");
            let filled = t.fill_text(&vec!["x"; t.placeholders()]);
            assert!(!filled.contains('{') && !filled.contains('}'), "{filled}");
        }
    }
}
