//! A small real SMTP server on loopback (tokio + tokio-rustls) that records every command
//! line it receives, whether it arrived encrypted, and each message's DATA. It offers
//! STARTTLS, or does not, or speaks implicit TLS, so tests can observe exactly what the
//! client transmits and when.
use std::sync::{Arc, Mutex};

use rustls::ServerConfig;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;

/// How the server secures connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Plain greeting, STARTTLS offered.
    StartTls,
    /// Plain greeting, no STARTTLS offered.
    NoStartTls,
    /// TLS from the first byte.
    Implicit,
}

/// One line the server received.
#[derive(Debug, Clone)]
pub struct Line {
    pub encrypted: bool,
    /// The command line, or `DATA:` followed by the message for message contents.
    pub text: String,
}

/// A running server.
pub struct SmtpServer {
    pub port: u16,
    pub log: Arc<Mutex<Vec<Line>>>,
}

impl SmtpServer {
    pub fn lines(&self) -> Vec<Line> {
        self.log.lock().unwrap().clone()
    }
}

/// Starts the server on 127.0.0.1.
pub async fn start(mode: Mode, tls: Arc<ServerConfig>) -> SmtpServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let log = Arc::new(Mutex::new(Vec::new()));
    let acceptor = TlsAcceptor::from(tls);
    let server_log = Arc::clone(&log);
    tokio::spawn(async move {
        loop {
            let (tcp, _) = listener.accept().await.unwrap();
            let (acceptor, log) = (acceptor.clone(), Arc::clone(&server_log));
            tokio::spawn(async move {
                let _ = session(tcp, mode, acceptor, log).await;
            });
        }
    });
    SmtpServer { port, log }
}

async fn session(
    tcp: TcpStream,
    mode: Mode,
    acceptor: TlsAcceptor,
    log: Arc<Mutex<Vec<Line>>>,
) -> std::io::Result<()> {
    if mode == Mode::Implicit {
        let tls = acceptor.accept(tcp).await?;
        converse(tls, true, true, false, &log).await?;
        return Ok(());
    }
    let offer = mode == Mode::StartTls;
    if let Some(tcp) = converse(tcp, false, true, offer, &log).await? {
        let tls = acceptor.accept(tcp).await?;
        converse(tls, true, false, false, &log).await?;
    }
    Ok(())
}

/// Serves commands until QUIT or EOF; returns the stream when the client asked for
/// STARTTLS (and it was offered) so the caller can upgrade it.
async fn converse<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    encrypted: bool,
    greet: bool,
    offer_starttls: bool,
    log: &Mutex<Vec<Line>>,
) -> std::io::Result<Option<S>> {
    let mut s = BufReader::new(stream);
    let record = |text: String| log.lock().unwrap().push(Line { encrypted, text });
    if greet {
        reply(&mut s, "220 test.local ESMTP ready\r\n").await?;
    }
    loop {
        let mut line = String::new();
        if s.read_line(&mut line).await? == 0 {
            return Ok(None);
        }
        let cmd = line.trim_end().to_owned();
        record(cmd.clone());
        let upper = cmd.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            let mut r = String::from("250-test.local\r\n");
            if offer_starttls {
                r.push_str("250-STARTTLS\r\n");
            }
            if encrypted {
                r.push_str("250-AUTH PLAIN LOGIN\r\n");
            }
            r.push_str("250 8BITMIME\r\n");
            reply(&mut s, &r).await?;
        } else if upper == "STARTTLS" && offer_starttls {
            reply(&mut s, "220 go ahead\r\n").await?;
            return Ok(Some(s.into_inner()));
        } else if upper == "AUTH PLAIN" {
            reply(&mut s, "334 \r\n").await?;
            let mut response = String::new();
            s.read_line(&mut response).await?;
            record(format!("AUTH-RESPONSE {}", response.trim_end()));
            reply(&mut s, "235 ok\r\n").await?;
        } else if upper.starts_with("AUTH") {
            reply(&mut s, "235 ok\r\n").await?;
        } else if upper.starts_with("HELO")
            || upper.starts_with("MAIL FROM")
            || upper.starts_with("RCPT TO")
            || upper == "RSET"
            || upper == "NOOP"
        {
            reply(&mut s, "250 ok\r\n").await?;
        } else if upper == "DATA" {
            reply(&mut s, "354 end with .\r\n").await?;
            let mut data = String::new();
            loop {
                let mut l = String::new();
                if s.read_line(&mut l).await? == 0 {
                    return Ok(None);
                }
                if l == ".\r\n" {
                    break;
                }
                data.push_str(&l);
            }
            record(format!("DATA:{data}"));
            reply(&mut s, "250 queued\r\n").await?;
        } else if upper == "QUIT" {
            reply(&mut s, "221 bye\r\n").await?;
            return Ok(None);
        } else {
            reply(&mut s, "502 not implemented\r\n").await?;
        }
    }
}

async fn reply<S: AsyncRead + AsyncWrite + Unpin>(
    s: &mut BufReader<S>,
    text: &str,
) -> std::io::Result<()> {
    s.get_mut().write_all(text.as_bytes()).await?;
    s.get_mut().flush().await
}
