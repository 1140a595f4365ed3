//! A self-signed certificate for `localhost`, `127.0.0.1` and `::1`, made at `gembok
//! init` so TLS is on from the first start. Clients pin it by its SHA-256 fingerprint.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use rcgen::{CertificateParams, DistinguishedName, DnType, KeyPair};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;

use crate::ServerError;

/// File names inside the directory given to [`generate_self_signed`].
pub const CERT_FILE: &str = "tls-cert.pem";
pub const KEY_FILE: &str = "tls-key.pem";

/// Validity of a generated certificate, in days.
const VALID_DAYS: i64 = 825;

/// Generate a self-signed ECDSA P-256 certificate for the loopback names and write it
/// to `dir` (`tls-cert.pem`, and `tls-key.pem` with mode 0600). Returns both paths and
/// the certificate's SHA-256 fingerprint (`AB:CD:...`, as `openssl x509 -fingerprint
/// -sha256` prints it).
pub fn generate_self_signed(dir: &Path) -> Result<(PathBuf, PathBuf, String), ServerError> {
    let cert_err = |e: rcgen::Error| ServerError::Certificate(e.to_string());
    let names = vec![
        "localhost".to_owned(),
        "127.0.0.1".to_owned(),
        "::1".to_owned(),
    ];
    let mut params = CertificateParams::new(names).map_err(cert_err)?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "Gembok localhost");
    dn.push(DnType::OrganizationName, "Gembok self-signed");
    params.distinguished_name = dn;
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::days(1);
    params.not_after = now + time::Duration::days(VALID_DAYS);
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(cert_err)?;
    let cert = params.self_signed(&key).map_err(cert_err)?;

    fs::create_dir_all(dir).map_err(|source| ServerError::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    let cert_path = dir.join(CERT_FILE);
    let key_path = dir.join(KEY_FILE);
    let key_pem = zeroize::Zeroizing::new(key.serialize_pem());
    write_private(&key_path, key_pem.as_bytes())?;
    fs::write(&cert_path, cert.pem()).map_err(|source| ServerError::Write {
        path: cert_path.clone(),
        source,
    })?;
    Ok((cert_path, key_path, fingerprint(cert.der())))
}

/// The SHA-256 fingerprint of the first certificate in a PEM file.
pub fn certificate_fingerprint(cert_pem: &Path) -> Result<String, ServerError> {
    let der = CertificateDer::from_pem_file(cert_pem).map_err(|_| ServerError::TlsFile {
        path: cert_pem.to_path_buf(),
        reason: "no readable PEM certificate".into(),
    })?;
    Ok(fingerprint(&der))
}

fn fingerprint(der: &[u8]) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, der);
    digest
        .as_ref()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Write a secret file readable by its owner only. An older file is replaced, so a
/// looser mode it may have had does not survive.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), ServerError> {
    let err = |source| ServerError::Write {
        path: path.to_path_buf(),
        source,
    };
    match fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(err(e)),
    }
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(err)?;
    file.write_all(bytes).map_err(err)?;
    file.sync_all().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_cert_and_private_key_with_a_fingerprint() {
        let dir = tempfile::tempdir().unwrap();
        let (cert, key, fp) = generate_self_signed(dir.path()).unwrap();
        assert!(std::fs::read_to_string(&cert)
            .unwrap()
            .contains("BEGIN CERTIFICATE"));
        assert!(std::fs::read_to_string(&key)
            .unwrap()
            .contains("PRIVATE KEY"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&key).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        assert_eq!(fp.len(), 32 * 3 - 1);
        assert_eq!(certificate_fingerprint(&cert).unwrap(), fp);
        // A second run makes a new key pair, hence a new fingerprint.
        let (_, _, fp2) = generate_self_signed(dir.path()).unwrap();
        assert_ne!(fp, fp2);
    }

    #[cfg(unix)]
    #[test]
    fn replaces_a_world_readable_key_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join(KEY_FILE);
        std::fs::write(&key, "old").unwrap();
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        generate_self_signed(dir.path()).unwrap();
        let mode = std::fs::metadata(&key).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
