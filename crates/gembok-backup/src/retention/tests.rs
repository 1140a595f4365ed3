//! The retention rule on generated backup times (the clock is the test's), and pruning
//! a local destination.

use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use super::*;
use crate::create::archive_name;

/// One backup name per step from `first`, `n` of them.
fn series(first: OffsetDateTime, step: Duration, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| archive_name(first + step * i as i32))
        .collect()
}

fn days(names: &[String]) -> Vec<String> {
    names
        .iter()
        .map(|n| backup_time(n).unwrap().date().to_string())
        .collect()
}

#[test]
fn a_name_gives_back_the_time_it_was_made_from() {
    for t in [
        datetime!(2026-12-01 23:51:49.123 UTC),
        datetime!(2027-01-01 00:00:00 UTC),
        datetime!(2026-02-28 09:05:07.009 UTC),
    ] {
        assert_eq!(backup_time(&archive_name(t)), Some(t));
    }
    for bad in [
        "gembok-20261301T000000000Z.gbk",
        "gembok-2026120xT000000000Z.gbk",
        "gembok-20261201T000000000Z.gbk.manifest.json",
        "other-20261201T000000000Z.gbk",
        "gembok-+0261201T000000000Z.gbk",
    ] {
        assert_eq!(backup_time(bad), None, "{bad}");
    }
}

#[test]
fn a_year_of_daily_backups_keeps_seven_days_four_weeks_six_months() {
    // 2026 starts on a Thursday, so it has 53 ISO weeks; week 53 is Dec 28 - Jan 3.
    let names = series(datetime!(2026-01-01 02:00 UTC), Duration::days(1), 365);
    let p = plan(&names, KeepPolicy::default());
    assert_eq!(
        days(&p.keep),
        [
            "2026-07-31", // monthly
            "2026-08-31",
            "2026-09-30",
            "2026-10-31",
            "2026-11-30",
            "2026-12-13", // weekly (week 50)
            "2026-12-20", // weekly (week 51)
            "2026-12-25", // daily ...
            "2026-12-26",
            "2026-12-27", // ... also week 52's newest
            "2026-12-28",
            "2026-12-29",
            "2026-12-30",
            "2026-12-31", // ... also week 53's and December's newest
        ]
    );
    assert_eq!(p.keep.len() + p.prune.len(), 365);
    assert!(p.prune.iter().all(|n| !p.keep.contains(n)));
}

#[test]
fn several_backups_a_day_keep_the_newest_of_each_day() {
    let names = series(datetime!(2026-05-04 00:30 UTC), Duration::hours(1), 72);
    let p = plan(&names, KeepPolicy::default());
    assert_eq!(
        p.keep,
        [
            archive_name(datetime!(2026-05-04 23:30 UTC)),
            archive_name(datetime!(2026-05-05 23:30 UTC)),
            archive_name(datetime!(2026-05-06 23:30 UTC)),
        ]
    );
    assert_eq!(p.prune.len(), 69);
}

#[test]
fn periods_count_backups_that_exist_not_days_since_today() {
    // Backups stopped long ago: the last seven days that have one are all kept.
    let names = series(datetime!(2025-03-01 02:00 UTC), Duration::days(1), 10);
    let p = plan(
        &names,
        KeepPolicy {
            daily: 7,
            weekly: 0,
            monthly: 0,
        },
    );
    assert_eq!(p.keep, names[3..]);
    assert_eq!(p.prune, names[..3]);
    // Applying the plan again removes nothing more.
    assert_eq!(
        plan(&p.keep, KeepPolicy::default()).prune,
        Vec::<String>::new()
    );
}

#[test]
fn the_newest_and_unreadable_names_are_always_kept() {
    let mut names = series(datetime!(2026-01-01 02:00 UTC), Duration::days(1), 5);
    names.push("gembok-manual-copy.gbk".into());
    let p = plan(
        &names,
        KeepPolicy {
            daily: 0,
            weekly: 0,
            monthly: 0,
        },
    );
    assert_eq!(p.keep, [names[4].clone(), "gembok-manual-copy.gbk".into()]);
    assert_eq!(p.prune, names[..4]);
    assert_eq!(plan(&[], KeepPolicy::default()), RetentionPlan::default());
}

#[test]
fn prune_deletes_archive_and_manifest_and_a_dry_run_deletes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let dest = Destination::Local(dir.path().to_path_buf());
    let names = series(datetime!(2026-01-01 02:00 UTC), Duration::days(1), 12);
    for n in &names {
        dest.put_bytes(n, b"archive").unwrap();
        dest.put_bytes(&format!("{n}{MANIFEST_SUFFIX}"), b"{}")
            .unwrap();
    }
    let policy = KeepPolicy {
        daily: 3,
        weekly: 0,
        monthly: 0,
    };
    let dry = prune(&dest, policy, true).unwrap();
    assert_eq!(dry.prune, names[..9]);
    assert_eq!(dest.list().unwrap(), names);
    let done = prune(&dest, policy, false).unwrap();
    assert_eq!(done, dry);
    assert_eq!(dest.list().unwrap(), names[9..]);
    let left = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(left, 6, "three archives and their manifests remain");
}
