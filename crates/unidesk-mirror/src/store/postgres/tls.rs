//! TLS to Postgres over rustls, with libpq's `sslmode` meanings and its `sslrootcert`:
//!
//! | `sslmode` | encrypted | the server's certificate |
//! | --- | --- | --- |
//! | `disable` | never | — |
//! | `allow`, `prefer` (the default) | when the server offers TLS | not checked |
//! | `require` | always | not checked; with `sslrootcert`, its chain (as `verify-ca`) |
//! | `verify-ca` | always | chains to a trusted root |
//! | `verify-full` | always | chains to a trusted root and names the host |
//!
//! `sslrootcert=FILE` (PEM, one or more certificates) gives the trusted roots;
//! `sslrootcert=system`, or none with `verify-ca`/`verify-full`, the operating system's.
//! Client certificates (`sslcert`, `sslkey`) are refused rather than ignored. Every other
//! parameter goes to tokio-postgres unchanged.

use std::path::PathBuf;
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres::config::{Config, SslMode};
use tokio_postgres_rustls::MakeRustlsConnect;

/// Why a connection to Postgres could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectError {
    /// The URL is not understood, or asks for what is not supported (client certificates).
    #[error("postgres URL: {0}")]
    Url(String),
    /// The trusted roots (`sslrootcert`) could not be read or hold no certificate.
    #[error("the trusted roots in {path}: {reason}")]
    Roots {
        /// The file, or `system` for the operating system's store.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The TLS settings could not be built (the crypto provider refused them).
    #[error("postgres TLS settings: {0}")]
    Tls(#[source] rustls::Error),
    /// Connecting failed: refused, the TLS handshake or the certificate check, authentication.
    /// Its message carries the causes (tokio-postgres's own says only "db error" or "error
    /// performing TLS handshake").
    #[error("postgres: {}", unidesk_core::error::source_chain(.0))]
    Db(#[from] tokio_postgres::Error),
}

/// `sslmode`, as libpq reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl Mode {
    fn parse(value: &str) -> Result<Mode, ConnectError> {
        Ok(match value {
            "disable" => Mode::Disable,
            // libpq's `allow` tries plain text first and `prefer` TLS first; both take what
            // the server offers, which is what `prefer` does here.
            "allow" | "prefer" => Mode::Prefer,
            "require" => Mode::Require,
            "verify-ca" => Mode::VerifyCa,
            "verify-full" => Mode::VerifyFull,
            other => {
                return Err(ConnectError::Url(format!(
                    "sslmode={other} is not one of disable, allow, prefer, require, verify-ca, verify-full"
                )));
            }
        })
    }
}

/// Where trusted roots come from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Roots {
    System,
    File(PathBuf),
}

/// A connection's settings: tokio-postgres's config and the TLS connector to hand it.
#[derive(Clone)]
pub(crate) struct Target {
    pub(crate) config: Config,
    pub(crate) tls: MakeRustlsConnect,
}

/// Reads `url` (`postgres://…?…` or `key=value …`): the TLS parameters here, the rest by
/// tokio-postgres.
pub(crate) fn target(url: &str) -> Result<Target, ConnectError> {
    let (rest, mode, roots) = split_tls_params(url)?;
    let mut config: Config =
        rest.parse().map_err(|e: tokio_postgres::Error| ConnectError::Url(unidesk_core::error::source_chain(&e)))?;
    let mode = mode.unwrap_or(Mode::Prefer);
    config.ssl_mode(match mode {
        Mode::Disable => SslMode::Disable,
        Mode::Prefer => SslMode::Prefer,
        Mode::Require | Mode::VerifyCa | Mode::VerifyFull => SslMode::Require,
    });
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier: Arc<dyn ServerCertVerifier> = match (mode, roots) {
        (Mode::Disable | Mode::Prefer, _) | (Mode::Require, None) => {
            Arc::new(Lenient { chain: None, provider: Arc::clone(&provider) })
        }
        (Mode::Require | Mode::VerifyCa, roots) => {
            Arc::new(Lenient { chain: Some(webpki(load_roots(roots)?, &provider)?), provider: Arc::clone(&provider) })
        }
        (Mode::VerifyFull, roots) => webpki(load_roots(roots)?, &provider)?,
    };
    let tls = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(ConnectError::Tls)?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(Target { config, tls: MakeRustlsConnect::new(tls) })
}

