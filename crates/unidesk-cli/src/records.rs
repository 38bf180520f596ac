//! Resource-generic access for the CLI: one page of any resource as JSON lines.

use serde::Serialize;
use unidesk_core::{Cursor, Helpdesk, ListQuery, Page, Record, Resource};

/// One page of `r`: each record as one line of normalized JSON, the last record's id, and
/// the next cursor.
pub(crate) async fn page_of(
    hd: &dyn Helpdesk,
    r: Resource,
    q: &ListQuery,
) -> unidesk_core::Result<(Vec<String>, Option<String>, Option<Cursor>)> {
    fn lines<T: Serialize + Record>(p: Page<T>) -> unidesk_core::Result<(Vec<String>, Option<String>, Option<Cursor>)> {
        let last_id = p.items.last().map(|t| t.id().to_owned());
        let items = p
            .items
            .iter()
            .map(|t| serde_json::to_value(t).map(|v| v.to_string()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| unidesk_core::Error::decode("record", e))?;
        Ok((items, last_id, p.next_cursor))
    }
    match r {
        Resource::Ticket => lines(hd.tickets().list(q).await?),
        Resource::Comment => lines(hd.comments().list(q).await?),
        Resource::Contact => lines(hd.contacts().list(q).await?),
        Resource::Account => lines(hd.accounts().list(q).await?),
        Resource::Tag => lines(hd.tags().list(q).await?),
        Resource::Team => lines(hd.teams().list(q).await?),
        Resource::User => lines(hd.users().list(q).await?),
    }
}
