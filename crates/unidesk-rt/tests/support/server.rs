//! A real RT server for tests: started with `scripts/rt/start-rt.sh`, stopped with
//! `scripts/rt/stop-rt.sh` on drop, and by a watchdog process when the test binary exits
//! (statics are never dropped, and a killed runner drops nothing).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use unidesk_rt::{RetryConfig, RtBuilder};

/// Where RT's server lives once the packages are installed.
const RT_SERVER: &str = "/usr/share/request-tracker5/libexec/rt-server";

/// A script in `scripts/rt/`.
pub(crate) fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/rt").join(name)
}

/// Why no RT could be had.
#[derive(Debug)]
pub(crate) enum Unavailable {
    /// The packages are missing and could not be installed (no root, no apt-get).
    CannotInstall(String),
    /// RT is installed but did not start, or the script misbehaved.
    Failed(String),
}

/// Whether this is a CI run (`CI` set to anything but `false`/`0`): then RT must start.
pub(crate) fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Writes straight to the process's stderr, past the test harness's capture, so a skip is seen.
pub(crate) fn loud(message: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "\n==== unidesk-rt: {message} ====\n");
}

/// `Ok(t)` as is; otherwise panics in CI or when RT is installed but broken, and returns `None`
/// (a loud skip) only when RT cannot be installed on this machine.
pub(crate) fn require<T>(what: &str, r: Result<T, Unavailable>) -> Option<T> {
    match r {
        Ok(t) => Some(t),
        Err(Unavailable::CannotInstall(why)) if !ci() => {
            loud(&format!(
                "SKIPPING {what}: Request Tracker is not installed and scripts/rt/start-rt.sh could not install it \
                 ({why}). Install request-tracker5 rt5-db-sqlite rt5-standalone (Debian 12) to run these tests."
            ));
            None
        }
        Err(Unavailable::CannotInstall(why) | Unavailable::Failed(why)) => {
            panic!("{what}: RT could not start: {why}")
        }
    }
}

/// A running RT instance.
#[derive(Debug)]
pub(crate) struct RtServer {
    /// RT's web root (`http://127.0.0.1:PORT`).
    pub base_url: String,
    /// An auth token for `root`.
    pub token: String,
    /// `root`'s password.
    pub password: String,
    /// The instance directory (holds `rt.db`).
    pub dir: PathBuf,
    /// The server's process-group leader.
    pub pid: u32,
    /// Seconds the last start took, as the script measured it.
    pub startup_seconds: f64,
    watchdog: Option<Child>,
}

/// The `key: value` lines start-rt.sh prints.
fn parse_info(out: &str) -> Result<(String, String, String, PathBuf, u32, f64), String> {
    let get = |k: &str| {
        out.lines()
            .find_map(|l| l.strip_prefix(&format!("{k}: ")))
            .map(|v| v.trim().to_owned())
            .ok_or_else(|| format!("start-rt.sh printed no {k:?} line"))
    };
    let pid = get("pid")?.parse().map_err(|_| "pid is not a number".to_owned())?;
    let secs = get("startup_seconds").ok().and_then(|s| s.parse().ok()).unwrap_or(0.0);
    Ok((get("base_url")?, get("token")?, get("password")?, PathBuf::from(get("dir")?), pid, secs))
}

fn run_start(args: &[&str]) -> Result<(String, String, String, PathBuf, u32, f64), Unavailable> {
    let installed_before = Path::new(RT_SERVER).exists();
    let out = Command::new(script("start-rt.sh"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| Unavailable::Failed(format!("running start-rt.sh: {e}")))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(15).collect();
        let why = format!(
            "start-rt.sh exited with {}: {}",
            out.status,
            tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
        );
        return Err(if !installed_before && !Path::new(RT_SERVER).exists() {
            Unavailable::CannotInstall(why)
        } else {
            Unavailable::Failed(why)
        });
    }
    parse_info(&String::from_utf8_lossy(&out.stdout)).map_err(Unavailable::Failed)
}

impl RtServer {
    /// Starts a fresh RT (installing the packages when missing). Requests are cheap: the
    /// instance's `$BcryptCost` is 4 (RT's default 12 costs ~250 ms per request).
    pub(crate) fn start() -> Result<RtServer, Unavailable> {
        let t = Instant::now();
        let (base_url, token, password, dir, pid, startup_seconds) = run_start(&["--bcrypt-cost", "4"])?;
        let mut rt = RtServer { base_url, token, password, dir, pid, startup_seconds, watchdog: None };
        rt.watchdog = watchdog(&rt.dir);
        eprintln!(
            "unidesk-rt tests: RT at {} started in {:.1}s (dir {})",
            rt.base_url,
            t.elapsed().as_secs_f64(),
            rt.dir.display()
        );
        Ok(rt)
    }

