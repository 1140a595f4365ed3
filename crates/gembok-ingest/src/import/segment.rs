//! One batch of an import between its stages: the rows read and checked, their row
//! numbers, and the rejects gathered with them. It owns the plaintext rows, so it wipes
//! them when they are sealed or when it is dropped (an import that stops half way
//! leaves no plaintext behind in freed memory), and it moves rows the vault refuses to
//! the rejects with the vault's reason.

use std::collections::BTreeSet;

use serde_json::Value;

use super::validate::{wipe, Reject};

/// Rows read and checked, ready to be written.
#[derive(Default)]
pub(super) struct Segment {
    /// Row number of the last row covered.
    pub(super) through: u64,
    pub(super) rows: u64,
    pub(super) good: Vec<Value>,
    pub(super) good_rows: Vec<u64>,
    pub(super) rejected: u64,
    pub(super) rejects: Vec<Reject>,
}

impl Drop for Segment {
    fn drop(&mut self) {
        self.wipe_rows();
    }
}

impl Segment {
    /// Wipe and drop the good rows once they are sealed: only the ciphertexts go on to
    /// the commit, and memory holds fewer batches of plaintext.
    pub(super) fn release_rows(&mut self) {
        self.wipe_rows();
        self.good = Vec::new();
        self.good_rows = Vec::new();
    }

    /// Move the good rows at `indices` to the rejects with the vault's reason.
    pub(super) fn refuse(&mut self, refused: &[(usize, String)]) {
        let bad: BTreeSet<usize> = refused.iter().map(|(i, _)| *i).collect();
        for (i, reason) in refused {
            self.rejects.push(Reject {
                row: self.good_rows[*i],
                column: None,
                field: String::new(),
                rule: "vault".into(),
                reason: reason.clone(),
            });
        }
        let mut keep_rows = Vec::with_capacity(self.good_rows.len());
        let mut keep = Vec::with_capacity(self.good.len());
        for (i, (mut v, row)) in self
            .good
            .drain(..)
            .zip(self.good_rows.drain(..))
            .enumerate()
        {
            if bad.contains(&i) {
                if let Value::Object(m) = &mut v {
                    wipe(m);
                }
            } else {
                keep.push(v);
                keep_rows.push(row);
            }
        }
        self.good = keep;
        self.good_rows = keep_rows;
        self.rejected += bad.len() as u64;
    }

    fn wipe_rows(&mut self) {
        for v in &mut self.good {
            if let Value::Object(m) = v {
                wipe(m);
            }
        }
    }
}
