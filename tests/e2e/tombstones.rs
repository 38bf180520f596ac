//! Deletions through a refresh: a full sync into a folder whose last full sync completed lists
//! everything again, and what is gone since is kept as a tombstone (`remote_was_deleted`).

use std::collections::HashSet;

use crate::support::{RESOURCES, SimChild};

fn lines(dir: &std::path::Path, r: &str) -> Vec<String> {
    std::fs::read_to_string(dir.join(format!("{r}.jsonl"))).expect("file").lines().map(str::to_owned).collect()
}

fn json(line: &str) -> serde_json::Value {
    serde_json::from_str(line).expect("json line")
}

#[test]
fn a_sync_after_three_deletes_writes_exactly_three_tombstones_and_changes_nothing_else() {
    let sim = SimChild::start(&["--conversations", "150"]);
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path().to_str().expect("path");
    let sync = || {
        let out = sim.unidesk(&["sync", "--out", d, "--quiet", "--page-size", "40"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    sync();
    let before: Vec<Vec<String>> = RESOURCES.iter().map(|r| lines(dir.path(), r)).collect();
    let gone: Vec<String> =
        before[0].iter().step_by(50).take(3).map(|l| json(l)["id"].as_str().expect("id").to_owned()).collect();
    assert_eq!(gone.len(), 3);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let http = reqwest::Client::new();
        for id in &gone {
            let resp = http
                .delete(format!("{}/v1/conversations/{id}", sim.base_url))
                .bearer_auth(&sim.api_key)
                .send()
                .await
                .expect("delete");
            assert!(resp.status().is_success(), "delete {id}: {}", resp.status());
        }
    });

    let summary = sync();
    assert!(summary.contains("tickets:     147 records, 3 tombstones"), "{summary}");
    let after: Vec<Vec<String>> = RESOURCES.iter().map(|r| lines(dir.path(), r)).collect();
    // Tickets: the same lines in the same order without the three, then their tombstones.
    let kept: Vec<&String> =
        before[0].iter().filter(|l| !gone.contains(&json(l)["id"].as_str().unwrap_or("").to_owned())).collect();
    assert_eq!(after[0].len(), 150);
    assert_eq!(after[0][..147].iter().collect::<Vec<_>>(), kept, "nothing else changed");
    for (line, id) in after[0][147..].iter().zip(&gone) {
        let mut tomb = json(line);
        assert_eq!(tomb["id"], id.as_str());
        assert_eq!(tomb["remote_was_deleted"], true);
        tomb["remote_was_deleted"] = false.into();
        let old = before[0].iter().map(|l| json(l)).find(|v| v["id"] == id.as_str()).expect("was synced");
        assert_eq!(tomb, old, "a tombstone is the last known record");
    }
    // Other resources: unchanged, except comments of the deleted tickets if the provider drops them.
    let gone_set: HashSet<&str> = gone.iter().map(String::as_str).collect();
    for (i, r) in RESOURCES.iter().enumerate().skip(1) {
        let live: Vec<&String> = after[i].iter().filter(|l| json(l)["remote_was_deleted"] != true).collect();
        let tombs: Vec<serde_json::Value> =
            after[i].iter().map(|l| json(l)).filter(|v| v["remote_was_deleted"] == true).collect();
        for t in &tombs {
            assert!(
                *r == "comments" && gone_set.contains(t["ticket_id"].as_str().unwrap_or("")),
                "{r}: unexpected tombstone {t}"
            );
        }
        assert_eq!(live.len() + tombs.len(), before[i].len(), "{r}: every record once");
    }

    // A third sync carries the tombstones forward and changes nothing.
    let summary = sync();
    assert!(summary.contains("tickets:     147 records, 3 tombstones"), "{summary}");
    let again: Vec<Vec<String>> = RESOURCES.iter().map(|r| lines(dir.path(), r)).collect();
    assert_eq!(again, after, "a refresh with no change rewrites the same files");
}
