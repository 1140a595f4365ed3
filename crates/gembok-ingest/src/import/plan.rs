//! The import plan: which column goes into which field, proposed from detection and
//! adjusted by the user's `--map`.
//!
//! Planning reads the whole sheet once. That pass runs every reader check over the
//! whole file, so a damaged or hostile file is refused before anything is written, and
//! it counts the rows for the progress bar. Each detected column is proposed for the
//! collection's field of the matching type (by name when several fields share a type).
//! Card-number columns are never mapped. A required field left unmapped stops the plan.

use std::path::{Path, PathBuf};

use gembok_core::{Collection, FieldSpec, Schema};

use super::fingerprint::FileFingerprint;
use crate::detect::header::normalise;
use crate::{column_letters, Detector, Flow, Format, IngestError, Limits, PiiType, Workbook};

/// One column of the file and what the import does with it.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnPlan {
    pub index: usize,
    pub header: Option<String>,
    pub detected: Option<PiiType>,
    pub confidence: f64,
    /// The field it is imported into; `None` leaves it out.
    pub field: Option<String>,
    /// Why a column is left out or how it was mapped.
    pub note: Option<String>,
}

/// Everything an import needs to know before writing.
#[derive(Clone, Debug)]
pub struct ImportPlan {
    pub path: PathBuf,
    pub format: Format,
    pub sheet: usize,
    pub sheet_name: String,
    pub has_header: bool,
    /// Data rows in the sheet.
    pub rows: u64,
    pub collection: String,
    pub columns: Vec<ColumnPlan>,
    pub fingerprint: FileFingerprint,
    pub limits: Limits,
}

impl ImportPlan {
    /// The mapped columns: (column index, field name).
    pub fn mapping(&self) -> Vec<(usize, String)> {
        self.columns
            .iter()
            .filter_map(|c| c.field.clone().map(|f| (c.index, f)))
            .collect()
    }
}

/// A user's `--map` entry: a column (1-based number, letter or header) and a field, or
/// `-` to leave the column out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapOverride {
    pub column: String,
    pub field: Option<String>,
}

/// Parse `col=field,col=-,...`.
pub fn parse_map(spec: &str) -> Result<Vec<MapOverride>, IngestError> {
    spec.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|item| {
            let (col, field) = item.rsplit_once('=').ok_or_else(|| {
                IngestError::Mapping(format!("`{item}` is not COLUMN=FIELD (or COLUMN=-)"))
            })?;
            let field = field.trim();
            Ok(MapOverride {
                column: col.trim().to_owned(),
                field: (field != "-").then(|| field.to_owned()),
            })
        })
        .collect()
}

/// Options of a plan.
#[derive(Clone, Debug, Default)]
pub struct PlanOptions {
    /// The sheet to import (default: the first).
    pub sheet: Option<String>,
    pub limits: Limits,
}

/// Read the file, detect its columns and propose a mapping into `collection`.
pub fn plan(
    path: &Path,
    schema: &Schema,
    collection: &str,
    overrides: &[MapOverride],
    options: &PlanOptions,
) -> Result<ImportPlan, IngestError> {
    let coll = schema.collection(collection)?;
    let fingerprint = FileFingerprint::of(path)?;
    let mut book = Workbook::open(path, &options.limits)?;
    let sheet = match &options.sheet {
        Some(name) => book.sheet_index(name)?,
        None => 0,
    };
    let sheet_name = book.sheet_names().get(sheet).cloned().unwrap_or_default();
    let mut detector = Detector::new();
    book.for_each_row(sheet, &mut |row| {
        detector.push(row);
        Ok(Flow::Continue)
    })?;
    let table = detector.finish();
    let mut columns: Vec<ColumnPlan> = table
        .columns
        .iter()
        .map(|c| ColumnPlan {
            index: c.index,
            header: c.header.clone(),
            detected: c.pii,
            confidence: c.confidence,
            field: None,
            note: None,
        })
        .collect();
    propose(coll, &mut columns);
    for o in overrides {
        apply_override(coll, &mut columns, o)?;
    }
    check_complete(coll, &columns)?;
    Ok(ImportPlan {
        path: path.to_path_buf(),
        format: book.format(),
        sheet,
        sheet_name,
        has_header: table.has_header,
        rows: table.rows,
        collection: coll.name.to_string(),
        columns,
        fingerprint,
        limits: options.limits.clone(),
    })
}

