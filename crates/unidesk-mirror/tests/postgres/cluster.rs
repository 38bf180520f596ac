//! A throwaway PostgreSQL cluster for tests and benches: `initdb` on a temp data dir, `pg_ctl
//! start` on a free loopback port with its unix socket inside that dir, stopped and removed on
//! drop — and by a watchdog process when the test binary exits without dropping it (statics are
//! never dropped, and a killed runner drops nothing).
//!
//! As root, `initdb`/`pg_ctl` run through `runuser -u postgres --` (PostgreSQL refuses to run as
//! root) and the temp dir is given to that user. The binaries come from `PATH` or
//! `/usr/lib/postgresql/*/bin`. When they are absent: a loud skip locally, a failure in CI
//! (`CI` set, or `UNIDESK_REQUIRE_SERVERS=1`).

#![allow(dead_code)] // each test binary (and the bench) uses part of it

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

/// Whether a missing or broken server must fail the run instead of skipping it.
pub(crate) fn servers_required() -> bool {
    let set = |k: &str| std::env::var(k).is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    set("CI") || set("UNIDESK_REQUIRE_SERVERS")
}

/// Writes straight to the process's stderr, past the test harness's capture, so a skip is seen.
pub(crate) fn loud(message: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "\n==== unidesk-mirror: {message} ====\n");
}

/// A running throwaway cluster; stopped and deleted on drop.
#[derive(Debug)]
pub(crate) struct Cluster {
    /// The loopback port it listens on.
    pub(crate) port: u16,
    /// Seconds `initdb` + `pg_ctl start` took.
    pub(crate) startup_seconds: f64,
    dir: PathBuf,
    bin: PathBuf,
    as_postgres: bool,
    watchdog: Option<Child>,
    databases: AtomicU32,
    /// Whether it accepts TCP clients over TLS only.
    tls_only: bool,
}

/// A server certificate chain and its private key, both PEM, for a cluster that accepts TCP
/// clients over TLS only.
#[derive(Debug, Clone)]
pub(crate) struct ServerTls {
    /// The server's certificate (then any intermediates).
    pub(crate) cert_pem: String,
    /// Its private key.
    pub(crate) key_pem: String,
}

/// How to tune the cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Durability {
    /// `fsync=off`, `synchronous_commit=off`: for tests, which kill clients, never the server.
    Relaxed,
    /// PostgreSQL's defaults: for the perf bench, so its figures are what a real server gives.
    Default,
}

/// Where `initdb` lives: `PATH` first, then the newest `/usr/lib/postgresql/*/bin`.
fn find_bin() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PATH") {
        for d in std::env::split_paths(&path) {
            if d.join("initdb").is_file() && d.join("pg_ctl").is_file() {
                return Some(d);
            }
        }
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|b| b.join("initdb").is_file())
        .collect();
    found.sort_by_key(|p| {
        p.parent().and_then(|v| v.file_name()).and_then(|v| v.to_str()).and_then(|v| v.parse::<u32>().ok())
    });
    found.pop()
}

