//! One client connection: the TLS handshake (bounded in time), then HTTP/1.1 or HTTP/2
//! with a header-read timeout, a header size cap and the client's address attached to
//! every request.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::Watcher;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpStream;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use crate::state::ClientAddr;
use crate::Limits;

pub(super) struct Connection {
    pub router: axum::Router,
    pub tls: Option<TlsAcceptor>,
    pub limits: Arc<Limits>,
    pub watcher: Watcher,
}

impl Connection {
    pub async fn serve(self, tcp: TcpStream, peer: SocketAddr) {
        let _ = tcp.set_nodelay(true);
        let client = ClientAddr::new(peer.ip());
        let service =
            TowerToHyperService::new(self.router.map_request(move |mut req: Request<Incoming>| {
                req.extensions_mut().insert(client);
                req
            }));
        let builder = builder(&self.limits);
        let result = match self.tls {
            Some(acceptor) => {
                let handshake =
                    tokio::time::timeout(self.limits.tls_handshake_timeout, acceptor.accept(tcp))
                        .await;
                let stream = match handshake {
                    Ok(Ok(s)) => s,
                    Ok(Err(e)) => {
                        // Old protocol versions, plain HTTP on the TLS port, scanners.
                        tracing::debug!(error = %e, "TLS handshake failed");
                        return;
                    }
                    Err(_) => {
                        tracing::debug!("TLS handshake timed out");
                        return;
                    }
                };
                let conn = builder.serve_connection(TokioIo::new(stream), service);
                self.watcher.watch(conn.into_owned()).await
            }
            None => {
                let conn = builder.serve_connection(TokioIo::new(tcp), service);
                self.watcher.watch(conn.into_owned()).await
            }
        };
        if let Err(e) = result {
            tracing::debug!(error = %e, "connection ended with an error");
        }
    }
}

fn builder(limits: &Limits) -> auto::Builder<TokioExecutor> {
    let mut b = auto::Builder::new(TokioExecutor::new());
    b.http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(limits.max_header_bytes.max(8192))
        .max_headers(limits.max_headers);
    b.http2()
        .timer(TokioTimer::new())
        .max_header_list_size(u32::try_from(limits.max_header_bytes).unwrap_or(u32::MAX))
        .max_concurrent_streams(128);
    b
}
