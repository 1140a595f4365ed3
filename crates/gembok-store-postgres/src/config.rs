//! Turning a `postgres://` URL into a driver configuration and a TLS decision.
//!
//! Gembok adds two libpq-style query parameters the driver does not parse itself:
//! `sslmode` and `sslrootcert`. They are taken out of the URL here and the rest goes
//! to `postgres::Config`. The rule is strict on purpose: plain TCP is used only to a
//! loopback host or a Unix socket, and every TLS connection verifies the server's
//! certificate and name, also for `sslmode=require` (where libpq would not verify),
//! because a vault of personal data must not talk to an impostor.

use gembok_store::StoreError;
use postgres::config::{Host, SslMode};
use std::net::IpAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// How long a new connection may take when the URL does not say.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The `application_name` Gembok reports when the URL names none.
const APPLICATION_NAME: &str = "gembok";

/// Whether the connection is encrypted, as decided from the URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TlsMode {
    /// No TLS: only allowed to loopback hosts and Unix sockets.
    Plain,
    /// TLS with certificate verification against the webpki roots or, when given,
    /// the certificates of one PEM file.
    Verified { root_cert: Option<PathBuf> },
}

/// A parsed connection target: the driver's configuration and the TLS decision.
pub struct Target {
    pub(crate) config: postgres::Config,
    pub(crate) tls: TlsMode,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("hosts", &describe_hosts(&self.config))
            .field("dbname", &self.config.get_dbname())
            .field("tls", &self.tls)
            .finish_non_exhaustive()
    }
}

impl Target {
    /// Parse a URL such as `postgres://user@host:5432/db?sslmode=verify-full`.
    pub fn parse(url: &str) -> Result<Self, StoreError> {
        let bad = |why: &str| StoreError::Unavailable(format!("invalid PostgreSQL URL: {why}"));
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(bad("it must start with postgres:// or postgresql://"));
        }
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut kept = Vec::new();
        let mut sslmode = None;
        let mut root_cert = None;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "sslmode" => sslmode = Some(value.to_owned()),
                "sslrootcert" => {
                    root_cert = Some(PathBuf::from(
                        percent_decode(value).ok_or_else(|| bad("sslrootcert is not UTF-8"))?,
                    ))
                }
                _ => kept.push(pair),
            }
        }
        let rest = if kept.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        // The driver's own message can quote the URL, password included.
        let mut config = postgres::Config::from_str(&rest)
            .map_err(|_| bad("the driver could not parse it (check host, port and options)"))?;
        if config.get_hosts().is_empty() {
            return Err(bad("it names no host"));
        }
        let loopback = config.get_hosts().iter().all(is_loopback);
        let tls = match sslmode.as_deref() {
            Some("disable") if !loopback => {
                return Err(StoreError::Unavailable(
                    "sslmode=disable is refused for a non-loopback PostgreSQL host: personal \
                     data would cross the network unencrypted; use sslmode=verify-full"
                        .into(),
                ))
            }
            Some("disable") => TlsMode::Plain,
            None | Some("prefer") | Some("allow") if loopback && root_cert.is_none() => {
                TlsMode::Plain
            }
            None | Some("prefer") | Some("allow") | Some("require") | Some("verify-ca")
            | Some("verify-full") => TlsMode::Verified { root_cert },
            Some(_) => {
                return Err(bad(
                    "unknown sslmode (use disable, prefer, require, verify-ca or verify-full)",
                ))
            }
        };
        config.ssl_mode(match tls {
            TlsMode::Plain => SslMode::Disable,
            TlsMode::Verified { .. } => SslMode::Require,
        });
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name(APPLICATION_NAME);
        }
        Ok(Self { config, tls })
    }

    /// The TLS decision taken from the URL.
    pub fn tls(&self) -> &TlsMode {
        &self.tls
    }

    /// The `application_name` connections will report.
    pub fn application_name(&self) -> Option<&str> {
        self.config.get_application_name()
    }
}

fn is_loopback(host: &Host) -> bool {
    match host {
        Host::Tcp(name) => {
            let name = name.trim_start_matches('[').trim_end_matches(']');
            name.eq_ignore_ascii_case("localhost")
                || IpAddr::from_str(name).is_ok_and(|ip| ip.is_loopback())
        }
        #[cfg(unix)]
        Host::Unix(_) => true,
    }
}

/// Host names only (never the user or password), for `Debug` and messages.
pub(crate) fn describe_hosts(config: &postgres::Config) -> Vec<String> {
    config
        .get_hosts()
        .iter()
        .map(|h| match h {
            Host::Tcp(name) => name.clone(),
            #[cfg(unix)]
            Host::Unix(path) => path.display().to_string(),
        })
        .collect()
}

/// Decode `%XX` escapes; `None` when the result is not UTF-8 or an escape is cut.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The rustls client configuration for [`TlsMode::Verified`]: aws-lc-rs as the
/// crypto provider, and the webpki roots unless a CA file is named.
pub(crate) fn rustls_config(
    root_cert: Option<&PathBuf>,
) -> Result<rustls::ClientConfig, StoreError> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::CertificateDer;
    let mut roots = rustls::RootCertStore::empty();
    match root_cert {
        Some(path) => {
            let certs = CertificateDer::pem_file_iter(path)
                .and_then(|it| it.collect::<Result<Vec<_>, _>>())
                .map_err(|_| {
                    StoreError::Unavailable(
                        "sslrootcert: cannot read a PEM certificate file".into(),
                    )
                })?;
            let (added, _ignored) = roots.add_parsable_certificates(certs);
            if added == 0 {
                return Err(StoreError::Unavailable(
                    "sslrootcert: the file holds no usable CA certificate".into(),
                ));
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|_| StoreError::Unavailable("TLS provider offers no protocol version".into()))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

#[cfg(test)]
mod tests;
