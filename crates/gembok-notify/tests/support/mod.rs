//! Test support: a self-signed certificate for loopback servers, and the real protocol
//! servers (HTTP receiver, SMTP server) the integration tests deliver to.
#![allow(dead_code)]

pub mod http;
pub mod smtp;

use std::sync::Arc;

use rustls::ServerConfig;
use rustls_pki_types::{pem::PemObject, PrivateKeyDer};

/// A self-signed certificate for `127.0.0.1` and `localhost`: its PEM (to trust) and a
/// rustls server configuration presenting it.
pub fn self_signed() -> (String, Arc<ServerConfig>) {
    let certified =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .expect("certificate");
    let cert_pem = certified.cert.pem();
    let key = PrivateKeyDer::from_pem_slice(certified.signing_key.serialize_pem().as_bytes())
        .expect("key");
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(vec![certified.cert.der().clone()], key)
        .expect("server config");
    (cert_pem, Arc::new(config))
}
