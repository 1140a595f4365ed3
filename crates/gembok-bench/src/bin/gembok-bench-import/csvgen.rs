//! The benchmark's input: customers from `gembok-testdata` as a CSV with Indonesian
//! headers, written in a stream.

use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::Result;
use gembok_testdata::Generator;

/// Write `rows` customers to `path`; returns the file size.
pub fn write(path: &Path, rows: usize, seed: u64) -> Result<u64> {
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    writeln!(
        out,
        "Nama Lengkap,Email,No HP,Tgl Lahir,Alamat,Kode Pos,NIK,NPWP"
    )?;
    let mut gen = Generator::new(seed);
    for _ in 0..rows {
        let c = gen.customer();
        let cells = [
            &c.name,
            &c.email,
            &c.phone,
            &c.birth_date,
            &c.address,
            &c.postal_code,
            &c.nik,
            &c.npwp,
        ];
        let line: Vec<String> = cells
            .iter()
            .map(|v| {
                if v.contains(',') || v.contains('"') {
                    format!("\"{}\"", v.replace('"', "\"\""))
                } else {
                    (*v).clone()
                }
            })
            .collect();
        writeln!(out, "{}", line.join(","))?;
    }
    out.flush()?;
    Ok(std::fs::metadata(path)?.len())
}
