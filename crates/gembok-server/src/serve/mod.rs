//! [`Server`]: binds the API (and the metrics) listener, then serves until shut down.
//!
//! The accept loop is ours rather than `axum::serve` so that TLS, the header-read
//! timeout against slowloris, header size limits and the connection cap are all set
//! explicitly (see [`conn`]).

mod conn;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use gembok_core::accounts::Accounts;
use gembok_core::apikeys::ApiKeys;
use gembok_core::Gate;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};
use tokio_rustls::TlsAcceptor;

use crate::jobs::Jobs;
use crate::metrics::Metrics;
use crate::middleware::counter::Redis;
use crate::middleware::login_limit::LoginLimit;
use crate::middleware::ratelimit::RateLimits;
use crate::state::AppState;
use crate::{routes, tls, LifecycleConfig, Limits, ServerConfig, ServerError, TlsSource};

/// A bound, not yet running server.
pub struct Server {
    listener: TcpListener,
    metrics_listener: Option<TcpListener>,
    tls: Option<TlsAcceptor>,
    router: axum::Router,
    metrics: Arc<Metrics>,
    rate: Arc<RateLimits>,
    login_limit: Arc<LoginLimit>,
    limits: Arc<Limits>,
    gate: Arc<Gate>,
    lifecycle: Arc<LifecycleConfig>,
    local_addr: SocketAddr,
    metrics_addr: Option<SocketAddr>,
    stop: Arc<watch::Sender<bool>>,
}

/// Stops a running [`Server`]: it stops accepting, lets requests in flight finish (up
/// to the request timeout) and returns from [`Server::run`].
#[derive(Clone)]
pub struct ShutdownHandle(Arc<watch::Sender<bool>>);

impl ShutdownHandle {
    pub fn shutdown(&self) {
        self.0.send_replace(true);
    }
}

fn is_loopback(addr: &SocketAddr) -> bool {
    addr.ip().to_canonical().is_loopback()
}

async fn bind(addr: SocketAddr) -> Result<TcpListener, ServerError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| ServerError::Bind { addr, source })
}

impl Server {
    /// Check the configuration, load the certificate and bind the listeners. Plain
    /// HTTP is refused on any address but loopback, and so is a metrics address that
    /// is not loopback. `keys` authenticates API keys, `accounts` staff sessions; both
    /// must be over the gate's store.
    pub async fn bind(
        config: ServerConfig,
        gate: Arc<Gate>,
        keys: Arc<ApiKeys>,
        accounts: Arc<Accounts>,
    ) -> Result<Self, ServerError> {
        let tls = match &config.tls {
            TlsSource::Pem { cert, key } => Some(TlsAcceptor::from(Arc::new(
                tls::rustls_server_config(cert, key)?,
            ))),
            TlsSource::InsecureHttp => {
                if !is_loopback(&config.listen) {
                    return Err(ServerError::InsecureNotLoopback(config.listen));
                }
                tracing::warn!(
                    listen = %config.listen,
                    "serving PLAIN HTTP without TLS: for development on this machine only"
                );
                None
            }
        };
        if let Some(m) = config.metrics_listen.filter(|m| !is_loopback(m)) {
            return Err(ServerError::MetricsNotLoopback(m));
        }
        let listener = bind(config.listen).await?;
        let metrics_listener = match config.metrics_listen {
            Some(addr) => Some(bind(addr).await?),
            None => None,
        };
        let local_addr = listener.local_addr()?;
        let metrics_addr = metrics_listener
            .as_ref()
            .map(TcpListener::local_addr)
            .transpose()?;
        let limits = Arc::new(config.limits);
        let metrics = Arc::new(Metrics::default());
        let shared = match &limits.redis_url {
            Some(crate::RedisUrl(url)) => {
                let vault_id = gate.vault_info().vault_id;
                let redis = Redis::new(url, &vault_id).map_err(|e| {
                    // The driver's message may quote the URL, password included.
                    ServerError::Redis(format!("{:?}", e.kind()))
                })?;
                tracing::info!("rate limits are counted in Redis, shared by every server");
                Some(Arc::new(redis))
            }
            None => None,
        };
        let rate = Arc::new(RateLimits::new(&limits, shared.as_ref()));
        let login_limit = Arc::new(LoginLimit::new(
            limits.login_attempts_per_minute,
            shared.as_ref(),
        ));
        let lifecycle = Arc::new(config.lifecycle);
        let router = routes::api_router(
            AppState {
                gate: Arc::clone(&gate),
                keys,
                accounts,
                limits: Arc::clone(&limits),
                rate: Arc::clone(&rate),
                metrics: Arc::clone(&metrics),
                lifecycle: Arc::clone(&lifecycle),
            },
            Arc::clone(&login_limit),
        );
        let (stop, _) = watch::channel(false);
        Ok(Server {
            listener,
            metrics_listener,
            tls,
            router,
            metrics,
            rate,
            login_limit,
            limits,
            gate,
            lifecycle,
            local_addr,
            metrics_addr,
            stop: Arc::new(stop),
        })
    }

