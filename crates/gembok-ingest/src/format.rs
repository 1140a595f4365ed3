//! Which reader a file needs: from its extension, checked against its first bytes.
//!
//! The extension says what the user thinks the file is; the magic bytes say what it
//! is. A workbook saved with the wrong extension is read by what it is; a text file
//! named `.xlsx` is refused as damaged rather than fed to the wrong parser.

use std::io::Read;
use std::path::Path;

use crate::IngestError;

/// A supported file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// Delimited text; the delimiter is sniffed (comma, semicolon, tab or pipe).
    Csv,
    /// Tab-separated text.
    Tsv,
    /// Office Open XML workbook (`.xlsx`, `.xlsm`).
    Xlsx,
    /// Legacy Excel 97-2003 workbook.
    Xls,
    /// OpenDocument spreadsheet.
    Ods,
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

impl Format {
    /// The short name shown to people.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "CSV",
            Format::Tsv => "TSV",
            Format::Xlsx => "XLSX",
            Format::Xls => "XLS",
            Format::Ods => "ODS",
        }
    }

    /// The format a file name suggests, if it is one a scan should look at.
    pub fn from_extension(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv),
            "tsv" | "tab" => Some(Format::Tsv),
            "xlsx" | "xlsm" => Some(Format::Xlsx),
            "xls" => Some(Format::Xls),
            "ods" => Some(Format::Ods),
            _ => None,
        }
    }

    /// The format of a file, by extension and first bytes.
    pub fn detect(path: &Path) -> Result<Format, IngestError> {
        let by_name = Format::from_extension(path);
        let mut head = [0u8; 8];
        let mut f = std::fs::File::open(path)
            .map_err(|e| IngestError::io(format!("cannot open {}", path.display()), e))?;
        let mut got = 0;
        while got < head.len() {
            match f.read(&mut head[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) => {
                    return Err(IngestError::io(
                        format!("cannot read {}", path.display()),
                        e,
                    ))
                }
            }
        }
        let head = &head[..got];
        let is_zip = head.starts_with(ZIP_MAGIC);
        let is_cfb = head.starts_with(CFB_MAGIC);
        match (by_name, is_zip, is_cfb) {
            (Some(Format::Ods), true, _) => Ok(Format::Ods),
            (_, true, _) => Ok(Format::Xlsx),
            (_, _, true) => Ok(Format::Xls),
            (Some(Format::Xlsx | Format::Ods | Format::Xls), false, false) => {
                Err(IngestError::Corrupt(format!(
                    "{} is named as a workbook but is not one",
                    path.display()
                )))
            }
            (Some(f), false, false) => Ok(f),
            (None, false, false) => Err(IngestError::Unsupported(format!(
                "{} (expected .csv, .tsv, .xlsx, .xls or .ods)",
                path.display()
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_and_magic_decide() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, bytes: &[u8]| {
            let p = dir.path().join(name);
            std::fs::write(&p, bytes).unwrap();
            p
        };
        let cases: Vec<(std::path::PathBuf, Option<Format>)> = vec![
            (write("a.csv", b"nama,email\n"), Some(Format::Csv)),
            (write("a.TSV", b"nama\temail\n"), Some(Format::Tsv)),
            (write("a.xlsx", b"PK\x03\x04rest"), Some(Format::Xlsx)),
            (write("a.ods", b"PK\x03\x04rest"), Some(Format::Ods)),
            (write("a.xls", CFB_MAGIC), Some(Format::Xls)),
            (write("renamed.xls", b"PK\x03\x04rest"), Some(Format::Xlsx)),
            (write("fake.xlsx", b"nama,email\n"), None),
            (write("notes.txt", b"hello"), None),
            (write("empty.csv", b""), Some(Format::Csv)),
        ];
        for (path, want) in cases {
            assert_eq!(Format::detect(&path).ok(), want, "{}", path.display());
        }
        assert!(matches!(
            Format::detect(&dir.path().join("fake.xlsx")),
            Err(IngestError::Corrupt(_))
        ));
        assert!(matches!(
            Format::detect(&dir.path().join("missing.csv")),
            Err(IngestError::Io { .. })
        ));
    }
}