/// `url` without `sslmode`/`sslrootcert`, and their values.
fn split_tls_params(url: &str) -> Result<(String, Option<Mode>, Option<Roots>), ConnectError> {
    let mut mode = None;
    let mut roots = None;
    let mut take = |key: &str, value: &str| -> Result<bool, ConnectError> {
        match key {
            "sslmode" => mode = Some(Mode::parse(value)?),
            "sslrootcert" if value == "system" => roots = Some(Roots::System),
            "sslrootcert" if value.is_empty() => return Err(ConnectError::Url("sslrootcert is empty".into())),
            "sslrootcert" => roots = Some(Roots::File(PathBuf::from(value))),
            "sslcert" | "sslkey" | "sslpassword" => {
                return Err(ConnectError::Url(format!(
                    "{key}: client certificates are not supported; authenticate with a password"
                )));
            }
            _ => return Ok(false),
        }
        Ok(true)
    };
    let rest = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut kept = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = percent_encoding::percent_decode_str(value)
                .decode_utf8()
                .map_err(|_| ConnectError::Url(format!("{key}: its value is not UTF-8 once decoded")))?;
            if !take(key, &value)? {
                kept.push(pair);
            }
        }
        if kept.is_empty() { base.to_owned() } else { format!("{base}?{}", kept.join("&")) }
    } else {
        let mut kept = Vec::new();
        for word in url.split_whitespace() {
            let (key, value) = word.split_once('=').unwrap_or((word, ""));
            if matches!(key, "sslmode" | "sslrootcert") && value.starts_with('\'') {
                return Err(ConnectError::Url(format!("{key}: give it unquoted, or use a postgres:// URL")));
            }
            if !take(key, value)? {
                kept.push(word);
            }
        }
        kept.join(" ")
    };
    Ok((rest, mode, roots))
}

fn load_roots(roots: Option<Roots>) -> Result<RootCertStore, ConnectError> {
    let mut store = RootCertStore::empty();
    match roots.unwrap_or(Roots::System) {
        Roots::File(path) => {
            let bad = |reason: String| ConnectError::Roots { path: path.clone(), reason };
            let pem = std::fs::read(&path).map_err(|e| bad(e.to_string()))?;
            for cert in CertificateDer::pem_slice_iter(&pem) {
                let cert = cert.map_err(|e| bad(format!("not PEM certificates: {e}")))?;
                store.add(cert).map_err(|e| bad(format!("a certificate cannot be a root: {e}")))?;
            }
            if store.is_empty() {
                return Err(bad("no certificate in it".into()));
            }
        }
        Roots::System => {
            let found = rustls_native_certs::load_native_certs();
            store.add_parsable_certificates(found.certs);
            if store.is_empty() {
                let reason = match found.errors.first() {
                    Some(e) => format!("no certificate found ({e})"),
                    None => "no certificate found".into(),
                };
                return Err(ConnectError::Roots { path: PathBuf::from("system"), reason });
            }
        }
    }
    Ok(store)
}

fn webpki(roots: RootCertStore, provider: &Arc<CryptoProvider>) -> Result<Arc<WebPkiServerVerifier>, ConnectError> {
    WebPkiServerVerifier::builder_with_provider(Arc::new(roots), Arc::clone(provider))
        .build()
        .map_err(|e| ConnectError::Url(format!("the trusted roots: {e}")))
}

