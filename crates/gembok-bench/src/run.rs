//! The sequence of one benchmark run: generate the rows, then each selected phase in
//! turn, collecting measurements and the notes that explain them.

use anyhow::Result;

use crate::args::{Phase, Plan};
use crate::report::{self, Machine, Report};
use crate::{breakdown, data, insert, read, seal};

/// Rows inserted untimed into every fresh database before measuring.
const WARMUP_ROWS: usize = 2_000;

/// Run every phase of `plan` and return the report.
pub fn run(plan: &Plan) -> Result<Report> {
    let mut machine = Machine::probe();
    eprintln!("generating {} rows (seed {})", plan.rows, plan.seed);
    let data = data::generate(plan.rows, plan.seed)?;
    let warmup = data::generate(WARMUP_ROWS.min(plan.rows), !plan.seed)?;

    let mut measurements = Vec::new();
    let mut notes = Vec::new();
    let reads = plan.runs(Phase::Get) || plan.runs(Phase::Find);
    let mut loaded = None;
    let batches: &[usize] = match (plan.runs(Phase::Insert), reads) {
        (true, _) => &plan.batch_sizes,
        (false, true) => &plan.batch_sizes[plan.batch_sizes.len() - 1..],
        (false, false) => &[],
    };
    for &batch in batches {
        eprintln!("insert, batch {batch}");
        // Free the previous databases (and their disk space) before the next run.
        drop(loaded.take());
        let (m, l) = insert::run(batch, &data, &warmup, &plan.dir)?;
        if plan.runs(Phase::Insert) {
            measurements.push(m);
        }
        loaded = Some(l);
    }
    if let (Some(db), true) = (&loaded, reads) {
        if plan.runs(Phase::Get) {
            eprintln!("get by id, {} lookups", plan.lookups);
            measurements.push(read::get_by_id(db, &data, plan.lookups, plan.seed)?);
        }
        if plan.runs(Phase::Find) {
            eprintln!("find by email, {} lookups", plan.lookups);
            let (m, ids_only) = read::find_by_email(db, &data, plan.lookups, plan.seed)?;
            notes.push(format!(
                "Vault::find_ids alone (blind-index query + candidate check, no final read): \
                 {} ops/s, against {} ops/s for the whole find.",
                report::group(ids_only),
                report::group(m.vault_rate())
            ));
            measurements.push(m);
        }
        notes.push(format!(
            "Reads ran on the databases of the last insert run (batch {}): {} rows each.",
            batches.last().copied().unwrap_or_default(),
            report::group((plan.rows + warmup.len()) as f64)
        ));
    }
    drop(loaded);
    if plan.runs(Phase::Seal) {
        eprintln!("seal, {} fields", plan.rows * data::FIELDS.len());
        let (m, detail) = seal::run(&data)?;
        let setup = detail.setup_per_record.as_secs_f64();
        notes.push(format!(
            "RecordCipher::new (HKDF-SHA256 + AES key schedule) alone: {:.2} µs per record, \
             about {:.0} % of the vault seal time.",
            setup * 1e6,
            100.0 * setup * plan.rows as f64 / m.time.vault.as_secs_f64()
        ));
        notes.push(format!(
            "Raw AES-256-GCM with a counter nonce (no RNG call per seal): {} seals/s; \
             the random-nonce baseline spends the difference in aws-lc's RNG.",
            report::group(detail.counter_rate)
        ));
        measurements.push(m);
    }

    if plan.runs(Phase::Breakdown) {
        let batch = plan.batch_sizes.iter().copied().max().unwrap_or(1);
        eprintln!("insert breakdown, batch {batch}");
        notes.extend(breakdown::run(batch, &data, &warmup, &plan.dir)?.lines());
    }

    machine.load_after = report::loadavg();
    Ok(Report {
        machine,
        rows: plan.rows,
        lookups: plan.lookups,
        seed: plan.seed,
        measurements,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::Output;

    /// A tiny end-to-end run: every phase completes, the harness's own checks (same
    /// rows on both sides, same values read back, same matches found) pass, and the
    /// report counts the work it was asked for. Nothing about speed is asserted.
    #[test]
    fn a_tiny_run_measures_every_phase() {
        let dir = tempfile::tempdir().unwrap();
        let plan = Plan {
            rows: 60,
            batch_sizes: vec![7, 25],
            lookups: 30,
            seed: 5,
            output: Output::Json,
            dir: dir.path().to_owned(),
            phases: vec![
                Phase::Insert,
                Phase::Get,
                Phase::Find,
                Phase::Seal,
                Phase::Breakdown,
            ],
        };
        let report = run(&plan).unwrap();
        let ops: Vec<(&str, Option<usize>, u64)> = report
            .measurements
            .iter()
            .map(|m| (m.operation, m.batch, m.count))
            .collect();
        assert_eq!(
            ops,
            vec![
                ("insert", Some(7), 60),
                ("insert", Some(25), 60),
                ("get by id", None, 30),
                ("find by email", None, 30),
                ("seal field", None, 480),
            ]
        );
        assert!(report
            .notes
            .iter()
            .any(|n| n.starts_with("Insert breakdown (batch 25)")));
        // The temporary databases are gone once the run returns.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
