//! Text decoding for delimited files, as Indonesian Excel exports write them.
//!
//! Excel writes "CSV UTF-8" with a byte-order mark, plain "CSV" in the Windows code page
//! (Windows-1252 on Indonesian and English systems), and "Unicode text" as UTF-16 with a
//! BOM. A BOM decides the encoding of the whole stream (UTF-16 is transcoded to UTF-8
//! while streaming); otherwise each field is taken as UTF-8 when it is valid UTF-8 and as
//! Windows-1252 when it is not, so one stray accented name does not spoil a file.

use std::io::{self, Read};

use encoding_rs::{CoderResult, Decoder, UTF_16BE, UTF_16LE, WINDOWS_1252};

const CHUNK: usize = 64 * 1024;

/// A reader that strips a UTF-8 BOM and transcodes UTF-16 (by its BOM) to UTF-8.
pub(crate) struct DecodingReader<R> {
    inner: R,
    decoder: Option<Decoder>,
    /// Bytes read but not yet handed on (the sniffed head, or undecoded UTF-16).
    pending: Vec<u8>,
    pending_pos: usize,
    /// Decoded UTF-8 not yet handed on.
    decoded: Vec<u8>,
    decoded_pos: usize,
    eof: bool,
}

impl<R: Read> DecodingReader<R> {
    /// Look at the first bytes of `inner` to choose the decoding.
    pub(crate) fn new(mut inner: R) -> io::Result<Self> {
        let mut head = Vec::with_capacity(4);
        let mut byte = [0u8; 1];
        while head.len() < 3 {
            match inner.read(&mut byte)? {
                0 => break,
                _ => head.push(byte[0]),
            }
            if head.len() == 2 && (head == [0xFF, 0xFE] || head == [0xFE, 0xFF]) {
                break;
            }
        }
        let (decoder, skip) = if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
            (None, 3)
        } else if head.starts_with(&[0xFF, 0xFE]) {
            (Some(UTF_16LE.new_decoder_without_bom_handling()), 2)
        } else if head.starts_with(&[0xFE, 0xFF]) {
            (Some(UTF_16BE.new_decoder_without_bom_handling()), 2)
        } else {
            (None, 0)
        };
        Ok(Self {
            inner,
            decoder,
            pending: head,
            pending_pos: skip,
            decoded: Vec::new(),
            decoded_pos: 0,
            eof: false,
        })
    }

    fn fill_pending(&mut self) -> io::Result<()> {
        self.pending.clear();
        self.pending.resize(CHUNK, 0);
        let n = loop {
            match self.inner.read(&mut self.pending) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        self.pending.truncate(n);
        self.pending_pos = 0;
        if n == 0 {
            self.eof = true;
        }
        Ok(())
    }
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if self.decoded_pos < self.decoded.len() {
                let n = buf.len().min(self.decoded.len() - self.decoded_pos);
                buf[..n].copy_from_slice(&self.decoded[self.decoded_pos..self.decoded_pos + n]);
                self.decoded_pos += n;
                return Ok(n);
            }
            if self.pending_pos >= self.pending.len() {
                if self.eof {
                    return Ok(0);
                }
                self.fill_pending()?;
                if self.eof && self.decoder.is_none() {
                    return Ok(0);
                }
            }
            let Some(decoder) = self.decoder.as_mut() else {
                let n = buf.len().min(self.pending.len() - self.pending_pos);
                buf[..n].copy_from_slice(&self.pending[self.pending_pos..self.pending_pos + n]);
                self.pending_pos += n;
                return Ok(n);
            };
            let input = &self.pending[self.pending_pos..];
            let room = decoder
                .max_utf8_buffer_length(input.len())
                .unwrap_or(CHUNK * 3)
                .max(16);
            self.decoded.clear();
            self.decoded.resize(room, 0);
            self.decoded_pos = 0;
            let (result, read, written, _) =
                decoder.decode_to_utf8(input, &mut self.decoded, self.eof);
            self.pending_pos += read;
            self.decoded.truncate(written);
            if self.eof && result == CoderResult::InputEmpty && written == 0 {
                self.decoder = None;
                return Ok(0);
            }
        }
    }
}

/// One field's bytes as text: UTF-8 when valid, else Windows-1252.
pub(crate) fn decode_field(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(bytes: &[u8]) -> String {
        let mut r = DecodingReader::new(bytes).unwrap();
        let mut out = Vec::new();
        // Small reads exercise the buffering.
        let mut buf = [0u8; 3];
        loop {
            let n = r.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn boms_decide_the_encoding() {
        assert_eq!(decode_all(b"\xEF\xBB\xBFnama;kota\n"), "nama;kota\n");
        assert_eq!(decode_all(b"nama,kota"), "nama,kota");
        assert_eq!(decode_all(b""), "");
        assert_eq!(decode_all(b"ab"), "ab");
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in "José\tSiti\n".encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
            be.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(decode_all(&le), "José\tSiti\n");
        assert_eq!(decode_all(&be), "José\tSiti\n");
    }

    #[test]
    fn long_utf16_streams_decode_across_chunks() {
        let text: String = (0..20_000)
            .map(|i| format!("Siti Nurhaliza {i}\n"))
            .collect();
        let mut le = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode_all(&le), text);
    }

    #[test]
    fn fields_fall_back_to_windows_1252() {
        assert_eq!(decode_field("Jos\u{e9}".as_bytes()), "José");
        assert_eq!(decode_field(b"Jos\xE9"), "José");
        assert_eq!(decode_field(b"Rp 5\x80"), "Rp 5€");
        assert_eq!(decode_field(b""), "");
    }
}
