//! The e-mail channel: a short bilingual (Bahasa Indonesia / English) plain-text message
//! sent with `lettre` over TLS only — implicit TLS, or STARTTLS that the server must
//! offer. A server that does not offer STARTTLS is refused before the envelope, any
//! credential or the message is sent.
use std::time::Duration;

use lettre::message::{header::ContentType, Mailbox};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::Deserialize;

use crate::{Notification, NotifyError, Recipient, Secret};

/// How the SMTP connection is secured. There is no plain-text mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Connect in plain text and upgrade with STARTTLS (usually port 587); a server not
    /// offering STARTTLS is refused.
    StartTls,
    /// TLS from the first byte (SMTPS, usually port 465).
    Implicit,
}

/// SMTP login. `Debug` shows the password redacted.
#[derive(Debug, Clone)]
pub struct SmtpCredentials {
    /// Login name.
    pub user: String,
    /// Password, sent only inside TLS.
    pub password: Secret,
}

/// Settings of the e-mail channel. Build with [`SmtpConfig::new`] for the defaults.
#[derive(Debug, Clone)]
pub struct SmtpConfig {
    /// Server host name; also the name its certificate must carry (an IP literal works
    /// when the certificate names that IP).
    pub host: String,
    /// Server port (587 for STARTTLS, 465 for implicit TLS).
    pub port: u16,
    /// Sender address, e.g. `"Gembok <gembok@example.co.id>"`.
    pub from: String,
    /// Recipients (operators); at least one.
    pub to: Vec<String>,
    /// Login, if the server requires one.
    pub credentials: Option<SmtpCredentials>,
    /// STARTTLS (default) or implicit TLS.
    pub tls: SmtpTls,
    /// Timeout of each SMTP command (default 30 s).
    pub timeout: Duration,
    /// Extra trusted root certificate(s), PEM, besides the Mozilla roots.
    pub extra_root_cert_pem: Option<String>,
}

impl SmtpConfig {
    /// A STARTTLS configuration without login and with a 30 s timeout.
    pub fn new(
        host: impl Into<String>,
        port: u16,
        from: impl Into<String>,
        to: Vec<String>,
    ) -> Self {
        Self {
            host: host.into(),
            port,
            from: from.into(),
            to,
            credentials: None,
            tls: SmtpTls::StartTls,
            timeout: Duration::from_secs(30),
            extra_root_cert_pem: None,
        }
    }
}

/// A ready e-mail channel.
pub struct SmtpChannel {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    to: Vec<Mailbox>,
    label: String,
}

impl std::fmt::Debug for SmtpChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpChannel")
            .field("label", &self.label)
            .finish_non_exhaustive()
    }
}

impl SmtpChannel {
    /// Validates `config` (addresses, PEM) and builds the transport; connects only on send.
    pub fn new(config: &SmtpConfig) -> Result<Self, NotifyError> {
        if config.host.is_empty() {
            return Err(NotifyError::Config("smtp host is empty".into()));
        }
        let from: Mailbox = config
            .from
            .parse()
            .map_err(|_| NotifyError::Config("smtp from is not a valid address".into()))?;
        if config.to.is_empty() {
            return Err(NotifyError::Config("smtp to lists no recipient".into()));
        }
        let to = config
            .to
            .iter()
            .map(|a| a.parse::<Mailbox>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| NotifyError::Config("smtp to holds an invalid address".into()))?;

        let mut params = TlsParameters::builder(config.host.clone());
        if let Some(pem) = &config.extra_root_cert_pem {
            crate::tls::parse_pem_certs(pem)?;
            let cert = Certificate::from_pem(pem.as_bytes()).map_err(|_| {
                NotifyError::Config("extra root certificate is not valid PEM".into())
            })?;
            params = params.add_root_certificate(cert);
        }
        let params = params
            .build_rustls()
            .map_err(|_| NotifyError::Config("could not build the SMTP TLS settings".into()))?;
        let tls = match config.tls {
            SmtpTls::StartTls => Tls::Required(params),
            SmtpTls::Implicit => Tls::Wrapper(params),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host)
            .port(config.port)
            .tls(tls)
            .timeout(Some(config.timeout));
        if let Some(c) = &config.credentials {
            // lettre keeps its own (non-zeroizing) copy of the password for the
            // transport's lifetime; that copy is out of this crate's reach.
            builder = builder.credentials(Credentials::new(
                c.user.clone(),
                c.password.expose().to_owned(),
            ));
        }
        Ok(Self {
            transport: builder.build(),
            from,
            to,
            label: format!("smtp {}:{}", config.host, config.port),
        })
    }

