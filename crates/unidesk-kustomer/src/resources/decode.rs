//! Body decoders per Kustomer resource, usable as list sources.

use unidesk_core::{Account, Comment, Contact, Result, Tag, Team, Ticket, User};

use crate::list::{Decoded, decode_list};
use crate::map;
use crate::wire::{
    CompanyAttrs, ConversationAttrs, CustomerAttrs, MessageAttrs, NoteAttrs, TagAttrs, TeamAttrs, UserAttrs,
};

pub(crate) fn conversations(b: &[u8], ctx: &str, raw: bool, base: &str) -> Result<Decoded<Ticket>> {
    decode_list::<ConversationAttrs, _>(b, ctx, raw, |o, _, r| map::ticket(o, r, base))
}
pub(crate) fn messages(b: &[u8], ctx: &str, raw: bool, _: &str) -> Result<Decoded<Comment>> {
    decode_list::<MessageAttrs, _>(b, ctx, raw, map::comment_from_message)
}
pub(crate) fn notes(b: &[u8], ctx: &str, raw: bool, _: &str) -> Result<Decoded<Comment>> {
    decode_list::<NoteAttrs, _>(b, ctx, raw, |o, _, r| map::comment_from_note(o, r))
}
pub(crate) fn customers(b: &[u8], ctx: &str, raw: bool, _: &str) -> Result<Decoded<Contact>> {
    decode_list::<CustomerAttrs, _>(b, ctx, raw, |o, _, r| map::contact(o, r))
}
pub(crate) fn companies(b: &[u8], ctx: &str, raw: bool, _: &str) -> Result<Decoded<Account>> {
    decode_list::<CompanyAttrs, _>(b, ctx, raw, |o, _, r| map::account(o, r))
}
pub(crate) fn tags(b: &[u8], ctx: &str, raw: bool, _: &str) -> Result<Decoded<Tag>> {
    decode_list::<TagAttrs, _>(b, ctx, raw, |o, _, r| map::tag(o, r))
}
pub(crate) fn teams(b: &[u8], ctx: &str, raw: bool, _: &str) -> Result<Decoded<Team>> {
    decode_list::<TeamAttrs, _>(b, ctx, raw, |o, _, r| map::team(o, r))
}
pub(crate) fn users(b: &[u8], ctx: &str, raw: bool, _: &str) -> Result<Decoded<User>> {
    decode_list::<UserAttrs, _>(b, ctx, raw, |o, _, r| map::user(o, r))
}