    /// Stops the server and keeps its directory (and database).
    pub(crate) fn stop_keep_data(&mut self) {
        let _ = Command::new(script("stop-rt.sh")).arg(&self.dir).stdout(Stdio::null()).stderr(Stdio::null()).status();
    }

    /// Starts the server again on the same database (a new port and a new token).
    pub(crate) fn restart(&mut self) -> Result<(), String> {
        let dir = self.dir.to_string_lossy().into_owned();
        let (base_url, token, password, dir, pid, secs) =
            run_start(&["--dir", &dir, "--no-install", "--bcrypt-cost", "4"]).map_err(|e| format!("{e:?}"))?;
        // Field by field: replacing `*self` would drop the old value, and dropping stops the server.
        self.base_url = base_url;
        self.token = token;
        self.password = password;
        self.dir = dir;
        self.pid = pid;
        self.startup_seconds = secs;
        Ok(())
    }

    /// Runs `scripts/rt/rt-fixtures.pl` on the instance: custom fields Tags, Severity and
    /// External ID, the OwnTicket right, and the `tz.agent` user (password `tz-password`).
    pub(crate) fn fixtures(&self) -> Result<Vec<(String, String)>, String> {
        key_values("rt-fixtures.pl", Command::new("perl").arg(script("rt-fixtures.pl")).arg(&self.dir))
    }

    /// Runs `scripts/rt/seed-db.sh` on the instance: `n` tickets inserted straight into its
    /// database; its `key: value` lines (first_id, last_id, listed, …).
    pub(crate) fn seed_db(&self, n: usize) -> Result<Vec<(String, String)>, String> {
        key_values("seed-db.sh", Command::new("bash").arg(script("seed-db.sh")).arg(&self.dir).arg(n.to_string()))
    }

    /// A client builder for this server: token auth, the fixtures' tags and external-id
    /// fields, and retries fast enough for tests.
    pub(crate) fn builder(&self) -> RtBuilder {
        unidesk_rt::RtClient::builder()
            .base_url(&self.base_url)
            .token(&self.token)
            .tags_field("Tags")
            .external_id_field("External ID")
            .retry(fast_retries())
    }
}

/// Runs one of the scripts (`name` for messages) and reads the `key: value` lines it prints.
fn key_values(name: &str, cmd: &mut Command) -> Result<Vec<(String, String)>, String> {
    let out = cmd.stdin(Stdio::null()).output().map_err(|e| format!("running {name}: {e}"))?;
    if !out.status.success() {
        return Err(format!("{name} failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once(": ").map(|(k, v)| (k.to_owned(), v.to_owned())))
        .collect())
}

/// Feeds one email to RT's mail gateway (`rt-mailgate`), as a mail server would for a support
/// address: `action` is `correspond` or `comment`.
pub(crate) fn mailgate(base_url: &str, queue: &str, action: &str, message: &str) -> Result<(), String> {
    let bin = if Path::new("/usr/bin/rt-mailgate-5").exists() { "rt-mailgate-5" } else { "rt-mailgate" };
    let mut child = Command::new(bin)
        .args(["--url", base_url, "--queue", queue, "--action", action])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("running {bin}: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(message.as_bytes()).map_err(|e| format!("writing to {bin}: {e}"))?;
    }
    let out = child.wait_with_output().map_err(|e| format!("{bin}: {e}"))?;
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    // rt-mailgate exits 0 even when RT refused the mail: its output says "not ok".
    if !out.status.success() || said.contains("not ok") {
        return Err(format!("{bin} failed: {said}"));
    }
    Ok(())
}

/// Retries as the library does them, with millisecond delays.
pub(crate) fn fast_retries() -> RetryConfig {
    RetryConfig {
        max_retries: 4,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(50),
        max_rate_limit_wait: Duration::from_secs(1),
        ..RetryConfig::default()
    }
}

/// A process that waits for this test binary to exit, then stops the server in `dir` and
/// removes the directory. It is in a session of its own, so Ctrl-C in a terminal does not stop
/// it before it has stopped RT.
fn watchdog(dir: &Path) -> Option<Child> {
    let script = "while kill -0 \"$1\" 2>/dev/null; do sleep 0.5; done; exec \"$2\" \"$3\" --rm";
    Command::new("setsid")
        .args(["sh", "-c", script, "unidesk-rt-watchdog"])
        .arg(std::process::id().to_string())
        .arg(script_path_str("stop-rt.sh"))
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()
}

fn script_path_str(name: &str) -> String {
    script(name).to_string_lossy().into_owned()
}

impl Drop for RtServer {
    fn drop(&mut self) {
        if let Some(mut w) = self.watchdog.take() {
            let _ = w.kill();
            let _ = w.wait();
        }
        let _ = Command::new(script("stop-rt.sh"))
            .arg(&self.dir)
            .arg("--rm")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}
