//! The S3 destination against a real S3-compatible server: moto's server mode on
//! loopback, started by this test. Under `CI=true` a missing moto fails the test;
//! elsewhere the test says it skipped.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use gembok_backup::{identity, Destination, S3Settings};
use gembok_crypto::MasterKey;
use support::{dump, fixture, open_restored};

/// A moto server on 127.0.0.1; killed on drop.
struct Moto {
    child: Child,
    port: u16,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_moto() -> Option<Moto> {
    let attempts: [(&str, &[&str]); 2] = [
        ("moto_server", &["-H", "127.0.0.1", "-p0"]),
        ("python3", &["-m", "moto.server", "-H", "127.0.0.1", "-p0"]),
    ];
    for (program, args) in attempts {
        let Ok(mut child) = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
        else {
            continue;
        };
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
                    let port: String = rest.chars().take_while(char::is_ascii_digit).collect();
                    let _ = tx.send(port.parse::<u16>().ok());
                }
            }
            let _ = tx.send(None);
        });
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(Some(port)) => return Some(Moto { child, port }),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
    None
}

/// Create a bucket with a plain HTTP PUT (moto accepts unsigned requests).
fn create_bucket(port: u16, bucket: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
            let req = format!(
                "PUT /{bucket} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            s.write_all(req.as_bytes()).unwrap();
            let mut resp = String::new();
            let _ = s.read_to_string(&mut resp);
            assert!(resp.starts_with("HTTP/1.1 200"), "bucket creation: {resp}");
            return;
        }
        assert!(Instant::now() < deadline, "moto did not accept connections");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn s3_round_trip_against_moto() {
    let Some(moto) = start_moto() else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("moto is not installed (pip install 'moto[server]'); CI needs it");
        }
        eprintln!("SKIPPED: moto is not installed (pip install 'moto[server]')");
        return;
    };
    create_bucket(moto.port, "gembok-backups");
    let settings = S3Settings {
        endpoint: Some(format!("http://127.0.0.1:{}", moto.port)),
        region: Some("us-east-1".into()),
        access_key_id: Some("testing".into()),
        secret_access_key: Some("testing".into()),
        allow_http: true,
    };
    let dest = Destination::s3_with("s3://gembok-backups/vault-a", &settings).unwrap();
    assert_eq!(dest.describe(), "s3://gembok-backups/vault-a");
    assert!(!format!("{settings:?}").contains("testing"));

    let f = fixture(120);
    let master = MasterKey::load_file(&f.key_file).unwrap();
    let created = gembok_backup::create(
        &f.db,
        &master,
        std::slice::from_ref(&f.recipient),
        &dest,
        time::OffsetDateTime::now_utc(),
    )
    .unwrap();
    let listed = gembok_backup::list(&dest).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].name, created.name);
    assert_eq!(listed[0].manifest.as_ref(), Some(&created.manifest));

    let ids = identity::load_identities(&f.identity).unwrap();
    let drilled = gembok_backup::drill(&dest, &ids, &f.key_file).unwrap();
    assert_eq!(drilled.name, created.name);

    let local = f.dir.path().join("downloaded.gbk");
    dest.get_file(&created.name, &local).unwrap();
    let target = f.dir.path().join("restored");
    gembok_backup::restore(&local, None, &ids, &f.key_file, &target, false).unwrap();
    let back = open_restored(&target, &f.key_file);
    assert_eq!(dump(&f.vault, "customers"), dump(&back, "customers"));
    assert_eq!(dump(&back, "customers").len(), 120);

    let e = dest
        .get_file("gembok-nothing.gbk", &f.dir.path().join("none"))
        .unwrap_err();
    assert_eq!(e.code(), "not_found");

    prune_on_s3(&dest, &created.name);
}

/// Retention on the bucket: ten older daily backups beside the real one; keeping 3
/// daily removes the seven oldest archives and their manifests, and a dry run
/// removes nothing.
fn prune_on_s3(dest: &Destination, real: &str) {
    use gembok_backup::dest::MANIFEST_SUFFIX;
    use gembok_backup::retention::{prune, KeepPolicy};
    let old: Vec<String> = (1..=10)
        .map(|day| format!("gembok-202601{day:02}T030000000Z.gbk"))
        .collect();
    for name in &old {
        dest.put_bytes(name, b"archive stand-in").unwrap();
        dest.put_bytes(&format!("{name}{MANIFEST_SUFFIX}"), b"{}")
            .unwrap();
    }
    let policy = KeepPolicy {
        daily: 3,
        weekly: 0,
        monthly: 0,
    };
    let planned = prune(dest, policy, true).unwrap();
    assert_eq!(planned.prune, old[..8].to_vec());
    assert_eq!(dest.list().unwrap().len(), 11, "a dry run deletes nothing");

    let done = prune(dest, policy, false).unwrap();
    assert_eq!(done, planned);
    let mut left = old[8..].to_vec();
    left.push(real.to_owned());
    assert_eq!(dest.list().unwrap(), left);
    for name in &old[..8] {
        let manifest = format!("{name}{MANIFEST_SUFFIX}");
        assert_eq!(dest.get_bytes(&manifest).unwrap_err().code(), "not_found");
        assert_eq!(dest.get_bytes(name).unwrap_err().code(), "not_found");
    }
}
