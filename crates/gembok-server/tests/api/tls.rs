//! TLS: TLS 1.0 and 1.1 and non-AEAD suites are refused at the handshake, TLS 1.2 and
//! 1.3 clients get through, ALPN offers h2; plain HTTP is refused off loopback.

use std::sync::Arc;
use std::time::Duration;

use gembok_server::{Limits, Server, ServerConfig, ServerError, TlsSource};
use rustls::ProtocolVersion;
use rustls_pki_types::ServerName;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::common::*;

fn ext(kind: u16, data: &[u8]) -> Vec<u8> {
    let mut out = kind.to_be_bytes().to_vec();
    out.extend((data.len() as u16).to_be_bytes());
    out.extend(data);
    out
}

/// Extensions a TLS 1.2 server needs for an ECDHE suite.
fn extensions() -> Vec<u8> {
    let name = b"localhost";
    let mut sni = ((name.len() + 3) as u16).to_be_bytes().to_vec();
    sni.push(0);
    sni.extend((name.len() as u16).to_be_bytes());
    sni.extend(name);
    let mut all = ext(0x0000, &sni);
    all.extend(ext(0x000a, &[0, 4, 0x00, 0x1d, 0x00, 0x17])); // x25519, secp256r1
    all.extend(ext(0x000b, &[1, 0])); // uncompressed points
    all.extend(ext(0x000d, &[0, 6, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01])); // signature algorithms
    all.extend(ext(0x0017, &[])); // extended master secret
    all.extend(ext(0xff01, &[0])); // renegotiation info
    all
}

/// A ClientHello record, built by hand so that old versions can be offered.
fn client_hello(version: [u8; 2], suites: &[u16]) -> Vec<u8> {
    let mut body = version.to_vec();
    body.extend([0x42u8; 32]);
    body.push(0);
    body.extend(((suites.len() * 2) as u16).to_be_bytes());
    for s in suites {
        body.extend(s.to_be_bytes());
    }
    body.extend([1, 0]);
    let exts = extensions();
    body.extend((exts.len() as u16).to_be_bytes());
    body.extend(exts);
    let mut hs = vec![1];
    hs.extend(&(body.len() as u32).to_be_bytes()[1..]);
    hs.extend(body);
    let mut record = vec![0x16];
    record.extend(version);
    record.extend((hs.len() as u16).to_be_bytes());
    record.extend(hs);
    record
}