    /// The channel's label in outcomes and logs: `"smtp <host>:<port>"`.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Sends `n` as one e-mail to every recipient; returns the number of attempts (1).
    pub async fn deliver(&self, n: &Notification) -> Result<u32, NotifyError> {
        let message = self.compose(n)?;
        self.transport.send(message).await.map_err(map_smtp_error)?;
        Ok(1)
    }

    /// Sends `n` as one e-mail to `recipient` alone (not to the configured recipients),
    /// over the same TLS-only transport; returns the number of attempts (1).
    pub async fn deliver_to(
        &self,
        n: &Notification,
        recipient: &Recipient,
    ) -> Result<u32, NotifyError> {
        let message = self.compose_for(n, std::slice::from_ref(recipient.mailbox()))?;
        self.transport.send(message).await.map_err(map_smtp_error)?;
        Ok(1)
    }

    fn compose(&self, n: &Notification) -> Result<Message, NotifyError> {
        self.compose_for(n, &self.to)
    }

    fn compose_for(&self, n: &Notification, to: &[Mailbox]) -> Result<Message, NotifyError> {
        let mut builder = Message::builder()
            .from(self.from.clone())
            .subject(format!("[Gembok] {}", one_line(&n.title)))
            .header(ContentType::TEXT_PLAIN);
        for to in to {
            builder = builder.to(to.clone());
        }
        builder
            .body(body_text(n))
            .map_err(|_| NotifyError::Encode("e-mail message could not be built".into()))
    }
}

/// Header values must stay on one line.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The bilingual plain-text body.
fn body_text(n: &Notification) -> String {
    format!(
        "Peringatan keamanan Gembok / Gembok security alert\r\n\
         \r\n\
         Jenis / Kind:    {kind}\r\n\
         Judul / Title:   {title}\r\n\
         Waktu / Time:    {time}\r\n\
         ID:              {id}\r\n\
         \r\n\
         {message}\r\n\
         \r\n\
         --\r\n\
         Pesan ini dikirim otomatis oleh Gembok dan tidak memuat data pelanggan.\r\n\
         This message was sent automatically by Gembok and carries no customer data.\r\n",
        kind = one_line(&n.kind),
        title = one_line(&n.title),
        time = n.occurred_at_rfc3339(),
        id = one_line(&n.id),
        message = n.message,
    )
}

fn map_smtp_error(e: lettre::transport::smtp::Error) -> NotifyError {
    let text = e.to_string();
    if text.contains("STARTTLS is not supported") {
        NotifyError::StartTlsUnavailable
    } else if e.is_tls() || caused_by_tls(&e) {
        NotifyError::SmtpTls(text)
    } else if e.is_timeout() {
        NotifyError::Smtp("timeout".into())
    } else if let Some(code) = e.status() {
        let class = if e.is_permanent() {
            "permanent"
        } else {
            "transient"
        };
        NotifyError::Smtp(format!("server refused ({class}, reply {code})"))
    } else {
        NotifyError::Smtp(text)
    }
}

/// lettre reports a failed handshake as a connection error; find rustls in the chain.
fn caused_by_tls(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(e);
    while let Some(err) = next {
        if err.is::<rustls::Error>() {
            return true;
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if io
                .get_ref()
                .is_some_and(|inner| inner.is::<rustls::Error>())
            {
                return true;
            }
        }
        next = err.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_is_bilingual_and_headers_one_line() {
        let n = Notification {
            id: "n-1".into(),
            kind: "alert.bulk_read".into(),
            title: "Bulk\r\nBcc: x@example.com".into(),
            message: "Key k-7 read 5000 records in 60 s.".into(),
            occurred_at_ms: 1_764_600_000_000,
        };
        let body = body_text(&n);
        assert!(body.contains("tidak memuat data pelanggan"));
        assert!(body.contains("carries no customer data"));
        assert!(body.contains("2025-12-01T14:40:00Z"), "{body}");
        assert!(!one_line(&n.title).contains('\n'));
    }
}
