//! New-device detection: a login is from a new device when its browser (user agent) or
//! its network (the /24 of an IPv4 address, the /48 of an IPv6 one) was not seen at an
//! earlier successful login of the same account. Only keyed fingerprints are kept, never
//! the user agent or address itself, and only the most recent few.

use std::net::IpAddr;

use super::docs::{AccountDoc, MAX_DEVICES};
use super::ClientInfo;

fn fingerprint(kind: &str, value: &str) -> String {
    let digest = gembok_crypto::sha256_parts(&[
        b"gembok-device/v1\0",
        kind.as_bytes(),
        b"\0",
        value.as_bytes(),
    ]);
    hex::encode(&digest[..12])
}

fn network(address: &str) -> Option<String> {
    match address.parse::<IpAddr>().ok()?.to_canonical() {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            Some(format!("{}.{}.{}.0/24", o[0], o[1], o[2]))
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            Some(format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2]))
        }
    }
}

/// Remember this login's device and network; true when either is new for an account
/// that has logged in before (the very first login is not "new").
pub(crate) fn remember(account: &mut AccountDoc, client: &ClientInfo) -> bool {
    let mut marks = Vec::new();
    marks.push(fingerprint(
        "ua",
        client.user_agent.as_deref().unwrap_or(""),
    ));
    if let Some(net) = client.address.as_deref().and_then(network) {
        marks.push(fingerprint("net", &net));
    }
    let first = account.devices.is_empty();
    let mut new = false;
    for mark in marks {
        if let Some(pos) = account.devices.iter().position(|d| *d == mark) {
            // Most recent last, so the oldest is dropped first.
            let m = account.devices.remove(pos);
            account.devices.push(m);
        } else {
            new = true;
            account.devices.push(mark);
        }
    }
    let excess = account.devices.len().saturating_sub(2 * MAX_DEVICES);
    account.devices.drain(..excess);
    new && !first
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_group_nearby_addresses() {
        assert_eq!(network("203.0.113.7").as_deref(), Some("203.0.113.0/24"));
        assert_eq!(
            network("::ffff:203.0.113.9").as_deref(),
            Some("203.0.113.0/24")
        );
        assert_eq!(
            network("2001:db8:1:2::1").as_deref(),
            Some("2001:db8:1::/48")
        );
        assert_eq!(network("not an address"), None);
    }
}
