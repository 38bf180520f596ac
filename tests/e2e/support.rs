//! Shared helpers: the `unidesk` binary, a simulator child process, reading synced files.

use std::process::Command;

/// Runs `unidesk ARGS` with no Kustomer key in the environment.
pub(crate) fn unidesk(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_unidesk")).args(args).env_remove("KUSTOMER_API_KEY").output().expect("runs")
}

/// `unidesk sim` in the background, killed on drop.
pub(crate) struct SimChild {
    child: std::process::Child,
    pub base_url: String,
    pub api_key: String,
    /// Kept open: closing the pipe early would kill the simulator on its next line of output.
    _stdout: std::io::Lines<std::io::BufReader<std::process::ChildStdout>>,
}

impl SimChild {
    pub(crate) fn start(args: &[&str]) -> SimChild {
        use std::io::BufRead;
        let mut child = Command::new(env!("CARGO_BIN_EXE_unidesk"))
            .arg("sim")
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("unidesk sim starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = std::io::BufReader::new(stdout).lines();
        let (mut base_url, mut api_key) = (String::new(), String::new());
        while base_url.is_empty() || api_key.is_empty() {
            let line = lines.next().expect("the simulator prints its address").expect("utf8");
            if let Some(v) = line.strip_prefix("base_url: ") {
                base_url = v.to_owned();
            } else if let Some(v) = line.strip_prefix("api_key: ") {
                api_key = v.to_owned();
            }
        }
        SimChild { child, base_url, api_key, _stdout: lines }
    }

    pub(crate) fn unidesk(&self, args: &[&str]) -> std::process::Output {
        Command::new(env!("CARGO_BIN_EXE_unidesk"))
            .args(["--base-url", &self.base_url])
            .env("KUSTOMER_API_KEY", &self.api_key)
            .args(args)
            .output()
            .expect("runs")
    }
}

impl SimChild {
    /// `unidesk ARGS` against this simulator, as a child process not yet waited for.
    pub(crate) fn spawn(&self, args: &[&str]) -> std::process::Child {
        Command::new(env!("CARGO_BIN_EXE_unidesk"))
            .args(["--base-url", &self.base_url])
            .env("KUSTOMER_API_KEY", &self.api_key)
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("unidesk starts")
    }
}

impl Drop for SimChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `id` of every line of `DIR/<resource>.jsonl`, in file order.
pub(crate) fn ids_in(dir: &std::path::Path, resource: &str) -> Vec<String> {
    std::fs::read_to_string(dir.join(format!("{resource}.jsonl")))
        .expect("file")
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("json line")["id"].as_str().expect("id").to_owned()
        })
        .collect()
}

/// Every record of `DIR/<resource>.jsonl` without `ticket_url` (it names the simulator's port).
pub(crate) fn records_in(dir: &std::path::Path, resource: &str) -> Vec<serde_json::Value> {
    std::fs::read_to_string(dir.join(format!("{resource}.jsonl")))
        .expect("file")
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).expect("json line");
            if let Some(o) = v.as_object_mut() {
                o.remove("ticket_url");
            }
            v
        })
        .collect()
}

/// The seven resources, in sync order.
pub(crate) const RESOURCES: [&str; 7] = ["tickets", "comments", "contacts", "accounts", "tags", "teams", "users"];