    /// The API's address (with the real port when bound to port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The metrics listener's address, if any.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_addr
    }

    /// Whether the API is served over TLS.
    pub fn is_tls(&self) -> bool {
        self.tls.is_some()
    }

    pub fn shutdown_handle(&self) -> ShutdownHandle {
        ShutdownHandle(Arc::clone(&self.stop))
    }

    /// Serve until Ctrl-C, SIGTERM or [`ShutdownHandle::shutdown`], running the
    /// lifecycle's scheduled jobs (retention, overdue rights requests) meanwhile.
    pub async fn run(self) -> Result<(), ServerError> {
        let jobs = Jobs::start(Arc::clone(&self.gate), &self.lifecycle);
        let stop = Arc::clone(&self.stop);
        let signals = tokio::spawn(async move {
            wait_for_signal().await;
            stop.send_replace(true);
        });
        let rate = Arc::clone(&self.rate);
        let login_limit = Arc::clone(&self.login_limit);
        let sweeper = tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(60));
            loop {
                tick.tick().await;
                rate.forget_idle();
                login_limit.forget_idle();
            }
        });
        let metrics_task = self.metrics_listener.map(|l| {
            let router = crate::metrics::router(Arc::clone(&self.metrics));
            let mut rx = self.stop.subscribe();
            tokio::spawn(async move {
                let stop = async move { stopped(&mut rx).await };
                if let Err(e) = axum::serve(l, router).with_graceful_shutdown(stop).await {
                    tracing::error!(error = %e, "metrics listener failed");
                }
            })
        });

        let graceful = GracefulShutdown::new();
        let slots = Arc::new(Semaphore::new(self.limits.max_connections.max(1)));
        let mut rx = self.stop.subscribe();
        loop {
            let permit = tokio::select! {
                _ = stopped(&mut rx) => break,
                p = Arc::clone(&slots).acquire_owned() => match p {
                    Ok(p) => p,
                    Err(_) => break,
                },
            };
            let (tcp, peer) = tokio::select! {
                _ = stopped(&mut rx) => break,
                r = self.listener.accept() => match r {
                    Ok(x) => x,
                    Err(e) => {
                        // Out of file descriptors and the like: back off, keep serving.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
            };
            let task = conn::Connection {
                router: self.router.clone(),
                tls: self.tls.clone(),
                limits: Arc::clone(&self.limits),
                watcher: graceful.watcher(),
            };
            tokio::spawn(async move {
                task.serve(tcp, peer).await;
                drop(permit);
            });
        }
        drop(self.listener);
        let grace = self.limits.request_timeout + Duration::from_secs(1);
        if tokio::time::timeout(grace, graceful.shutdown())
            .await
            .is_err()
        {
            tracing::warn!("connections still open after the grace period; closing them");
        }
        signals.abort();
        sweeper.abort();
        jobs.stop().await;
        if let Some(t) = metrics_task {
            let _ = t.await;
        }
        Ok(())
    }
}

/// Resolves once shutdown has been asked for (the guard `wait_for` returns is not
/// `Send`, so it is dropped here).
async fn stopped(rx: &mut watch::Receiver<bool>) {
    let _ = rx.wait_for(|s| *s).await;
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
