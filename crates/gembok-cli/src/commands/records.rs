//! Record commands: put, get, find, update, delete.

use gembok_core::Actor;
use std::io::{BufRead, BufReader, Read, Write};

use anyhow::{Context, Result};
use gembok_core::{Vault, View};
use gembok_types::RecordId;
use serde_json::{json, Value};

use crate::cli::OutputFormat;
use crate::exit::{fail, INVALID};
use crate::output::{emit, record_text};
use crate::vaultdir::VaultDir;

/// Largest single JSON document accepted on the command line or from a file.
const MAX_DOCUMENT: u64 = 64 * 1024 * 1024;

pub fn put(
    dir: &VaultDir,
    out: OutputFormat,
    collection: &str,
    data: &str,
    batch: usize,
) -> Result<()> {
    let vault = dir.open()?;
    let batch = batch.clamp(1, gembok_core::MAX_BATCH);
    match data {
        "-" => put_lines(
            &vault,
            out,
            collection,
            BufReader::new(std::io::stdin().lock()),
            batch,
        ),
        d if d.starts_with('@') => {
            let f =
                std::fs::File::open(&d[1..]).with_context(|| format!("cannot open {}", &d[1..]))?;
            put_lines(&vault, out, collection, BufReader::new(f), batch)
        }
        d => {
            let value: Value = parse_json(d)?;
            let ids = match &value {
                Value::Array(rows) => {
                    vault.create_batch(&Actor::local_operator(), collection, rows)?
                }
                _ => vec![vault.create(&Actor::local_operator(), collection, &value)?],
            };
            for id in ids {
                emit(out, &json!({ "id": id.to_string() }), || id.to_string());
            }
            Ok(())
        }
    }
}

/// JSON lines in batches; each batch commits before its ids are printed, so every id
/// printed is durable.
fn put_lines(
    vault: &Vault,
    out: OutputFormat,
    collection: &str,
    reader: impl BufRead,
    batch: usize,
) -> Result<()> {
    let mut rows = Vec::with_capacity(batch);
    let mut written = 0usize;
    let mut first_line = 1usize;
    for (n, line) in reader.lines().enumerate() {
        let line = line.context("input is not UTF-8 text")?;
        if line.trim().is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(&line).map_err(|e| {
            fail(
                INVALID,
                format!("line {}: not JSON ({})", n + 1, e.classify_name()),
            )
        })?;
        if rows.is_empty() {
            first_line = n + 1;
        }
        rows.push(value);
        if rows.len() == batch {
            written += commit(vault, out, collection, &rows, first_line, written)?;
            rows.clear();
        }
    }
    if !rows.is_empty() {
        written += commit(vault, out, collection, &rows, first_line, written)?;
    }
    if out == OutputFormat::Human {
        eprintln!("{written} records written");
    }
    Ok(())
}

fn commit(
    vault: &Vault,
    out: OutputFormat,
    collection: &str,
    rows: &[Value],
    first_line: usize,
    written: usize,
) -> Result<usize> {
    let ids = vault
        .create_batch(&Actor::local_operator(), collection, rows)
        .with_context(|| {
            format!(
                "batch starting at line {first_line} refused; {written} records written before it"
            )
        })?;
    let mut stdout = std::io::stdout().lock();
    for id in &ids {
        match out {
            OutputFormat::Json => writeln!(stdout, "{}", json!({ "id": id.to_string() }))?,
            OutputFormat::Human => writeln!(stdout, "{id}")?,
        }
    }
    stdout.flush()?;
    Ok(ids.len())
}

/// How `get` and `find` read: which fields, masked or not, for which purpose.
pub struct ReadOptions<'a> {
    pub fields: Option<&'a [String]>,
    pub masked: bool,
    pub purpose: Option<&'a str>,
}

impl ReadOptions<'_> {
    fn actor(&self) -> Actor {
        Actor::local_operator().with_purpose(self.purpose)
    }

    fn names(&self) -> Option<Vec<&str>> {
        self.fields.map(|f| f.iter().map(String::as_str).collect())
    }
}

pub fn get(
    dir: &VaultDir,
    out: OutputFormat,
    collection: &str,
    id: &str,
    opts: ReadOptions<'_>,
) -> Result<()> {
    let vault = dir.open()?;
    let id = parse_id(id)?;
    let names = opts.names();
    let rec = vault.get(
        &opts.actor(),
        collection,
        id,
        names.as_deref(),
        view(opts.masked),
    )?;
    emit(out, &rec.to_json(), || record_text(&rec));
    Ok(())
}

pub fn find(
    dir: &VaultDir,
    out: OutputFormat,
    collection: &str,
    query: &str,
    opts: ReadOptions<'_>,
) -> Result<()> {
    let vault = dir.open()?;
    let (field, value) = query
        .split_once('=')
        .ok_or_else(|| fail(INVALID, "the query must be FIELD=VALUE"))?;
    let names = opts.names();
    let found = vault.find(
        &opts.actor(),
        collection,
        field,
        value,
        names.as_deref(),
        view(opts.masked),
    )?;
    let json = Value::Array(found.iter().map(|r| r.to_json()).collect());
    emit(out, &json, || {
        if found.is_empty() {
            "no match".to_owned()
        } else {
            found.iter().map(record_text).collect::<Vec<_>>().join("\n")
        }
    });
    Ok(())
}

pub fn update(
    dir: &VaultDir,
    out: OutputFormat,
    collection: &str,
    id: &str,
    data: &str,
) -> Result<()> {
    let vault = dir.open()?;
    let id = parse_id(id)?;
    let value = parse_json(data)?;
    vault.update(&Actor::local_operator(), collection, id, &value)?;
    emit(
        out,
        &json!({ "id": id.to_string(), "updated": true }),
        || format!("updated {id}"),
    );
    Ok(())
}

pub fn delete(dir: &VaultDir, out: OutputFormat, collection: &str, id: &str) -> Result<()> {
    let vault = dir.open()?;
    let id = parse_id(id)?;
    vault.delete(&Actor::local_operator(), collection, id)?;
    emit(
        out,
        &json!({ "id": id.to_string(), "deleted": true }),
        || format!("deleted {id}"),
    );
    Ok(())
}

fn view(masked: bool) -> View<'static> {
    if masked {
        View::Masked
    } else {
        View::Plain
    }
}

fn parse_id(id: &str) -> Result<RecordId> {
    id.parse().map_err(|_| fail(INVALID, "not a record id"))
}

/// Parse inline JSON or `@file`; the error names the JSON problem, never the text.
fn parse_json(data: &str) -> Result<Value> {
    let text = match data.strip_prefix('@') {
        Some(path) => {
            let mut s = String::new();
            std::fs::File::open(path)
                .with_context(|| format!("cannot open {path}"))?
                .take(MAX_DOCUMENT)
                .read_to_string(&mut s)?;
            s
        }
        None => data.to_owned(),
    };
    serde_json::from_str(&text).map_err(|e| {
        fail(
            INVALID,
            format!("--data is not JSON ({})", e.classify_name()),
        )
    })
}

trait Classify {
    fn classify_name(&self) -> &'static str;
}

impl Classify for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "read error",
            serde_json::error::Category::Syntax => "syntax error",
            serde_json::error::Category::Data => "wrong shape",
            serde_json::error::Category::Eof => "unexpected end",
        }
    }
}
