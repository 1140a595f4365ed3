//! Delimited text, streamed with bounded memory.
//!
//! `csv-core` parses into fixed buffers sized by the limits, so a record longer than
//! [`Limits::max_row_bytes`](crate::Limits) or wider than `max_columns` is refused when
//! it is reached instead of growing a buffer until memory runs out. Quoted fields may
//! hold delimiters and newlines. The delimiter is sniffed from the first lines (Excel in
//! Indonesian locales writes `;`, because `,` is the decimal separator), and Excel's
//! `sep=;` first line is honoured.

use std::io::Read;

use csv_core::{ReadRecordResult, Reader, ReaderBuilder};

use super::text::{decode_field, DecodingReader};
use crate::{IngestError, Limits, Row};

const CHUNK: usize = 64 * 1024;
const SNIFF_LINES: usize = 20;

/// Rows of a delimited text file.
pub struct CsvRows<R: Read> {
    input: DecodingReader<R>,
    core: Reader,
    inbuf: Vec<u8>,
    in_pos: usize,
    in_len: usize,
    eof: bool,
    out: Vec<u8>,
    ends: Vec<usize>,
    records: u64,
    limits: Limits,
    delimiter: u8,
}

impl<R: Read> CsvRows<R> {
    /// Start reading; `delimiter` is sniffed when `None`.
    pub fn new(input: R, delimiter: Option<u8>, limits: &Limits) -> Result<Self, IngestError> {
        let mut input =
            DecodingReader::new(input).map_err(|e| IngestError::io("cannot read the file", e))?;
        let mut inbuf = vec![0u8; CHUNK];
        let in_len = read_full(&mut input, &mut inbuf)?;
        let eof = in_len < CHUNK;
        let mut in_pos = 0;
        let delimiter = match sep_line(&inbuf[..in_len]) {
            Some((d, skip)) => {
                in_pos = skip;
                d
            }
            None => delimiter.unwrap_or_else(|| sniff(&inbuf[..in_len])),
        };
        let core = ReaderBuilder::new().delimiter(delimiter).build();
        Ok(Self {
            input,
            core,
            inbuf,
            in_pos,
            in_len,
            eof,
            out: vec![0u8; limits.max_row_bytes],
            ends: vec![0usize; limits.max_columns],
            records: 0,
            limits: limits.clone(),
            delimiter,
        })
    }

    /// The delimiter in use.
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// The next record, or `None` at the end.
    pub fn next_row(&mut self) -> Result<Option<Row>, IngestError> {
        let mut out_len = 0;
        let mut end_len = 0;
        loop {
            if self.in_pos == self.in_len && !self.eof {
                self.in_len = read_full(&mut self.input, &mut self.inbuf)?;
                self.in_pos = 0;
                self.eof = self.in_len == 0;
            }
            let input = &self.inbuf[self.in_pos..self.in_len];
            let (res, nin, nout, nend) =
                self.core
                    .read_record(input, &mut self.out[out_len..], &mut self.ends[end_len..]);
            self.in_pos += nin;
            out_len += nout;
            end_len += nend;
            match res {
                ReadRecordResult::InputEmpty => continue,
                ReadRecordResult::OutputFull => {
                    return Err(IngestError::Limit {
                        what: "a row",
                        limit: self.limits.max_row_bytes as u64,
                        hint: "bytes in one record; is a quote left open?",
                    })
                }
                ReadRecordResult::OutputEndsFull => {
                    return Err(IngestError::Limit {
                        what: "a row",
                        limit: self.limits.max_columns as u64,
                        hint: "columns",
                    })
                }
                ReadRecordResult::Record => {
                    self.records += 1;
                    if self.records > self.limits.max_rows + 1 {
                        return Err(IngestError::Limit {
                            what: "the sheet",
                            limit: self.limits.max_rows,
                            hint: "rows",
                        });
                    }
                    return self.build_row(out_len, end_len).map(Some);
                }
                ReadRecordResult::End => return Ok(None),
            }
        }
    }

    fn build_row(&self, out_len: usize, end_len: usize) -> Result<Row, IngestError> {
        let data = &self.out[..out_len];
        let mut cells = Vec::with_capacity(end_len);
        let mut start = 0;
        for &end in &self.ends[..end_len] {
            let bytes = &data[start..end];
            start = end;
            if bytes.contains(&0) {
                return Err(IngestError::Corrupt(format!(
                    "row {} holds binary data (NUL bytes); this is not a text file",
                    self.records
                )));
            }
            let text = decode_field(bytes);
            if text.len() > self.limits.max_cell_chars
                && text.chars().count() > self.limits.max_cell_chars
            {
                return Err(IngestError::Limit {
                    what: "a cell",
                    limit: self.limits.max_cell_chars as u64,
                    hint: "characters",
                });
            }
            cells.push(text);
        }
        let mut row = Row {
            number: self.records,
            cells,
        };
        row.trim_end();
        Ok(row)
    }
}

fn read_full(input: &mut impl Read, buf: &mut [u8]) -> Result<usize, IngestError> {
    let mut got = 0;
    while got < buf.len() {
        match input.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(IngestError::io("cannot read the file", e)),
        }
    }
    Ok(got)
}

/// Excel's `sep=;` first line: the delimiter and the bytes to skip.
fn sep_line(head: &[u8]) -> Option<(u8, usize)> {
    let rest = head.strip_prefix(b"sep=")?;
    let d = *rest.first()?;
    let after = &rest[1..];
    let skip = if after.starts_with(b"\r\n") {
        2
    } else if after.starts_with(b"\n") || after.starts_with(b"\r") {
        1
    } else {
        return None;
    };
    Some((d, 4 + 1 + skip))
}

/// The delimiter whose count per line, outside quotes, is most consistent over the
/// first lines. Ties go to `;` then `,` then tab then `|`.
pub(crate) fn sniff(head: &[u8]) -> u8 {
    const CANDIDATES: [u8; 4] = [b';', b',', b'\t', b'|'];
    let lines = split_lines(head);
    let mut best = (b',', 0usize);
    for &d in &CANDIDATES {
        let counts: Vec<usize> = lines.iter().map(|l| count_outside_quotes(l, d)).collect();
        let Some(mode) = mode_nonzero(&counts) else {
            continue;
        };
        let agree = counts.iter().filter(|&&c| c == mode).count();
        if agree > best.1 {
            best = (d, agree);
        }
    }
    best.0
}

/// Up to the first lines of `head`, not splitting inside quotes, the last (possibly
/// cut) line dropped when there is more than one.
fn split_lines(head: &[u8]) -> Vec<&[u8]> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    for (i, &b) in head.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => {
                let line = head[start..i]
                    .strip_suffix(b"\r")
                    .unwrap_or(&head[start..i]);
                if !line.is_empty() {
                    lines.push(line);
                }
                start = i + 1;
                if lines.len() == SNIFF_LINES {
                    return lines;
                }
            }
            _ => {}
        }
    }
    if start < head.len() && (lines.is_empty() || head.len() < CHUNK) {
        lines.push(&head[start..]);
    }
    lines
}

fn count_outside_quotes(line: &[u8], d: u8) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for &b in line {
        if b == b'"' {
            quoted = !quoted;
        } else if b == d && !quoted {
            n += 1;
        }
    }
    n
}

fn mode_nonzero(counts: &[usize]) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    for &c in counts.iter().filter(|&&c| c > 0) {
        let freq = counts.iter().filter(|&&x| x == c).count();
        if best.is_none_or(|(bc, bf)| freq > bf || (freq == bf && c > bc)) {
            best = Some((c, freq));
        }
    }
    best.map(|(c, _)| c)
}
