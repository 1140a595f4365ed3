//! The sliding windows the rules count over, kept in memory and bounded by the rules'
//! thresholds rather than by the traffic: a rule only asks whether a count passed its
//! threshold within the window, so the most recent threshold + 1 entries answer it.

use std::collections::{HashMap, VecDeque};

use gembok_types::RecordId;

/// The most recently read distinct records of one principal, at most `keep` of them.
///
/// The rule asks whether more than N distinct records were read within the window,
/// which holds exactly when the N + 1 most recently read ones all were; older ones
/// need not be kept. So memory stays bounded by the threshold, not by the read rate:
/// a key reading thousands of records a second cannot make the monitor hold millions.
#[derive(Default)]
pub(super) struct Reads {
    /// Each kept record's latest read.
    latest: HashMap<RecordId, i64>,
    /// Reads oldest first; an entry whose time is not its record's latest is stale.
    order: VecDeque<(i64, RecordId)>,
}

impl Reads {
    pub(super) fn add(
        &mut self,
        time: i64,
        ids: &[RecordId],
        window_ms: i64,
        keep: usize,
    ) -> usize {
        for id in ids {
            self.latest.insert(*id, time);
            self.order.push_back((time, *id));
        }
        while let Some((t, id)) = self.order.front().copied() {
            let current = self.latest.get(&id) == Some(&t);
            if current && t > time - window_ms && self.latest.len() <= keep {
                break;
            }
            self.order.pop_front();
            if current {
                self.latest.remove(&id);
            }
        }
        // Reads of the same records again leave stale entries behind the front.
        if self.order.len() > 2 * keep + 64 {
            let mut live: Vec<(i64, RecordId)> =
                self.latest.iter().map(|(id, t)| (*t, *id)).collect();
            live.sort_unstable();
            self.order = live.into();
        }
        self.latest.len()
    }
}

/// Times of recent events, for bursts: at most `keep`, the most recent, for the same
/// reason as [`Reads`].
pub(super) fn push_and_count(
    q: &mut VecDeque<i64>,
    time: i64,
    window_ms: i64,
    keep: usize,
) -> usize {
    q.push_back(time);
    while q
        .front()
        .is_some_and(|t| *t <= time - window_ms || q.len() > keep)
    {
        q.pop_front();
    }
    q.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: i64 = 60_000;

    /// The same answers as counting every read, for a threshold of 3 in 10 minutes.
    #[test]
    fn distinct_reads_pass_the_threshold_exactly_when_an_unbounded_count_would() {
        let ids: Vec<RecordId> = (0..6).map(|_| RecordId::generate()).collect();
        let mut r = Reads::default();
        let keep = 4;
        let window = 10 * MINUTE;
        // Three distinct records, one read twice: 3, not over.
        assert_eq!(r.add(0, &ids[..2], window, keep), 2);
        assert_eq!(r.add(MINUTE, &ids[..1], window, keep), 2);
        assert_eq!(r.add(2 * MINUTE, &ids[2..3], window, keep), 3);
        // A fourth distinct one within the window is over the threshold.
        assert_eq!(r.add(3 * MINUTE, &ids[3..4], window, keep), 4);
        // More stay capped at threshold + 1.
        assert_eq!(r.add(4 * MINUTE, &ids[4..6], window, keep), 4);
        // Long after, the old reads have left the window.
        assert_eq!(r.add(30 * MINUTE, &ids[..1], window, keep), 1);
    }

    #[test]
    fn distinct_reads_hold_at_most_a_bounded_number_of_entries() {
        let mut r = Reads::default();
        let same = RecordId::generate();
        for i in 0..100_000_i64 {
            let n = r.add(i, &[RecordId::generate(), same], 10 * MINUTE, 201);
            assert!(n <= 201);
        }
        assert!(r.latest.len() <= 201);
        assert!(r.order.len() <= 2 * 201 + 64 + 2, "{}", r.order.len());
    }

    #[test]
    fn bursts_count_up_to_threshold_plus_one_and_forget_old_events() {
        let mut q = VecDeque::new();
        for i in 0..10_000 {
            let n = push_and_count(&mut q, i, 5 * MINUTE, 11);
            assert_eq!(n, usize::try_from(i + 1).unwrap().min(11));
        }
        assert_eq!(q.len(), 11);
        assert_eq!(push_and_count(&mut q, 60 * MINUTE, 5 * MINUTE, 11), 1);
    }
}
