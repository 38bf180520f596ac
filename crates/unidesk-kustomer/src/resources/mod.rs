//! The resource trait impls for [`KustomerClient`].

mod accounts;
pub(crate) mod attachments;
mod comments;
mod contacts;
mod fields;
mod read_only;
mod tickets;
pub(crate) mod user_teams;

use unidesk_core::{Capabilities, Helpdesk, Id, ListQuery, Operation, Page, Resource, Result};

use crate::ADAPTER;
use crate::client::{Call, KustomerClient};
use crate::decode::{self, DecodeOptions};
use crate::descriptor::KustomerResource;
use crate::list::Source;

/// The resources whose Kustomer objects the search API lists (with `includeDeleted`) and
/// `GET /v1/metadata/{resource}` describes.
pub(crate) const SEARCHED: [Resource; 4] = [Resource::Ticket, Resource::Comment, Resource::Contact, Resource::Account];

impl Helpdesk for KustomerClient {
    fn name(&self) -> &str {
        ADAPTER
    }

    /// Everything but deleting accounts (Kustomer's API has no company DELETE); deleted records
    /// and field definitions for the resources Kustomer's search API and metadata cover:
    /// tickets, comments, contacts and accounts (tags, teams and users have neither); attachment
    /// downloads and uploads on comments.
    fn capabilities(&self) -> Capabilities {
        let mut caps = Capabilities::all().without(Resource::Account, Operation::Delete);
        for r in SEARCHED {
            caps = caps.with(r, Operation::ListDeleted).with(r, Operation::ListFields);
        }
        caps.with(Resource::Comment, Operation::Download).with(Resource::Comment, Operation::Upload)
    }

    unidesk_core::helpdesk_accessors!();

    fn fields(&self) -> &dyn unidesk_core::Fields {
        self
    }

    fn attachments(&self) -> &dyn unidesk_core::Attachments {
        self
    }
}

/// Reads every resource shares, generic over its descriptor.
impl KustomerClient {
    /// One page of `R`: by search when the query filters on time and `R` can be searched,
    /// else from `R`'s list endpoint.
    pub(crate) async fn list_resource<R: KustomerResource>(&self, query: &ListQuery) -> Result<Page<R::Record>> {
        self.list_sources(R::RESOURCE, query, &[Source::of::<R>(query)]).await
    }

    /// One `R` by id (`NotFound` names `R`'s resource), with what `R` side-loads.
    pub(crate) async fn get_resource<R: KustomerResource>(&self, id: &str, raw: bool) -> Result<R::Record> {
        let id = Id::parse(id)?;
        let mut call = Call::get_at(&R::ITEM, &[&id]).not_found(R::RESOURCE, id.as_str());
        if let Some(what) = R::INCLUDE {
            call = call.query("include", what);
        }
        self.fetch::<R>(&call, raw).await
    }

    /// Sends `call` and decodes the one `R` it answers with.
    pub(crate) async fn fetch<R: KustomerResource>(&self, call: &Call<'_>, raw: bool) -> Result<R::Record> {
        let resp = self.send(call).await?;
        decode::one::<R>(
            &resp.body,
            call.template,
            DecodeOptions { include_remote_data: raw, base_url: self.base_url() },
        )
    }
}
