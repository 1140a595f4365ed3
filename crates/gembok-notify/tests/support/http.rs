//! A real HTTP(S) webhook receiver on loopback (axum), recording each request and
//! answering from a script of status codes (then 200), optionally holding each answer
//! until the test releases it.
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use rustls::ServerConfig;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, Semaphore};

/// One request as received.
#[derive(Debug, Clone)]
pub struct Hit {
    pub timestamp: String,
    pub signature: String,
    pub body: Vec<u8>,
}

#[derive(Clone)]
struct Shared {
    script: Arc<Mutex<VecDeque<u16>>>,
    hits: mpsc::UnboundedSender<Hit>,
    gate: Option<Arc<Semaphore>>,
}

/// A running receiver.
pub struct Receiver {
    pub addr: SocketAddr,
    pub hits: mpsc::UnboundedReceiver<Hit>,
    /// When the receiver was started gated, each answer waits for one permit here.
    pub gate: Option<Arc<Semaphore>>,
}

impl Receiver {
    /// Every request received so far.
    pub fn drain(&mut self) -> Vec<Hit> {
        let mut all = Vec::new();
        while let Ok(h) = self.hits.try_recv() {
            all.push(h);
        }
        all
    }
}

async fn hook(State(s): State<Shared>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let _ = s.hits.send(Hit {
        timestamp: header("gembok-timestamp"),
        signature: header("gembok-signature"),
        body: body.to_vec(),
    });
    if let Some(gate) = &s.gate {
        gate.acquire().await.expect("gate").forget();
    }
    let code = s.script.lock().unwrap().pop_front().unwrap_or(200);
    StatusCode::from_u16(code).unwrap()
}

/// Starts a receiver on 127.0.0.1, over TLS when `tls` is given.
pub async fn start(script: &[u16], tls: Option<Arc<ServerConfig>>, gated: bool) -> Receiver {
    let (tx, rx) = mpsc::unbounded_channel();
    let gate = gated.then(|| Arc::new(Semaphore::new(0)));
    let shared = Shared {
        script: Arc::new(Mutex::new(script.iter().copied().collect())),
        hits: tx,
        gate: gate.clone(),
    };
    let app = Router::new().route("/hook", post(hook)).with_state(shared);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    match tls {
        None => {
            tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        }
        Some(config) => {
            let acceptor = tokio_rustls::TlsAcceptor::from(config);
            tokio::spawn(async move {
                loop {
                    let (tcp, _) = listener.accept().await.unwrap();
                    let acceptor = acceptor.clone();
                    let app = app.clone();
                    tokio::spawn(async move {
                        let Ok(stream) = acceptor.accept(tcp).await else {
                            return;
                        };
                        let _ = hyper::server::conn::http1::Builder::new()
                            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(app))
                            .await;
                    });
                }
            });
        }
    }
    Receiver {
        addr,
        hits: rx,
        gate,
    }
}
