//! TLS: the rustls server configuration and loading of PEM certificates and keys.
//!
//! rustls' defaults would already be TLS 1.2 and 1.3 with AEAD suites, but the policy is
//! written out here so that a change of defaults upstream cannot widen it: protocol
//! versions TLS 1.3 and TLS 1.2 only; TLS 1.3 suites AES-256-GCM, AES-128-GCM and
//! ChaCha20-Poly1305; TLS 1.2 suites ECDHE (ECDSA or RSA) with the same AEADs and
//! nothing else (no CBC, no static RSA key exchange, no SHA-1 MACs); key exchange over
//! X25519, P-256, P-384 and the X25519+ML-KEM-768 hybrid. ALPN offers `h2` and
//! `http/1.1`. TLS 1.0 and 1.1 are not implemented by rustls at all.

mod selfsigned;

use std::path::Path;
use std::sync::Arc;

use rustls::crypto::aws_lc_rs::{cipher_suite as cs, kx_group};
use rustls::crypto::CryptoProvider;
use rustls::version::{TLS12, TLS13};
use rustls::SupportedCipherSuite;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::ServerError;

pub use selfsigned::{certificate_fingerprint, generate_self_signed};

/// The only cipher suites the server accepts: AEAD, and ECDHE for TLS 1.2.
pub(crate) const CIPHER_SUITES: [SupportedCipherSuite; 9] = [
    cs::TLS13_AES_256_GCM_SHA384,
    cs::TLS13_AES_128_GCM_SHA256,
    cs::TLS13_CHACHA20_POLY1305_SHA256,
    cs::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    cs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    cs::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    cs::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    cs::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    cs::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
];

/// The aws-lc-rs provider narrowed to [`CIPHER_SUITES`] and ECDHE groups.
pub(crate) fn provider() -> CryptoProvider {
    let mut provider = rustls::crypto::aws_lc_rs::default_provider();
    provider.cipher_suites = CIPHER_SUITES.to_vec();
    provider.kx_groups = vec![
        kx_group::X25519,
        kx_group::SECP256R1,
        kx_group::SECP384R1,
        kx_group::X25519MLKEM768,
    ];
    provider
}

/// The server's rustls configuration for a PEM certificate chain and key.
pub fn rustls_server_config(cert: &Path, key: &Path) -> Result<rustls::ServerConfig, ServerError> {
    let chain = load_certs(cert)?;
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| ServerError::TlsFile {
        path: key.to_path_buf(),
        reason: pem_reason(&e),
    })?;
    config_from_parts(chain, key)
}

pub(crate) fn config_from_parts(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<rustls::ServerConfig, ServerError> {
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(provider()))
        .with_protocol_versions(&[&TLS13, &TLS12])
        .map_err(|e| ServerError::Tls(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| ServerError::Tls(format!("certificate and key do not fit together: {e}")))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

fn load_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, ServerError> {
    let err = |reason: String| ServerError::TlsFile {
        path: path.to_path_buf(),
        reason,
    };
    let chain = CertificateDer::pem_file_iter(path)
        .map_err(|e| err(pem_reason(&e)))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| err(pem_reason(&e)))?;
    if chain.is_empty() {
        return Err(err("no certificate in the file".into()));
    }
    Ok(chain)
}

/// A reason that never quotes file contents (a key file is secret).
fn pem_reason(e: &rustls_pki_types::pem::Error) -> String {
    use rustls_pki_types::pem::Error as E;
    match e {
        E::Io(io) => io.to_string(),
        E::NoItemsFound => "no PEM item of the expected kind found".into(),
        _ => "not a valid PEM file".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_aead_ecdhe_suites_and_modern_versions() {
        for suite in CIPHER_SUITES {
            let name = format!("{:?}", suite.suite());
            assert!(
                name.contains("GCM") || name.contains("CHACHA20_POLY1305"),
                "{name} is not AEAD"
            );
            if suite.version() == &TLS12 {
                assert!(name.starts_with("TLS_ECDHE_"), "{name} is not ECDHE");
            } else {
                assert_eq!(suite.version(), &TLS13, "{name}");
            }
        }
        let p = provider();
        assert_eq!(p.cipher_suites.len(), 9);
        assert!(p.kx_groups.iter().all(|g| {
            let n = format!("{:?}", g.name());
            n.contains("X25519") || n.contains("secp256r1") || n.contains("secp384r1")
        }));
    }

    #[test]
    fn config_offers_h2_and_http11() {
        let dir = tempfile::tempdir().unwrap();
        let (cert, key, _) = generate_self_signed(dir.path()).unwrap();
        let config = rustls_server_config(&cert, &key).unwrap();
        assert_eq!(
            config.alpn_protocols,
            vec![b"h2".to_vec(), b"http/1.1".to_vec()]
        );
    }

    #[test]
    fn missing_or_garbage_files_are_named_without_contents() {
        let dir = tempfile::tempdir().unwrap();
        let garbage = dir.path().join("key.pem");
        std::fs::write(&garbage, "SECRET-MATERIAL-NOT-PEM").unwrap();
        let err = rustls_server_config(&garbage, &garbage)
            .unwrap_err()
            .to_string();
        assert!(err.contains("key.pem"), "{err}");
        assert!(!err.contains("SECRET-MATERIAL"), "{err}");
        let err = rustls_server_config(&dir.path().join("nope.pem"), &garbage)
            .unwrap_err()
            .to_string();
        assert!(err.contains("nope.pem"), "{err}");
    }
}
