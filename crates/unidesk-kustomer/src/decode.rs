//! Kustomer response bodies → normalized records, without any HTTP.
//!
//! The same decoding the client applies to every response, exposed for
//! callers that receive Kustomer JSON another way (exports, queues, the
//! passthrough) and for the mapping snapshots and benchmarks. Each function
//! takes a whole body (`{"data": …}`); `*_list` functions take a list body
//! (`{"data": [ … ], "links": …}`). Malformed or truncated JSON is
//! [`unidesk_core::Error::Decode`] naming `context`; nothing panics.

use unidesk_core::{Account, Comment, Contact, Result, Tag, Team, Ticket, User};

use crate::list::{Decoded, decode_list, decode_one};
use crate::map;
use crate::wire::{
    CompanyAttrs, ConversationAttrs, CustomerAttrs, MessageAttrs, NoteAttrs, TagAttrs, TeamAttrs, UserAttrs,
};

/// Options for decoding: whether to keep the raw record, and the API base URL for links.
#[derive(Debug, Clone, Copy, Default)]
pub struct DecodeOptions<'a> {
    /// Keep the Kustomer record verbatim in `remote_data`.
    pub include_remote_data: bool,
    /// The API base URL, used to build `ticket_url` (empty: no URL).
    pub base_url: &'a str,
}

macro_rules! decoders {
    ($( $one:ident, $list:ident, $page:ident, $attrs:ty, $out:ty, |$o:ident, $inc:ident, $r:ident, $base:ident| $map:expr; )*) => {$(
        #[doc = concat!("One `", stringify!($out), "` from a single-record body.")]
        pub fn $one(bytes: &[u8], context: &str, opts: DecodeOptions<'_>) -> Result<$out> {
            let $base = opts.base_url;
            decode_one::<$attrs, _>(bytes, context, opts.include_remote_data, |$o, $inc, $r| $map)
        }
        #[doc = concat!("Every `", stringify!($out), "` in a list body, in order.")]
        pub fn $list(bytes: &[u8], context: &str, opts: DecodeOptions<'_>) -> Result<Vec<$out>> {
            $page(bytes, context, opts.include_remote_data, opts.base_url).map(|d| d.items)
        }
        /// A list body as a listing source decodes it: the records and whether `links.next` is set.
        pub(crate) fn $page(bytes: &[u8], context: &str, raw: bool, $base: &str) -> Result<Decoded<$out>> {
            decode_list::<$attrs, _>(bytes, context, raw, |$o, $inc, $r| $map)
        }
    )*};
}

decoders! {
    conversation, conversations, conversations_page, ConversationAttrs, Ticket, |o, _i, r, base| map::ticket(o, r, base);
    message, messages, messages_page, MessageAttrs, Comment, |o, i, r, _b| map::comment_from_message(o, i, r);
    note, notes, notes_page, NoteAttrs, Comment, |o, _i, r, _b| map::comment_from_note(o, r);
    customer, customers, customers_page, CustomerAttrs, Contact, |o, _i, r, _b| map::contact(o, r);
    company, companies, companies_page, CompanyAttrs, Account, |o, _i, r, _b| map::account(o, r);
    user, users, users_page, UserAttrs, User, |o, _i, r, _b| map::user(o, r);
    team, teams, teams_page, TeamAttrs, Team, |o, _i, r, _b| map::team(o, r);
    tag, tags, tags_page, TagAttrs, Tag, |o, _i, r, _b| map::tag(o, r);
}
