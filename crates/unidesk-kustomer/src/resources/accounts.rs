//! companies as [`Accounts`].

use async_trait::async_trait;
use reqwest::Method;
use unidesk_core::{
    Account, AccountCreate, AccountUpdate, Accounts, Error, Id, ListQuery, Operation, Page, Resource, Result,
};

use crate::ADAPTER;
use crate::client::{Call, KustomerClient};
use crate::decode::{self, DecodeOptions};
use crate::list::{Endpoint, Source};
use crate::map::reverse;

fn decode_account(body: &[u8], ctx: &str, raw: bool) -> Result<Account> {
    decode::company(body, ctx, DecodeOptions { include_remote_data: raw, base_url: "" })
}

#[async_trait]
impl Accounts for KustomerClient {
    async fn list(&self, query: &ListQuery) -> Result<Page<Account>> {
        let endpoint = Endpoint::search_or_get(query, "company", "/v1/companies");
        self.list_sources(Resource::Account, query, &[Source { endpoint, decode: decode::companies_page }], false).await
    }

    async fn get(&self, id: &str, include_remote_data: bool) -> Result<Account> {
        let id = Id::parse(id)?;
        let call =
            Call::get(format!("/v1/companies/{id}"), "/v1/companies/{id}").not_found(Resource::Account, id.as_str());
        let resp = self.send(&call).await?;
        decode_account(&resp.body, "/v1/companies/{id}", include_remote_data)
    }

    async fn create(&self, input: &AccountCreate) -> Result<Account> {
        let call =
            Call::write(Method::POST, "/v1/companies".into(), "/v1/companies", Some(reverse::company_create(input)));
        let resp = self.send(&call).await?;
        decode_account(&resp.body, "/v1/companies", false)
    }

    async fn update(&self, id: &str, patch: &AccountUpdate) -> Result<Account> {
        let id = Id::parse(id)?;
        let call = Call::write(
            Method::PUT,
            format!("/v1/companies/{id}"),
            "/v1/companies/{id}",
            Some(reverse::company_update(patch)),
        )
        .not_found(Resource::Account, id.as_str())
        .object(format!("company:{id}"));
        let resp = self.send(&call).await?;
        decode_account(&resp.body, "/v1/companies/{id}", false)
    }

    /// Kustomer's API has no company DELETE: always `Unsupported`.
    async fn delete(&self, id: &str) -> Result<()> {
        Id::parse(id)?;
        Err(Error::unsupported(Resource::Account, Operation::Delete, ADAPTER))
    }
}
