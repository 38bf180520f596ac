//! Fault drills at CI scale: 10 % injected faults (5xx, 429 bursts, dropped
//! connections, truncated bodies), deterministic seeds. The same drills run at
//! full scale (10,000 tickets) in `benches/perf.rs`.

mod support;

use support::drill;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_under_faults_delivers_every_record_exactly_once() {
    let sim = drill::faulty_sim(600, 0.10).await;
    let report = drill::sync_exactly_once(&sim).await.expect("drill");
    assert_eq!(report.records[0], ("tickets", 600));
    let served: usize = report.records.iter().map(|(_, n)| n.div_ceil(100)).sum();
    assert!(report.requests as usize > served, "faults were injected and retried: {report:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interrupted_and_resumed_sync_under_faults_is_exactly_once() {
    let sim = drill::faulty_sim(600, 0.10).await;
    let report = drill::interrupted_and_resumed(&sim, 5).await.expect("drill");
    assert_eq!(report.records, vec![("tickets", 600)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comment_writes_under_faults_are_never_duplicated() {
    let sim = drill::faulty_sim(20, 0.10).await;
    let report = drill::writes_never_duplicate(&sim, 120).await.expect("drill");
    assert_eq!(report.duplicated, 0);
    assert_eq!(report.ok + report.failed, 120);
    assert!(report.failed > 0, "faults hit some writes: {report:?}");
}
