//! Tags: the values of the ticket custom field configured as the tags field (RT has no tags of
//! its own). Without one there are no tags: the listing is empty and every id is not found.

use async_trait::async_trait;
use unidesk_core::{Error, Id, ListQuery, Page, Resource, Result, Tag, Tags};

use crate::client::RtClient;

fn tag(name: &str) -> Tag {
    // RT keeps no dates or colours on custom field values.
    Tag { id: name.to_owned(), name: Some(name.to_owned()), ..Tag::default() }
}

#[async_trait]
impl Tags for RtClient {
    async fn list(&self, q: &ListQuery) -> Result<Page<Tag>> {
        let size = self.page_size(q, Resource::Tag)?;
        let after: Option<String> = self.cursor_state(q, Resource::Tag)?;
        let mut values = self.tag_values().await?;
        values.sort();
        values.dedup();
        let mut rest: Vec<String> = values.into_iter().filter(|v| after.as_ref().is_none_or(|a| v > a)).collect();
        let more = rest.len() > size;
        rest.truncate(size);
        let next_cursor = match (more, rest.last()) {
            (true, Some(last)) => Some(self.next_cursor(q, Resource::Tag, last.clone())?),
            _ => None,
        };
        // Tags carry no dates in RT, so no time filter can tell they are older: every tag is
        // listed, and an incremental sync (`updated_after`) still sees all of them.
        let items = rest.iter().map(|v| tag(v)).collect();
        Ok(Page { items, next_cursor })
    }

    async fn get(&self, id: &str, include_remote_data: bool) -> Result<Tag> {
        let id = Id::parse(id)?;
        let _ = include_remote_data;
        let values = self.tag_values().await?;
        values
            .iter()
            .find(|v| *v == id.as_str())
            .map(|v| tag(v))
            .ok_or_else(|| Error::not_found(Resource::Tag, id.as_str()))
    }
}
