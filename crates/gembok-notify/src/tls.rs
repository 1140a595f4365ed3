//! The rustls client configuration shared by the webhook channel: aws-lc-rs as the crypto
//! provider, the Mozilla roots from `webpki-roots`, plus optional extra roots given as PEM
//! (a private CA, or a test server's self-signed certificate).
use std::sync::Arc;

use rustls::{ClientConfig, RootCertStore};
use rustls_pki_types::{pem::PemObject, CertificateDer};

use crate::NotifyError;

/// Parses every certificate in `pem`; an input without one is a configuration error.
pub(crate) fn parse_pem_certs(pem: &str) -> Result<Vec<CertificateDer<'static>>, NotifyError> {
    let certs = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| NotifyError::Config("extra root certificate is not valid PEM".into()))?;
    if certs.is_empty() {
        return Err(NotifyError::Config(
            "extra root certificate PEM holds no certificate".into(),
        ));
    }
    Ok(certs)
}

/// A client config trusting the web PKI roots and `extra_root_pem`, with aws-lc-rs.
pub(crate) fn client_config(extra_root_pem: Option<&str>) -> Result<ClientConfig, NotifyError> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(pem) = extra_root_pem {
        for cert in parse_pem_certs(pem)? {
            roots
                .add(cert)
                .map_err(|_| NotifyError::Config("extra root certificate is not usable".into()))?;
        }
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|_| NotifyError::Config("TLS provider rejected protocol versions".into()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(config)
}