/// The certificate check of `prefer`/`require` and `verify-ca`; `verify-full` uses rustls's
/// own. With `chain`, the certificate must chain to a trusted root but may name another host
/// (libpq's `verify-ca`); without, any certificate is accepted (libpq's `prefer`/`require`:
/// encrypted, but open to an active man in the middle). Either way the server must prove it
/// holds the certificate's key.
#[derive(Debug)]
struct Lenient {
    chain: Option<Arc<WebPkiServerVerifier>>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Lenient {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let Some(chain) = &self.chain else { return Ok(ServerCertVerified::assertion()) };
        // The name is checked only once the chain is valid, so a name error means the chain was.
        match chain.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(url: &str) -> (String, Option<Mode>, Option<Roots>) {
        split_tls_params(url).expect("splits")
    }

    #[test]
    fn the_tls_parameters_are_taken_out_and_the_rest_is_left_as_written() {
        let (rest, mode, roots) = split(
            "postgres://u:p%40ss@db:5432/m?sslmode=verify-full&connect_timeout=5&sslrootcert=%2Ftmp%2Fca%20x.pem",
        );
        assert_eq!(rest, "postgres://u:p%40ss@db:5432/m?connect_timeout=5");
        assert_eq!(mode, Some(Mode::VerifyFull));
        assert_eq!(roots, Some(Roots::File(PathBuf::from("/tmp/ca x.pem"))));
        assert_eq!(split("postgresql://db/m?sslmode=require"), ("postgresql://db/m".into(), Some(Mode::Require), None));
        assert_eq!(split("postgres://db/m"), ("postgres://db/m".into(), None, None));
        let (rest, mode, roots) = split("host=db dbname=m sslmode=verify-ca sslrootcert=system user=u");
        assert_eq!(
            (rest.as_str(), mode, roots),
            ("host=db dbname=m user=u", Some(Mode::VerifyCa), Some(Roots::System))
        );
        assert_eq!(split("postgres://db/m?sslmode=allow").1, Some(Mode::Prefer));
    }

    #[test]
    fn unknown_modes_client_certificates_and_bad_roots_are_typed_errors() {
        for (url, says) in [
            ("postgres://db/m?sslmode=verify", "sslmode=verify is not one of"),
            ("postgres://db/m?sslcert=/c.pem&sslkey=/k.pem", "client certificates are not supported"),
            ("postgres://db/m?sslrootcert=", "sslrootcert is empty"),
            ("host=db sslrootcert='/a b.pem'", "give it unquoted"),
        ] {
            let e = split_tls_params(url).expect_err(url);
            assert!(matches!(e, ConnectError::Url(_)) && e.to_string().contains(says), "{url}: {e}");
        }
        let dir = tempfile::tempdir().expect("tmp");
        let missing = dir.path().join("missing.pem");
        let url = format!("postgres://db/m?sslmode=verify-full&sslrootcert={}", missing.display());
        let e = target(&url).err().expect("a missing root file");
        assert!(matches!(&e, ConnectError::Roots { path, .. } if *path == missing), "{e}");
        let junk = dir.path().join("junk.pem");
        std::fs::write(&junk, "not a certificate").expect("write");
        let url = format!("postgres://db/m?sslmode=verify-ca&sslrootcert={}", junk.display());
        let e = target(&url).err().expect("no certificate in the file");
        assert!(e.to_string().contains("no certificate in it"), "{e}");
    }

    #[test]
    fn the_mode_reaches_tokio_postgres() {
        let mode = |url: &str| target(url).map(|t| t.config.get_ssl_mode()).map_err(|e| e.to_string());
        assert_eq!(mode("postgres://db/m"), Ok(SslMode::Prefer));
        assert_eq!(mode("postgres://db/m?sslmode=disable"), Ok(SslMode::Disable));
        assert_eq!(mode("postgres://db/m?sslmode=require"), Ok(SslMode::Require));
        assert!(mode("postgres://db/m?sslmode=require&nonsense=1").is_err_and(|e| e.contains("nonsense")));
    }
}
