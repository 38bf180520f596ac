//! Stream Kustomer tickets updated since a time: an incremental sync.
//!
//! With `KUSTOMER_ORG` and `KUSTOMER_API_KEY` set it reads your org; otherwise it
//! starts the embedded simulator, so it runs anywhere:
//!
//! `cargo run -p unidesk-examples --example stream_kustomer_updated_since [RFC3339-TIME]`

use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use unidesk_core::{HelpdeskExt, ListQuery};
use unidesk_kustomer::KustomerClient;
use unidesk_kustomer_sim::{SimConfig, Simulator};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let since: DateTime<Utc> = match std::env::args().nth(1) {
        Some(t) => t.parse()?,
        None => "2024-01-15T00:00:00Z".parse()?,
    };
    // Keep the simulator alive as long as the client uses it.
    let (client, _sim) = match (std::env::var("KUSTOMER_ORG"), std::env::var("KUSTOMER_API_KEY")) {
        (Ok(org), Ok(key)) => (KustomerClient::builder().org(org).api_key(key).build()?, None),
        _ => {
            let sim = Simulator::start(SimConfig::default()).await?;
            let client = KustomerClient::builder().base_url(sim.base_url()).api_key(sim.api_key()).build()?;
            (client, Some(sim))
        }
    };

    // `updated_after` goes through Kustomer's search API; the stream re-windows on
    // (updated_at, id), so ties and the 100-page search cap never skip or repeat a record.
    let mut tickets = client.stream_tickets(ListQuery::new().updated_after(since).page_size(100));
    let mut count = 0usize;
    let mut newest = None;
    while let Some(t) = tickets.try_next().await? {
        count += 1;
        newest = newest.max(t.updated_at);
    }
    println!("{count} tickets updated since {since}; the newest at {newest:?}");
    println!("next run: --updated-after {}", newest.map(|t| t.to_rfc3339()).unwrap_or_else(|| since.to_rfc3339()));
    Ok(())
}
