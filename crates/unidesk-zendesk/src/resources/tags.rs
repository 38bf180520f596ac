//! Tags: `/tags` (Zendesk's tag names, most used first). A tag's id is its name.

use async_trait::async_trait;
use unidesk_core::{Error, Id, ListQuery, Page, Resource, Result, Tag, Tags};

use crate::client::{Call, ZendeskClient};
use crate::list::{self, Fetched, State};
use crate::{map, wire};

#[async_trait]
impl Tags for ZendeskClient {
    async fn list(&self, q: &ListQuery) -> Result<Page<Tag>> {
        self.no_deleted(q, Resource::Tag)?;
        let want = self.page_size(q)?;
        let start = self.state::<String>(q, Resource::Tag)?;
        let base = Call::get("/tags.json", "/tags.json");
        let base = &base;
        let raw = q.include_remote_data;
        // Ordered by popularity, not by name: a page is resumed by position (the name there checked).
        // Every tag Zendesk serves is kept: its own "more follow" decides.
        let (items, next) = list::scan(
            start,
            want,
            true,
            |t: &Tag| t.id.clone(),
            // Zendesk tags carry no timestamps: a time filter cannot narrow them, so it keeps
            // every tag (an incremental sync re-reads them all).
            |_| true,
            |c| async move {
                let page = self.cbp::<wire::TagCount>(base, want, c, raw).await?;
                Ok(Fetched { items: page.items.into_iter().map(|(t, v)| map::tag(&t, v)).collect(), next: page.next })
            },
        )
        .await?;
        self.page(q, Resource::Tag, items, next)
    }

    async fn get(&self, id: &str, include_remote_data: bool) -> Result<Tag> {
        Id::parse(id)?;
        // Zendesk reads no single tag: walk the list for it.
        let base = Call::get("/tags.json", "/tags.json");
        let mut state: Option<State<String>> = Some(State::default());
        while let Some(s) = state {
            let (found, next) = list::scan(
                s,
                1000,
                false,
                |t: &Tag| t.id.clone(),
                |t| t.id == id,
                |c| {
                    let base = &base;
                    async move {
                        let page = self.cbp::<wire::TagCount>(base, 100, c, include_remote_data).await?;
                        Ok(Fetched {
                            items: page.items.into_iter().map(|(t, v)| map::tag(&t, v)).collect(),
                            next: page.next,
                        })
                    }
                },
            )
            .await?;
            if let Some(t) = found.into_iter().next() {
                return Ok(t);
            }
            state = next;
        }
        Err(Error::not_found(Resource::Tag, id))
    }
}
