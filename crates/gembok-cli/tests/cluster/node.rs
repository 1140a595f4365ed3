//! One `gembok serve` process of the cluster: started on the shared data directory and
//! database, reached over plain HTTP/1.1 on loopback, and killed when dropped.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

/// One `gembok serve` process; killed when dropped.
pub(crate) struct Node {
    child: Child,
    addr: String,
}

impl Node {
    pub(crate) fn start(dir: &Path, url: &str) -> Node {
        let log = std::fs::File::create(dir.join(format!(
            "serve-{}.log",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        )))
        .unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_gembok"))
            .arg("--data-dir")
            .arg(dir)
            .args(["serve", "--insecure-http", "--listen", "127.0.0.1:0"])
            .env("GEMBOK_DATABASE_URL", url)
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let addr = loop {
            let line = lines.next().expect("serve printed its address").unwrap();
            if let Some(rest) = line.split("http://").nth(1) {
                break rest.split('/').next().unwrap().to_owned();
            }
        };
        // Keep reading so that the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Node { child, addr }
    }

    /// One HTTP/1.1 request on a new connection: status and body.
    pub(crate) fn call(
        &self,
        method: &str,
        path: &str,
        auth: Option<&str>,
        body: Option<&str>,
    ) -> (u16, Value) {
        let mut conn = TcpStream::connect(&self.addr).unwrap();
        conn.set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nhost: {}\r\nconnection: close\r\ngembok-purpose: service\r\n",
            self.addr
        );
        if let Some(token) = auth {
            head.push_str(&format!("authorization: Bearer {token}\r\n"));
        }
        let body = body.unwrap_or("");
        if !body.is_empty() || method != "GET" {
            head.push_str(&format!(
                "content-type: application/json\r\ncontent-length: {}\r\n",
                body.len()
            ));
        }
        head.push_str("\r\n");
        conn.write_all(head.as_bytes()).unwrap();
        conn.write_all(body.as_bytes()).unwrap();
        let mut answer = Vec::new();
        let _ = conn.read_to_end(&mut answer);
        let text = String::from_utf8_lossy(&answer);
        let status = text
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no HTTP status in {text:?}"));
        let body = text.split("\r\n\r\n").nth(1).unwrap_or("");
        (status, serde_json::from_str(body).unwrap_or(Value::Null))
    }

    pub(crate) fn create(&self, key: &str, n: usize) -> (u16, Option<String>) {
        let data =
            format!(r#"{{"name": "Pelanggan Setia", "email": "pelanggan{n}@contoh.co.id"}}"#);
        // A client that honours Retry-After: the per-key rate limit (50/s, burst 100)
        // is met by this many writers.
        loop {
            let (status, body) = self.call(
                "POST",
                "/v1/collections/customers/records",
                Some(key),
                Some(&data),
            );
            if status == 429 {
                std::thread::sleep(Duration::from_millis(1_000));
                continue;
            }
            return (status, body["id"].as_str().map(str::to_owned));
        }
    }

    pub(crate) fn get_status(&self, key: &str, id: &str) -> u16 {
        let path = format!("/v1/collections/customers/records/{id}");
        loop {
            match self.call("GET", &path, Some(key), None).0 {
                429 => std::thread::sleep(Duration::from_millis(1_000)),
                status => return status,
            }
        }
    }

    pub(crate) fn login(&self, email: &str, password: &str) -> (u16, Value) {
        let body = serde_json::json!({"email": email, "password": password}).to_string();
        self.call("POST", "/v1/auth/login", None, Some(&body))
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