/// Send a hello and read what comes back (until close, or enough to judge).
async fn answer_to(app: &App, hello: &[u8]) -> Vec<u8> {
    let mut tcp = TcpStream::connect(app.addr).await.unwrap();
    tcp.write_all(hello).await.unwrap();
    let mut buf = vec![0u8; 4096];
    let mut got = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), async {
        while got.len() < 7 {
            match tcp.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    got
}

fn is_server_hello(answer: &[u8]) -> bool {
    answer.len() > 5 && answer[0] == 0x16 && answer[5] == 0x02
}

/// A fatal alert record with this description (70 protocol_version, 40
/// handshake_failure).
fn is_fatal_alert(answer: &[u8], description: u8) -> bool {
    answer.len() >= 7 && answer[0] == 0x15 && answer[5] == 2 && answer[6] == description
}

const AEAD_ECDHE: [u16; 2] = [0xc02b, 0xc02f];
const CBC_AND_STATIC_RSA: [u16; 6] = [0xc009, 0xc013, 0xc00a, 0x002f, 0x0035, 0x000a];

#[tokio::test]
async fn hand_built_hello_is_accepted_for_tls12_with_aead() {
    // The control: the same hand-built hello, at TLS 1.2 with AEAD suites, gets a
    // ServerHello, so the refusals below are about version and suites alone.
    let app = spawn_app().await;
    let answer = answer_to(&app, &client_hello([3, 3], &AEAD_ECDHE)).await;
    assert!(is_server_hello(&answer), "{answer:02x?}");
}

#[tokio::test]
async fn tls10_and_tls11_handshakes_fail() {
    let app = spawn_app().await;
    for version in [[3, 1], [3, 2]] {
        let mut suites = AEAD_ECDHE.to_vec();
        suites.extend(CBC_AND_STATIC_RSA);
        let answer = answer_to(&app, &client_hello(version, &suites)).await;
        assert!(!is_server_hello(&answer), "{version:?}: {answer:02x?}");
        assert!(is_fatal_alert(&answer, 70), "{version:?}: {answer:02x?}");
    }
}

#[tokio::test]
async fn non_aead_suites_are_refused() {
    let app = spawn_app().await;
    let answer = answer_to(&app, &client_hello([3, 3], &CBC_AND_STATIC_RSA)).await;
    assert!(!is_server_hello(&answer), "{answer:02x?}");
    assert!(is_fatal_alert(&answer, 40), "{answer:02x?}");
}

async fn handshake(
    app: &App,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> tokio_rustls::client::TlsStream<TcpStream> {
    let connector = tokio_rustls::TlsConnector::from(Arc::new(client_tls(&app.cert, versions)));
    let tcp = TcpStream::connect(app.addr).await.unwrap();
    connector
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .unwrap()
}

#[tokio::test]
async fn tls12_only_client_succeeds_and_tls13_negotiates_h2() {
    let app = spawn_app().await;
    let tls = handshake(&app, &[&rustls::version::TLS12]).await;
    let (_, conn) = tls.get_ref();
    assert_eq!(conn.protocol_version(), Some(ProtocolVersion::TLSv1_2));
    let suite = format!("{:?}", conn.negotiated_cipher_suite().unwrap().suite());
    assert!(
        suite.starts_with("TLS_ECDHE_") && suite.contains("GCM"),
        "{suite}"
    );
    drop(tls);

    let tls12_client = reqwest::Client::builder()
        .use_preconfigured_tls(client_tls(&app.cert, &[&rustls::version::TLS12]))
        .resolve("localhost", app.addr)
        .build()
        .unwrap();
    let r = tls12_client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);

    let tls = handshake(&app, &[&rustls::version::TLS13]).await;
    let (_, conn) = tls.get_ref();
    assert_eq!(conn.protocol_version(), Some(ProtocolVersion::TLSv1_3));
    assert_eq!(conn.alpn_protocol(), Some(&b"h2"[..]));
}

#[tokio::test]
async fn plain_http_on_the_tls_port_gets_no_answer() {
    let app = spawn_app().await;
    let mut tcp = TcpStream::connect(app.addr).await.unwrap();
    tcp.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), tcp.read_to_end(&mut buf)).await;
    assert!(!String::from_utf8_lossy(&buf).contains("200 OK"));
}

#[tokio::test]
async fn insecure_http_only_on_loopback_and_metrics_only_on_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let (_, gate, keys, accounts) = build_vault(dir.path());
    for listen in ["0.0.0.0:0", "[::]:0"] {
        let config = ServerConfig::new(listen.parse().unwrap(), TlsSource::InsecureHttp);
        let err = Server::bind(
            config,
            Arc::clone(&gate),
            Arc::clone(&keys),
            Arc::clone(&accounts),
        )
        .await
        .err()
        .expect("plain HTTP off loopback must be refused");
        assert!(matches!(err, ServerError::InsecureNotLoopback(_)), "{err}");
    }

    let (cert, key, _) = gembok_server::generate_self_signed(&dir.path().join("tls")).unwrap();
    let mut config =
        ServerConfig::new("127.0.0.1:0".parse().unwrap(), TlsSource::Pem { cert, key });
    config.metrics_listen = Some("0.0.0.0:0".parse().unwrap());
    let err = Server::bind(
        config,
        Arc::clone(&gate),
        Arc::clone(&keys),
        Arc::clone(&accounts),
    )
    .await
    .err()
    .expect("metrics off loopback must be refused");
    assert!(matches!(err, ServerError::MetricsNotLoopback(_)), "{err}");

    // On loopback, plain HTTP works (for development).
    let config = ServerConfig {
        limits: Limits::default(),
        ..ServerConfig::new("127.0.0.1:0".parse().unwrap(), TlsSource::InsecureHttp)
    };
    let server = Server::bind(config, gate, keys, accounts).await.unwrap();
    assert!(!server.is_tls());
    let addr = server.local_addr();
    let handle = server.shutdown_handle();
    let running = tokio::spawn(server.run());
    let client = reqwest::Client::builder()
        .use_preconfigured_tls(client_tls(
            &dir.path().join("tls/tls-cert.pem"),
            rustls::ALL_VERSIONS,
        ))
        .build()
        .unwrap();
    let r = client
        .get(format!("http://{addr}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
    handle.shutdown();
    tokio::time::timeout(Duration::from_secs(10), running)
        .await
        .expect("run returns after shutdown")
        .unwrap()
        .unwrap();
}
