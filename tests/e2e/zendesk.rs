//! `--provider zendesk` end to end: `unidesk sim --provider zendesk` in the background, and the
//! CLI listing it with the printed credentials.

use std::collections::HashSet;
use std::io::BufRead;
use std::process::{Command, Stdio};

/// `unidesk sim --provider zendesk ARGS` in the background, killed on drop.
struct ZendeskSim {
    child: std::process::Child,
    base_url: String,
    email: String,
    token: String,
    _stdout: std::io::Lines<std::io::BufReader<std::process::ChildStdout>>,
}

impl ZendeskSim {
    fn start(args: &[&str]) -> ZendeskSim {
        let mut child = Command::new(env!("CARGO_BIN_EXE_unidesk"))
            .args(["sim", "--provider", "zendesk"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("unidesk sim starts");
        let mut lines = std::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
        let (mut base_url, mut email, mut token) = (String::new(), String::new(), String::new());
        while base_url.is_empty() || email.is_empty() || token.is_empty() {
            let line = lines.next().expect("the simulator prints its address").expect("utf8");
            for (key, slot) in [("base_url: ", &mut base_url), ("email: ", &mut email), ("token: ", &mut token)] {
                if let Some(v) = line.strip_prefix(key) {
                    *slot = v.to_owned();
                }
            }
        }
        ZendeskSim { child, base_url, email, token, _stdout: lines }
    }

    fn unidesk(&self, token: &str, args: &[&str]) -> std::process::Output {
        Command::new(env!("CARGO_BIN_EXE_unidesk"))
            .args(["--provider", "zendesk", "--base-url", &self.base_url, "--email", &self.email, "--token", token])
            .args(args)
            .env_remove("ZENDESK_API_TOKEN")
            .output()
            .expect("runs")
    }

    /// The live ticket ids, read from the simulator with plain HTTP (cursor pages of 100).
    fn live_ids(&self) -> HashSet<String> {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        rt.block_on(async {
            let http = reqwest::Client::new();
            let mut ids = HashSet::new();
            let mut after: Option<String> = None;
            loop {
                let mut req = http
                    .get(format!("{}/api/v2/tickets.json", self.base_url))
                    .bearer_auth(&self.token)
                    .query(&[("page[size]", "100")]);
                if let Some(a) = &after {
                    req = req.query(&[("page[after]", a.as_str())]);
                }
                let v: serde_json::Value = req.send().await.expect("sim").json().await.expect("json");
                for t in v["tickets"].as_array().expect("tickets") {
                    ids.insert(t["id"].as_i64().expect("id").to_string());
                }
                if v["meta"]["has_more"].as_bool() != Some(true) {
                    return ids;
                }
                after = v["meta"]["after_cursor"].as_str().map(str::to_owned);
            }
        })
    }
}

impl Drop for ZendeskSim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn tickets_list_all_prints_exactly_the_simulators_live_tickets_once() {
    let sim = ZendeskSim::start(&["--port", "0", "--seed", "7", "--tickets", "1500"]);
    let token = sim.token.clone();
    let out = sim.unidesk(&token, &["tickets", "list", "--all", "--format", "jsonl"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("utf8");
    let mut ids = HashSet::new();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("one JSON record per line");
        assert!(ids.insert(v["id"].as_str().expect("id").to_owned()), "repeated {line}");
    }
    assert_eq!(ids.len(), 1500);
    assert_eq!(ids, sim.live_ids(), "exactly the live tickets (deleted ones left out)");

    let wrong = "wrong-token-never-printed";
    let out = sim.unidesk(wrong, &["tickets", "list"]);
    assert_eq!(out.status.code(), Some(3), "a bad token is an authentication failure");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains(wrong), "{err}");
}
