//! `scan`: walk folders, read every spreadsheet, and report the columns that hold
//! customer data.
//!
//! Folders are walked without following symbolic links (a link loop or a link into a
//! system folder is not the user's spreadsheets), files are taken by extension, and
//! each sheet of a workbook is reported on its own. A file that cannot be read is
//! reported with its error and the scan goes on.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::{Detector, Flow, Format, IngestError, Limits, PiiType, TableReport, Workbook};

/// What a scan found in one sheet of one file, or why it could not read it.
#[derive(Clone, Debug)]
pub struct FileReport {
    pub path: PathBuf,
    pub format: Option<Format>,
    /// The sheet's name, for workbooks.
    pub sheet: Option<String>,
    pub table: Result<TableReport, String>,
}

impl FileReport {
    /// The personal-data types found, in report order.
    pub fn types(&self) -> Vec<PiiType> {
        let mut t: Vec<PiiType> = self
            .table
            .as_ref()
            .map(|t| t.personal().filter_map(|c| c.pii).collect())
            .unwrap_or_default();
        t.sort();
        t.dedup();
        t
    }

    /// The report as JSON (`path`, `sheet`, `format`, `rows`, `columns` or `error`).
    pub fn to_json(&self) -> Value {
        let mut v = json!({ "path": self.path.display().to_string() });
        if let Some(s) = &self.sheet {
            v["sheet"] = json!(s);
        }
        if let Some(f) = self.format {
            v["format"] = json!(f.as_str());
        }
        match &self.table {
            Ok(t) => {
                v["rows"] = json!(t.rows);
                v["has_header"] = json!(t.has_header);
                v["columns"] = t
                    .columns
                    .iter()
                    .map(|c| {
                        json!({
                            "index": c.index,
                            "header": c.header,
                            "type": c.pii.map(PiiType::as_str),
                            "confidence": c.confidence,
                            "count": c.count,
                            "example": c.example,
                        })
                    })
                    .collect();
            }
            Err(e) => v["error"] = json!(e),
        }
        v
    }
}

/// Everything a scan found.
#[derive(Clone, Debug, Default)]
pub struct ScanReport {
    pub files: Vec<FileReport>,
}

impl ScanReport {
    /// Reports (sheets) that hold personal data.
    pub fn with_personal_data(&self) -> impl Iterator<Item = &FileReport> {
        self.files.iter().filter(|f| !f.types().is_empty())
    }

    /// Whether any file holds personal data.
    pub fn found_personal_data(&self) -> bool {
        self.with_personal_data().next().is_some()
    }

    /// `{"files": [...], "summary": {...}}`.
    pub fn to_json(&self) -> Value {
        let mut paths: Vec<&Path> = self
            .with_personal_data()
            .map(|f| f.path.as_path())
            .collect();
        paths.dedup();
        json!({
            "files": self.files.iter().map(FileReport::to_json).collect::<Vec<_>>(),
            "summary": {
                "sheets_scanned": self.files.len(),
                "files_with_personal_data": paths.len(),
                "unreadable": self.files.iter().filter(|f| f.table.is_err()).count(),
            },
        })
    }
}

/// Scan files and folders (recursively).
pub fn scan(paths: &[PathBuf], limits: &Limits) -> ScanReport {
    let mut files = Vec::new();
    for p in paths {
        collect(p, true, &mut files);
    }
    let mut report = ScanReport::default();
    for f in files {
        report.files.extend(scan_file(&f, limits));
    }
    report
}

fn collect(path: &Path, explicit: bool, out: &mut Vec<PathBuf>) {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        if explicit {
            out.push(path.to_path_buf());
        }
        return;
    };
    if meta.is_dir() {
        let Ok(entries) = std::fs::read_dir(path) else {
            return;
        };
        let mut children: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        children.sort();
        for c in children {
            collect(&c, false, out);
        }
    } else if meta.is_file() && (explicit || Format::from_extension(path).is_some()) {
        out.push(path.to_path_buf());
    }
}

/// Scan one file: one report per sheet, or one report with the error.
pub fn scan_file(path: &Path, limits: &Limits) -> Vec<FileReport> {
    let failed = |format, e: IngestError| {
        vec![FileReport {
            path: path.to_path_buf(),
            format,
            sheet: None,
            table: Err(e.to_string()),
        }]
    };
    let mut book = match Workbook::open(path, limits) {
        Ok(b) => b,
        Err(e) => return failed(Format::from_extension(path), e),
    };
    let format = book.format();
    let sheets: Vec<String> = book.sheet_names().to_vec();
    let mut out = Vec::with_capacity(sheets.len());
    for (i, name) in sheets.iter().enumerate() {
        let mut detector = Detector::new();
        let read = book.for_each_row(i, &mut |row| {
            detector.push(row);
            Ok(Flow::Continue)
        });
        out.push(FileReport {
            path: path.to_path_buf(),
            format: Some(format),
            sheet: (!matches!(format, Format::Csv | Format::Tsv)).then(|| name.clone()),
            table: read.map(|()| detector.finish()).map_err(|e| e.to_string()),
        });
    }
    out
}
