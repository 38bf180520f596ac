//! Accounts: RT has no companies. There are none to list and none to get; writes are
//! unsupported. (A user's `Organization` is free text on the user, not a record.)

use async_trait::async_trait;
use unidesk_core::{
    Account, AccountCreate, AccountUpdate, Accounts, Error, Id, ListQuery, Operation, Page, Resource, Result,
};

use crate::ADAPTER;
use crate::client::RtClient;

#[async_trait]
impl Accounts for RtClient {
    async fn list(&self, q: &ListQuery) -> Result<Page<Account>> {
        self.page_size(q, Resource::Account)?;
        // No cursor is ever issued for accounts; one given is checked all the same.
        let _: Option<u64> = self.cursor_state(q, Resource::Account)?;
        Ok(Page::last(Vec::new()))
    }

    async fn get(&self, id: &str, _include_remote_data: bool) -> Result<Account> {
        let id = Id::parse(id)?;
        Err(Error::not_found(Resource::Account, id.as_str()))
    }

    async fn create(&self, _input: &AccountCreate) -> Result<Account> {
        Err(Error::unsupported(Resource::Account, Operation::Create, ADAPTER))
    }

    async fn update(&self, _id: &str, _patch: &AccountUpdate) -> Result<Account> {
        Err(Error::unsupported(Resource::Account, Operation::Update, ADAPTER))
    }

    async fn delete(&self, _id: &str) -> Result<()> {
        Err(Error::unsupported(Resource::Account, Operation::Delete, ADAPTER))
    }
}
