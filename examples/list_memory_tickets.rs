//! List tickets from the in-memory reference adapter: the same code runs against any
//! `dyn Helpdesk`, so this is also how to write tests for code that uses unidesk.
//!
//! `cargo run -p unidesk-examples --example list_memory_tickets`

use futures::TryStreamExt;
use unidesk_core::{Helpdesk, HelpdeskExt, ListQuery, TicketStatus};
use unidesk_memory::MemoryHelpdesk;

#[tokio::main]
async fn main() -> unidesk_core::Result<()> {
    let desk: Box<dyn Helpdesk> = Box::new(MemoryHelpdesk::with_sample_data(60));

    // One page, with its cursor.
    let page = desk.tickets().list(&ListQuery::new().page_size(5)).await?;
    for t in &page.items {
        println!("{} {:?} {}", t.id, t.status, t.subject.as_deref().unwrap_or(""));
    }
    println!("next cursor: {:?}", page.next_cursor.as_ref().map(|c| c.as_str()));

    // Every page, as a stream.
    let open: Vec<_> = desk
        .stream_tickets(ListQuery::new().page_size(20))
        .try_filter(|t| futures::future::ready(t.status == Some(TicketStatus::Open)))
        .try_collect()
        .await?;
    println!("{} open tickets", open.len());
    Ok(())
}
