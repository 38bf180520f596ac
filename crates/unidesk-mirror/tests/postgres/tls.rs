//! TLS to Postgres: a throwaway cluster that takes TCP clients over TLS only, its certificate
//! issued for `localhost` by a test CA; each `sslmode` connects (or is refused) as libpq's
//! would, and the session the server sees is encrypted.

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use unidesk_core::Resource;
use unidesk_memory::MemoryHelpdesk;
use unidesk_mirror::store::postgres::schema::{self, ConnectError};
use unidesk_mirror::{Mirror, PostgresStore, Store};

use crate::cluster::{Cluster, Durability, ServerTls};

/// A CA's certificate (PEM) and the server certificate it issued for `names`, with its key.
fn issue(ca_name: &str, names: &[&str]) -> (String, ServerTls) {
    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name.push(DnType::CommonName, ca_name);
    let ca_cert = ca.self_signed(&ca_key).expect("CA certificate");
    let issuer = Issuer::new(ca, ca_key);
    let key = KeyPair::generate().expect("server key");
    let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    let cert = CertificateParams::new(names).expect("server params").signed_by(&key, &issuer).expect("signed");
    (ca_cert.pem(), ServerTls { cert_pem: cert.pem(), key_pem: key.serialize_pem() })
}

/// Whether the server sees this session encrypted (`pg_stat_ssl`).
async fn encrypted(client: &tokio_postgres::Client) -> bool {
    let row =
        client.query_one("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[]).await.expect("pg_stat_ssl");
    row.get(0)
}

#[tokio::test]
async fn each_sslmode_connects_or_is_refused_as_libpq_would() {
    let (ca_pem, server) = issue("unidesk test CA", &["localhost"]);
    let Some(cluster) = tokio::task::spawn_blocking(move || Cluster::start_with(Durability::Relaxed, Some(&server)))
        .await
        .expect("cluster start")
    else {
        return;
    };
    let db = cluster.fresh_database("tls").await;
    let name = db.rsplit('/').next().expect("a database name").to_owned();
    let dir = tempfile::tempdir().expect("tmp");
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &ca_pem).expect("write CA");
    let (stranger_pem, _) = issue("some other CA", &["localhost"]);
    let stranger = dir.path().join("stranger.pem");
    std::fs::write(&stranger, &stranger_pem).expect("write CA");
    let at = |host: &str, query: &str| format!("postgres://postgres@{host}:{}/{name}?{query}", cluster.port);

    // Encrypted without checking the certificate: libpq's default (`prefer`) and `require`.
    for url in [at("127.0.0.1", "connect_timeout=10"), at("127.0.0.1", "sslmode=require")] {
        let client = schema::connect(&url).await.unwrap_or_else(|e| panic!("{url}: {e}"));
        assert!(encrypted(&client).await, "{url}: the session is not encrypted");
    }
    // The certificate checked against the test CA: its chain (`verify-ca`, and `require`
    // given a root file), and its name (`verify-full`, at the name it was issued for).
    let root = format!("sslrootcert={}", ca.display());
    for url in [
        at("127.0.0.1", &format!("sslmode=verify-ca&{root}")),
        at("127.0.0.1", &format!("sslmode=require&{root}")),
        at("localhost", &format!("sslmode=verify-full&{root}")),
    ] {
        let client = schema::connect(&url).await.unwrap_or_else(|e| panic!("{url}: {e}"));
        assert!(encrypted(&client).await, "{url}: the session is not encrypted");
    }

    // Refused: plain text (the server takes TLS only), a certificate from another CA, a
    // certificate for another name than the host dialled.
    let refused = |url: String| async move {
        let e = schema::connect(&url).await.err().unwrap_or_else(|| panic!("{url}: connected"));
        assert!(matches!(e, ConnectError::Db(_)), "{url}: {e:?}");
        e.to_string()
    };
    let e = refused(at("127.0.0.1", "sslmode=disable")).await;
    assert!(e.contains("no encryption") || e.contains("pg_hba.conf"), "{e}");
    for url in [
        at("localhost", &format!("sslmode=verify-full&sslrootcert={}", stranger.display())),
        at("127.0.0.1", &format!("sslmode=require&sslrootcert={}", stranger.display())),
    ] {
        let e = refused(url.clone()).await;
        assert!(e.contains("certificate") && e.contains("UnknownIssuer"), "{url}: {e}");
    }
    let e = refused(at("127.0.0.1", &format!("sslmode=verify-full&{root}"))).await;
    assert!(e.contains("certificate not valid for name \"127.0.0.1\""), "{e}");

    // The store over verify-full: its migrations, a full sync and its status.
    let url = at("localhost", &format!("sslmode=verify-full&{root}"));
    let store = PostgresStore::open(&url).await.unwrap_or_else(|e| panic!("{url}: {e}"));
    let desk = MemoryHelpdesk::with_sample_data(20);
    Mirror::new(&desk, &store, "acme").sync().await.expect("a sync over TLS");
    let status = store.status().await.expect("status");
    assert!(status.iter().any(|s| s.resource == Resource::Ticket && s.records == 20), "{status:?}");
}

#[tokio::test]
async fn a_url_asking_for_what_is_not_supported_is_an_invalid_spec_before_any_connection() {
    // Port 1 on loopback: nothing listens, so only an error found before connecting passes.
    for (url, says) in [
        ("postgres://app:s3cret@127.0.0.1:1/m?sslmode=verify", "sslmode=verify is not one of"),
        ("postgres://app:s3cret@127.0.0.1:1/m?sslcert=/c.pem", "client certificates are not supported"),
        (
            "postgres://app:s3cret@127.0.0.1:1/m?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem",
            "/nonexistent/ca.pem",
        ),
        ("postgres://app:s3cret@127.0.0.1:1/m?nonsense=1", "nonsense"),
    ] {
        let e = PostgresStore::open(url).await.err().unwrap_or_else(|| panic!("{url}: opened"));
        let text = e.to_string();
        assert!(matches!(e, unidesk_mirror::MirrorError::InvalidSpec { .. }), "{url}: {e:?}");
        assert!(text.contains(says) && !text.contains("s3cret"), "{url}: {text}");
    }
}
