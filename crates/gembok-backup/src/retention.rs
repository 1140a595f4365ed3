//! Which backups to keep, and pruning the rest from a destination.
//!
//! The rule is the usual grandfather-father-son one: keep the newest backup of each of
//! the last `daily` days that have a backup, of each of the last `weekly` ISO weeks
//! and of each of the last `monthly` months (UTC), and always the newest backup of all.
//! Periods are counted over the backups that exist, not back from today, so a server
//! that stopped making backups never prunes its last good ones because time passed.
//!
//! A backup's time is read from its name (`gembok-<time>.gbk`, written by
//! [`crate::create::archive_name`]), so pruning needs neither the identity nor a
//! readable manifest; a name that does not parse is never pruned. Pruning deletes the
//! manifest before the archive, so a half-done prune leaves an archive that is no
//! longer listed rather than a listed backup without its archive.

use std::collections::BTreeSet;

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

use crate::dest::{Destination, ARCHIVE_SUFFIX, MANIFEST_SUFFIX};
use crate::BackupError;

/// How many backups of each period to keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeepPolicy {
    pub daily: u32,
    pub weekly: u32,
    pub monthly: u32,
}

impl Default for KeepPolicy {
    /// 7 daily, 4 weekly, 6 monthly.
    fn default() -> Self {
        KeepPolicy {
            daily: 7,
            weekly: 4,
            monthly: 6,
        }
    }
}

/// What a retention pass keeps and removes, by backup name, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RetentionPlan {
    pub keep: Vec<String>,
    pub prune: Vec<String>,
}

/// The time of the backup named `name`, from its name alone.
pub fn backup_time(name: &str) -> Option<OffsetDateTime> {
    let stamp = name.strip_prefix("gembok-")?.strip_suffix(ARCHIVE_SUFFIX)?;
    let b = stamp.as_bytes();
    if b.len() != 19 || b[8] != b'T' || b[18] != b'Z' {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<u32> {
        let s = stamp.get(from..to)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let date = Date::from_calendar_date(
        num(0, 4)? as i32,
        Month::try_from(num(4, 6)? as u8).ok()?,
        num(6, 8)? as u8,
    )
    .ok()?;
    let time = Time::from_hms_milli(
        num(9, 11)? as u8,
        num(11, 13)? as u8,
        num(13, 15)? as u8,
        num(15, 18)? as u16,
    )
    .ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_utc())
}

/// Split `names` into the backups `policy` keeps and those it prunes. Pure: the same
/// names always give the same plan.
pub fn plan(names: &[String], policy: KeepPolicy) -> RetentionPlan {
    let mut dated: Vec<(OffsetDateTime, &String)> = names
        .iter()
        .filter_map(|n| backup_time(n).map(|t| (t, n)))
        .collect();
    // Newest first; the name breaks ties so the plan never depends on input order.
    dated.sort_by(|a, b| b.cmp(a));
    let mut keep: BTreeSet<&String> = names.iter().filter(|n| backup_time(n).is_none()).collect();
    if let Some((_, newest)) = dated.first() {
        keep.insert(*newest);
    }
    let mut by_period = |limit: u32, period: &dyn Fn(OffsetDateTime) -> (i32, u32)| {
        let mut seen = BTreeSet::new();
        for (t, name) in &dated {
            if seen.len() >= limit as usize {
                break;
            }
            // The first backup met in a period is that period's newest.
            if seen.insert(period(*t)) {
                keep.insert(*name);
            }
        }
    };
    by_period(policy.daily, &|t| (t.year(), u32::from(t.ordinal())));
    by_period(policy.weekly, &|t| {
        let (year, week, _) = t.to_iso_week_date();
        (year, u32::from(week))
    });
    by_period(policy.monthly, &|t| {
        (t.year(), u32::from(u8::from(t.month())))
    });
    let mut out = RetentionPlan::default();
    let mut sorted: Vec<&String> = names.iter().collect();
    sorted.sort();
    sorted.dedup();
    for name in sorted {
        if keep.contains(name) {
            out.keep.push(name.clone());
        } else {
            out.prune.push(name.clone());
        }
    }
    out
}

/// Apply `policy` to the backups in `dest`: with `dry_run`, only say what would go.
pub fn prune(
    dest: &Destination,
    policy: KeepPolicy,
    dry_run: bool,
) -> Result<RetentionPlan, BackupError> {
    let plan = plan(&dest.list()?, policy);
    if !dry_run {
        for name in &plan.prune {
            dest.delete(&format!("{name}{MANIFEST_SUFFIX}"))?;
            dest.delete(name)?;
        }
    }
    Ok(plan)
}

#[cfg(test)]
mod tests;