/// The fields of `coll` that store values of type `t`, best name match first.
fn fields_for<'c>(coll: &'c Collection, t: PiiType, header: Option<&str>) -> Vec<&'c FieldSpec> {
    let Some(ft) = t.field_type() else {
        return Vec::new();
    };
    let header = header.map(normalise).unwrap_or_default();
    let mut fields: Vec<&FieldSpec> = coll
        .fields
        .values()
        .filter(|f| f.field_type == ft)
        .collect();
    fields.sort_by_key(|f| {
        let name = f.name.as_str().replace('_', " ");
        (
            name != t.as_str().replace('_', " "),
            !header.contains(&name),
            f.name.as_str().to_owned(),
        )
    });
    fields
}

fn propose(coll: &Collection, columns: &mut [ColumnPlan]) {
    let mut order: Vec<usize> = (0..columns.len()).collect();
    order.sort_by(|&a, &b| columns[b].confidence.total_cmp(&columns[a].confidence));
    let mut taken: Vec<String> = Vec::new();
    for i in order {
        let c = &mut columns[i];
        let Some(t) = c.detected else { continue };
        if t == PiiType::CardNumber {
            c.note = Some(
                "card numbers are never imported; keep a payment gateway reference instead".into(),
            );
            continue;
        }
        let candidates = fields_for(coll, t, c.header.as_deref());
        match candidates
            .iter()
            .find(|f| !taken.iter().any(|n| n == f.name.as_str()))
        {
            Some(f) => {
                taken.push(f.name.to_string());
                c.field = Some(f.name.to_string());
            }
            None if candidates.is_empty() => {
                c.note = Some(format!("collection `{}` has no {t} field", coll.name));
            }
            None => c.note = Some("its field is already mapped from another column".into()),
        }
    }
    for c in columns.iter_mut().filter(|c| c.detected.is_none()) {
        c.note = Some("no personal data recognised; not imported".into());
    }
}

fn find_column(columns: &[ColumnPlan], key: &str) -> Option<usize> {
    if let Ok(n) = key.parse::<usize>() {
        return (n >= 1 && n <= columns.len()).then(|| n - 1);
    }
    let wanted = normalise(key);
    columns
        .iter()
        .position(|c| c.header.as_deref().is_some_and(|h| normalise(h) == wanted))
        .or_else(|| {
            columns
                .iter()
                .position(|c| column_letters(c.index).eq_ignore_ascii_case(key))
        })
}

fn apply_override(
    coll: &Collection,
    columns: &mut [ColumnPlan],
    o: &MapOverride,
) -> Result<(), IngestError> {
    let i = find_column(columns, &o.column)
        .ok_or_else(|| IngestError::Mapping(format!("no column `{}` in the file", o.column)))?;
    let Some(field) = &o.field else {
        columns[i].field = None;
        columns[i].note = Some("left out by --map".into());
        return Ok(());
    };
    if columns[i].detected == Some(PiiType::CardNumber) {
        return Err(IngestError::Mapping(format!(
            "column {} holds card numbers; card numbers are never imported",
            column_letters(i)
        )));
    }
    let spec = coll.field(field)?;
    for c in columns.iter_mut() {
        if c.field.as_deref() == Some(spec.name.as_str()) {
            c.field = None;
            c.note = Some(format!(
                "field `{}` mapped from another column by --map",
                spec.name
            ));
        }
    }
    columns[i].field = Some(spec.name.to_string());
    columns[i].note = Some("mapped by --map".into());
    Ok(())
}

fn check_complete(coll: &Collection, columns: &[ColumnPlan]) -> Result<(), IngestError> {
    for spec in coll.fields.values().filter(|f| f.required) {
        if !columns
            .iter()
            .any(|c| c.field.as_deref() == Some(spec.name.as_str()))
        {
            return Err(IngestError::Mapping(format!(
                "collection `{}` requires field `{}` but no column maps to it; add --map COLUMN={}",
                coll.name, spec.name, spec.name
            )));
        }
    }
    if !columns.iter().any(|c| c.field.is_some()) {
        return Err(IngestError::Mapping(
            "no column maps to a field; nothing to import (see --map)".into(),
        ));
    }
    Ok(())
}
