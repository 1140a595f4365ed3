//! Keep-alive TLS connections of the load generator: TCP, a rustls handshake that
//! trusts only the server's self-signed certificate, then an HTTP/1.1 or HTTP/2 client
//! connection from hyper's low-level API.
//!
//! hyper's connection API rather than a pooled client (reqwest) so that the benchmark
//! controls exactly how many connections exist and that each carries one request at a
//! time: the concurrency in the report is the concurrency on the wire.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::{http1, http2};
use hyper::{Request, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use super::Protocol;

/// Makes connections to one server.
pub struct Connector {
    addr: SocketAddr,
    tls: TlsConnector,
    protocol: Protocol,
}

/// What the TLS handshake settled on, for the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Negotiated {
    pub version: String,
    pub suite: String,
    pub alpn: String,
}

/// One open connection; requests go one at a time.
pub enum Conn {
    H1(http1::SendRequest<Full<Bytes>>),
    H2(http2::SendRequest<Full<Bytes>>),
}

impl Connector {
    /// A connector trusting the PEM certificate at `cert`, offering only `protocol`.
    pub fn new(cert: &Path, addr: SocketAddr, protocol: Protocol) -> Result<Self> {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(
            CertificateDer::from_pem_file(cert)
                .with_context(|| format!("cannot read {}", cert.display()))?,
        )?;
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.alpn_protocols = vec![match protocol {
            Protocol::H1 => b"http/1.1".to_vec(),
            Protocol::H2 => b"h2".to_vec(),
        }];
        Ok(Connector {
            addr,
            tls: TlsConnector::from(Arc::new(config)),
            protocol,
        })
    }

    /// Open one connection; its driver runs as a task of the current runtime and ends
    /// when the returned [`Conn`] is dropped.
    pub async fn connect(&self) -> Result<(Conn, Negotiated)> {
        let tcp = TcpStream::connect(self.addr).await?;
        tcp.set_nodelay(true)?;
        let name = ServerName::try_from("localhost")?;
        let tls = self.tls.connect(name, tcp).await?;
        let session = tls.get_ref().1;
        let negotiated = Negotiated {
            version: session
                .protocol_version()
                .map_or("none".into(), |v| format!("{v:?}")),
            suite: session
                .negotiated_cipher_suite()
                .map_or("none".into(), |s| format!("{:?}", s.suite())),
            alpn: session
                .alpn_protocol()
                .map_or("none".into(), |p| String::from_utf8_lossy(p).into_owned()),
        };
        let io = TokioIo::new(tls);
        let conn = match self.protocol {
            Protocol::H1 => {
                let (send, driver) = http1::handshake(io).await?;
                tokio::spawn(driver);
                Conn::H1(send)
            }
            Protocol::H2 => {
                if negotiated.alpn != "h2" {
                    bail!(
                        "the server did not agree to HTTP/2 (ALPN: {})",
                        negotiated.alpn
                    );
                }
                let (send, driver) = http2::handshake(TokioExecutor::new(), io).await?;
                tokio::spawn(driver);
                Conn::H2(send)
            }
        };
        Ok((conn, negotiated))
    }
}

impl Conn {
    /// Send one request and read the whole response body.
    pub async fn send(&mut self, req: Request<Full<Bytes>>) -> Result<(StatusCode, Bytes)> {
        let resp = match self {
            Conn::H1(s) => {
                s.ready().await?;
                s.send_request(req).await?
            }
            Conn::H2(s) => {
                s.ready().await?;
                s.send_request(req).await?
            }
        };
        let status = resp.status();
        let body = resp.into_body().collect().await?.to_bytes();
        Ok((status, body))
    }
}
