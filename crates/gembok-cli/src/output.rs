//! Printing results for people (aligned text) or scripts (JSON), and errors for both.

use gembok_core::Record;
use serde_json::{json, Value};

use crate::cli::OutputFormat;

/// Print a JSON value for scripts, or the human text for people.
pub fn emit(format: OutputFormat, value: &Value, human: impl FnOnce() -> String) {
    match format {
        OutputFormat::Json => println!("{value}"),
        OutputFormat::Human => println!("{}", human()),
    }
}

/// A record as aligned `field  value` lines.
pub fn record_text(rec: &Record) -> String {
    let width = rec.fields.keys().map(String::len).max().unwrap_or(0);
    let mut out = format!("{} {} (subject {})", rec.collection, rec.id, rec.subject);
    for (name, value) in &rec.fields {
        let shown = match value.to_json() {
            Value::String(s) => s,
            other => other.to_string(),
        };
        out.push_str(&format!("\n  {name:width$}  {shown}"));
    }
    out
}

/// Print an error to stderr: `error: ...` or a JSON object with a stable code.
pub fn print_error(format: OutputFormat, err: &anyhow::Error, code: i32) {
    match format {
        OutputFormat::Json => eprintln!(
            "{}",
            json!({"error": {"code": crate::exit::name_for(code), "message": format!("{err:#}")}})
        ),
        OutputFormat::Human => eprintln!("error: {err:#}"),
    }
}
