//! Runs the simulator until interrupted, printing what a client needs, one `key: value` per
//! line: `base_url`, `email`, `token`, then the live `tickets` and `users` counts.
//!
//! ```text
//! cargo run -p unidesk-zendesk-sim --example serve -- [--port P] [--seed S] [--tickets N] [--tie-width W] [--no-limits] [--fault-rate R]
//! ```

use std::net::SocketAddr;

use unidesk_zendesk_sim::{RateLimits, SimConfig, Simulator};

fn main() -> std::io::Result<()> {
    let mut config = SimConfig::default();
    let mut port = 0u16;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().unwrap_or_default();
        let bad = |f: &str| std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("bad value for {f}"));
        match flag.as_str() {
            "--port" => port = value().parse().map_err(|_| bad("--port"))?,
            "--seed" => config.seed = value().parse().map_err(|_| bad("--seed"))?,
            "--tickets" => config.tickets = value().parse().map_err(|_| bad("--tickets"))?,
            "--tie-width" => config.tie_width = value().parse().map_err(|_| bad("--tie-width"))?,
            "--fault-rate" => config.faults.rate = value().parse().map_err(|_| bad("--fault-rate"))?,
            "--no-limits" => config.limits = RateLimits::unlimited(),
            other => {
                return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("unknown flag {other}")));
            }
        }
    }
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build()?;
    rt.block_on(async {
        let sim = Simulator::bind(config, SocketAddr::from(([127, 0, 0, 1], port))).await?;
        println!("base_url: {}", sim.base_url());
        println!("email: {}", sim.email());
        println!("token: {}", sim.token());
        println!("tickets: {}", sim.count("tickets"));
        println!("users: {}", sim.count("users"));
        let _ = tokio::signal::ctrl_c().await;
        Ok(())
    })
}