fn is_root() -> bool {
    // `id -u` avoids unsafe code (geteuid) for a check made once per cluster.
    Command::new("id").arg("-u").output().ok().is_some_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl Cluster {
    /// Starts a cluster, or `None` after a loud message when PostgreSQL is not installed and
    /// servers are not required. Panics when it is installed but cannot start, or is missing
    /// while servers are required.
    pub(crate) fn start(durability: Durability) -> Option<Cluster> {
        Cluster::start_with(durability, None)
    }

    /// [`Cluster::start`], accepting TCP clients over TLS only when `tls` is given (the tests
    /// themselves connect over its Unix socket).
    pub(crate) fn start_with(durability: Durability, tls: Option<&ServerTls>) -> Option<Cluster> {
        let Some(bin) = find_bin() else {
            let why = "PostgreSQL's initdb is not on PATH nor in /usr/lib/postgresql/*/bin";
            if servers_required() {
                panic!("a throwaway PostgreSQL is required (CI / UNIDESK_REQUIRE_SERVERS) but {why}");
            }
            loud(&format!(
                "SKIPPING the Postgres tests: {why}. Install the `postgresql` package (apt-get install -y \
                 postgresql) to run them."
            ));
            return None;
        };
        match Cluster::try_start(&bin, durability, tls) {
            Ok(c) => Some(c),
            Err(e) => panic!("a throwaway PostgreSQL from {} could not start: {e}", bin.display()),
        }
    }

    fn try_start(bin: &Path, durability: Durability, tls: Option<&ServerTls>) -> Result<Cluster, String> {
        let t = Instant::now();
        let as_postgres = is_root();
        let dir =
            tempfile::Builder::new().prefix("unidesk-pg.").tempdir().map_err(|e| format!("temp dir: {e}"))?.keep();
        let mut cluster = Cluster {
            port: 0,
            startup_seconds: 0.0,
            dir,
            bin: bin.to_owned(),
            as_postgres,
            watchdog: None,
            databases: AtomicU32::new(0),
            tls_only: tls.is_some(),
        };
        if as_postgres {
            cluster.run(Command::new("chown").args(["-R", "postgres:postgres"]).arg(&cluster.dir))?;
        }
        let data = cluster.dir.join("data");
        let mut initdb = cluster.pg("initdb");
        initdb.arg("-D").arg(&data).args(["-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"]);
        cluster.run(&mut initdb)?;
        cluster.watchdog = cluster.spawn_watchdog().ok();
        let mut opts = format!("-c listen_addresses=127.0.0.1 -k {} -c max_connections=200", cluster.dir.display());
        if let Some(tls) = tls {
            cluster.write_tls(&data, tls)?;
            opts.push_str(" -c ssl=on -c ssl_cert_file=server.crt -c ssl_key_file=server.key");
        }
        if durability == Durability::Relaxed {
            opts.push_str(" -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        }
        // A port found free may be taken before the server binds it: try a few.
        let mut last = String::new();
        for _ in 0..5 {
            let port = free_port().map_err(|e| format!("a free port: {e}"))?;
            let mut start = cluster.pg("pg_ctl");
            start
                .arg("-D")
                .arg(&data)
                .arg("-l")
                .arg(cluster.dir.join("server.log"))
                .args(["-w", "-t", "60", "-o"])
                .arg(format!("{opts} -p {port}"))
                .arg("start");
            match cluster.run(&mut start) {
                Ok(()) => {
                    cluster.port = port;
                    cluster.startup_seconds = t.elapsed().as_secs_f64();
                    return Ok(cluster);
                }
                Err(e) => last = format!("{e}\n{}", cluster.server_log()),
            }
        }
        Err(last)
    }

    /// The certificate and key in the data directory (the key readable by the server's user
    /// alone, as PostgreSQL demands) and a `pg_hba.conf` that takes TCP clients over TLS only.
    fn write_tls(&self, data: &Path, tls: &ServerTls) -> Result<(), String> {
        use std::os::unix::fs::PermissionsExt;
        let write = |name: &str, text: &str, mode: u32| -> Result<(), String> {
            let path = data.join(name);
            std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode))
                .map_err(|e| format!("{}: {e}", path.display()))
        };
        write("server.crt", &tls.cert_pem, 0o644)?;
        write("server.key", &tls.key_pem, 0o600)?;
        write("pg_hba.conf", "local all all trust\nhostssl all all 127.0.0.1/32 trust\n", 0o600)?;
        if self.as_postgres {
            self.run(Command::new("chown").args(["-R", "postgres:postgres"]).arg(data))?;
        }
        Ok(())
    }

    /// A command for one of the server's binaries, as the `postgres` user when we are root.
    fn pg(&self, name: &str) -> Command {
        let exe = self.bin.join(name);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        }
    }

    fn run(&self, cmd: &mut Command) -> Result<(), String> {
        let out = cmd.stdin(Stdio::null()).output().map_err(|e| format!("{cmd:?}: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{cmd:?} exited with {}: {}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }

    /// A shell that waits for this process to end, then stops the cluster and removes its dir.
    fn spawn_watchdog(&self) -> std::io::Result<Child> {
        let pg_ctl = self.bin.join("pg_ctl");
        let stop = if self.as_postgres {
            format!("runuser -u postgres -- {} -D \"$1/data\" stop -m immediate", pg_ctl.display())
        } else {
            format!("{} -D \"$1/data\" stop -m immediate", pg_ctl.display())
        };
        let script = format!(
            "while kill -0 {} 2>/dev/null; do sleep 1; done; {stop} >/dev/null 2>&1; rm -rf \"$1\"",
            std::process::id()
        );
        Command::new("sh")
            .args(["-c", &script, "watchdog"])
            .arg(&self.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
    }

    /// The server's log (for failure messages).
    pub(crate) fn server_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    /// The connection URL of database `db` as the superuser.
    pub(crate) fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    /// A new, empty database (named after `label` and a counter); its connection URL.
    pub(crate) async fn fresh_database(&self, label: &str) -> String {
        let n = self.databases.fetch_add(1, Ordering::SeqCst);
        let clean: String = label.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').take(40).collect();
        let name = format!("t{n}_{}", clean.to_ascii_lowercase());
        let admin = if self.tls_only {
            format!("host={} port={} user=postgres dbname=postgres", self.dir.display(), self.port)
        } else {
            self.url("postgres")
        };
        let (client, conn) = tokio_postgres::connect(&admin, tokio_postgres::NoTls)
            .await
            .unwrap_or_else(|e| panic!("connecting to the throwaway cluster: {e}\n{}", self.server_log()));
        let task = tokio::spawn(conn);
        client.batch_execute(&format!("CREATE DATABASE {name}")).await.expect("CREATE DATABASE");
        drop(client);
        let _ = task.await;
        self.url(&name)
    }

    /// CPU seconds (user + system) used so far by the server's processes (the postmaster and
    /// its children: backends, WAL writer, checkpointer…), from `/proc` (Linux only; 0 elsewhere).
    pub(crate) fn server_cpu_seconds(&self) -> f64 {
        let Some(postmaster) = std::fs::read_to_string(self.dir.join("data/postmaster.pid"))
            .ok()
            .and_then(|t| t.lines().next().and_then(|l| l.trim().parse::<u32>().ok()))
        else {
            return 0.0;
        };
        let ticks: f64 = Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
            .unwrap_or(100.0);
        let mut total = 0u64;
        for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
            // Fields after the command (which may hold spaces): state ppid … utime(14) stime(15).
            let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else { continue };
            let f: Vec<&str> = rest.split_whitespace().collect();
            let pid = entry.file_name().to_string_lossy().parse::<u32>().unwrap_or(0);
            let ppid = f.get(1).and_then(|v| v.parse::<u32>().ok()).unwrap_or(0);
            if pid == postmaster || ppid == postmaster {
                total += f.get(11).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
                total += f.get(12).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
            }
        }
        total as f64 / ticks
    }

    /// Stops the server at once (`-m immediate`); used on drop.
    fn stop(&self) {
        let mut stop = self.pg("pg_ctl");
        stop.arg("-D").arg(self.dir.join("data")).args(["stop", "-m", "immediate"]);
        let _ = stop.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).status();
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.stop();
        if let Some(mut w) = self.watchdog.take() {
            let _ = w.kill();
            let _ = w.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The cluster kept in `cell` (one per test binary), started on first use with relaxed
/// durability; `None` (after a loud message) only when PostgreSQL is not installed and servers
/// are not required. `who` names the binary in the start-up line.
pub(crate) fn shared(cell: &'static std::sync::OnceLock<Option<Cluster>>, who: &str) -> Option<&'static Cluster> {
    cell.get_or_init(|| {
        let c = Cluster::start(Durability::Relaxed)?;
        eprintln!("{who}: PostgreSQL started in {:.1}s on port {}", c.startup_seconds, c.port);
        Some(c)
    })
    .as_ref()
}
