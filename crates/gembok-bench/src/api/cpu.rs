//! CPU time of the server's threads and of everything else in the process (the load
//! generator), from `/proc/self/task/*/stat`.
//!
//! On a 2-core machine the load generator takes a large share of the CPU, so requests
//! per second alone understate what the server could do by itself. The report therefore
//! also gives the server's CPU time per request, which is what the server costs, and
//! the share of the CPU the load generator used. Linux only; elsewhere there is no
//! sample and the report leaves the columns empty. The kernel counts in clock ticks
//! (`USER_HZ`, 100 per second on every Linux ABI Rust targets), so a phase should last
//! seconds, not milliseconds, for these numbers to mean much. The server's threads are
//! its runtime's (named `gembok-server`) and the audit log's committer thread.

use std::time::Duration;

use super::server::SERVER_THREAD;

/// Clock ticks per second of `/proc` times (`USER_HZ`).
const TICKS_PER_SECOND: u64 = 100;

/// CPU time used so far, split by side.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CpuTimes {
    pub server: Duration,
    pub client: Duration,
}

impl CpuTimes {
    /// The time used between `earlier` and `self`.
    pub fn since(self, earlier: CpuTimes) -> CpuTimes {
        CpuTimes {
            server: self.server.saturating_sub(earlier.server),
            client: self.client.saturating_sub(earlier.client),
        }
    }
}

/// User plus system time of every live thread of this process, by side; `None` where
/// `/proc` is not readable.
pub fn sample() -> Option<CpuTimes> {
    let mut times = CpuTimes::default();
    for entry in std::fs::read_dir("/proc/self/task").ok()? {
        let Ok(entry) = entry else { continue };
        // A thread may end between listing and reading: skip it.
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        let Some((name, ticks)) = parse_stat(&stat) else {
            continue;
        };
        let t = Duration::from_millis(ticks * 1_000 / TICKS_PER_SECOND);
        // The audit log's committer thread does the server's audit commits.
        if name.starts_with(SERVER_THREAD) || name == gembok_core::audit::COMMITTER_THREAD {
            times.server += t;
        } else {
            times.client += t;
        }
    }
    Some(times)
}

/// The thread name and its user plus system ticks from one `stat` line. The name sits
/// in parentheses and may itself hold spaces or parentheses, so the fields are counted
/// from the last `)`.
fn parse_stat(line: &str) -> Option<(&str, u64)> {
    let open = line.find('(')?;
    let close = line.rfind(')')?;
    let name = line.get(open + 1..close)?;
    let mut fields = line.get(close + 1..)?.split_whitespace();
    // After the name: state (field 3) ... utime (field 14), stime (field 15).
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some((name, utime + stime))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_lines_table() {
        let cases: &[(&str, Option<(&str, u64)>)] = &[
            (
                "10957 (cat) R 10910 10910 1786 0 -1 4194304 144 0 0 0 7 3 0 0 20 0",
                Some(("cat", 10)),
            ),
            (
                "42 (gembok-server) S 1 1 1 0 -1 0 0 0 0 0 120 30 0 0 20 0",
                Some(("gembok-server", 150)),
            ),
            // A name with a space and a parenthesis in it.
            (
                "7 (a b) c) S 1 1 1 0 -1 0 0 0 0 0 5 6 0",
                Some(("a b) c", 11)),
            ),
            ("7 (short) S 1 1", None),
            ("garbage", None),
        ];
        for (line, want) in cases {
            assert_eq!(parse_stat(line), *want, "{line}");
        }
    }

    #[test]
    fn cpu_burnt_on_a_client_thread_shows_on_the_client_side() {
        let a = sample().expect("/proc is readable on Linux");
        let start = std::time::Instant::now();
        let mut x = 0u64;
        let mut seen = a;
        // Burn CPU on this (client-side) thread until a tick is counted, or give up.
        while seen.client <= a.client && start.elapsed() < Duration::from_secs(10) {
            for i in 0..1_000_000u64 {
                x = x.wrapping_mul(31).wrapping_add(i);
            }
            seen = sample().unwrap();
        }
        std::hint::black_box(x);
        assert!(
            seen.since(a).client > Duration::ZERO,
            "no client CPU counted"
        );
    }
}
