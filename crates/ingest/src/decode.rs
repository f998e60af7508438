//! Byte-level sniffing: binary formats, text encodings.

use crate::InputError;

/// Text decoded from an input's bytes, with the encoding that was used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// WHATWG name of the encoding (`UTF-8`, `UTF-16LE`, `windows-1256`, ...),
    /// with ` BOM` appended when a byte order mark was present.
    pub encoding: String,
}

/// Known binary formats by their magic bytes, for a clear error.
fn binary_format(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x89PNG", "PNG image"),
        (b"\xFF\xD8\xFF", "JPEG image"),
        (b"GIF8", "GIF image"),
        (b"%PDF", "PDF document"),
        (b"\x1F\x8B", "gzip archive"),
        (b"BZh", "bzip2 archive"),
        (b"\xFD7zXZ", "xz archive"),
        (b"7z\xBC\xAF", "7-zip archive"),
        (b"Rar!", "RAR archive"),
        (b"\x7FELF", "ELF executable"),
        (b"SQLite format 3", "SQLite database"),
        (b"\x28\xB5\x2F\xFD", "zstd archive"),
        (b"RIFF", "RIFF media file"),
        (b"OggS", "Ogg media file"),
        (b"ID3", "MP3 audio"),
        (b"\xD0\xCF\x11\xE0", "MS Office document"),
    ];
    MAGIC
        .iter()
        .find(|(m, _)| bytes.starts_with(m))
        .map(|&(_, n)| n)
}

/// True if the bytes start like a zip archive.
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// Share of bytes in the first 8 KiB that never occur in text: NUL and C0
/// controls other than tab, newline, form feed and carriage return.
fn control_ratio(bytes: &[u8]) -> f64 {
    let head = &bytes[..bytes.len().min(8192)];
    if head.is_empty() {
        return 0.0;
    }
    let bad = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C) || b == 0x7F)
        .count();
    bad as f64 / head.len() as f64
}

/// Decodes the bytes of a text input: a BOM decides first (UTF-8, UTF-16LE/BE);
/// then valid UTF-8; then a legacy single-byte encoding guessed with chardetng,
/// accepted only if the result reads as text (mostly letters, not controls).
pub fn decode(bytes: &[u8]) -> Result<Decoded, InputError> {
    if bytes.is_empty() || bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(InputError::Empty);
    }
    if let Some(name) = binary_format(bytes) {
        return Err(InputError::Binary(format!("binary content ({name})")));
    }
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let body = &bytes[bom_len..];
        let (text, had_errors) = enc.decode_without_bom_handling(body);
        if had_errors {
            let what = if enc == encoding_rs::UTF_8 {
                "invalid UTF-8 after a UTF-8 BOM"
            } else {
                "malformed UTF-16 (odd length or unpaired surrogate)"
            };
            return Err(InputError::Undecodable(what.to_string()));
        }
        let text = text.into_owned();
        if text.trim().is_empty() {
            return Err(InputError::Empty);
        }
        return Ok(Decoded {
            text,
            encoding: format!("{} BOM", enc.name()),
        });
    }
    if control_ratio(bytes) > 0.01 {
        return Err(InputError::Binary(
            "binary content (control bytes, not text)".into(),
        ));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(Decoded {
            text: s.to_owned(),
            encoding: "UTF-8".into(),
        }),
        Err(e) => {
            let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            det.feed(bytes, true);
            let enc = det.guess(None, chardetng::Utf8Detection::Deny);
            let (text, had_errors) = enc.decode_without_bom_handling(bytes);
            let letters = text.chars().filter(|c| c.is_alphabetic()).count();
            let visible = text.chars().filter(|c| !c.is_whitespace()).count().max(1);
            let replacement = text.chars().filter(|&c| c == '\u{FFFD}').count();
            if had_errors || replacement > 0 || (letters as f64) / (visible as f64) < 0.5 {
                return Err(InputError::Undecodable(format!(
                    "not valid UTF-8 (bad byte at offset {}) and not readable as a legacy encoding",
                    e.valid_up_to()
                )));
            }
            Ok(Decoded {
                text: text.into_owned(),
                encoding: enc.name().to_string(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AR: &str = "أعلنت وزارة الزراعة اليوم عن خطة جديدة لدعم المزارعين في الجنوب، وقالت إن التنفيذ يبدأ الشهر المقبل.";

    #[test]
    fn utf8_with_and_without_bom() {
        let d = decode(AR.as_bytes()).unwrap();
        assert_eq!((d.text.as_str(), d.encoding.as_str()), (AR, "UTF-8"));
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice(AR.as_bytes());
        let d = decode(&b).unwrap();
        assert_eq!((d.text.as_str(), d.encoding.as_str()), (AR, "UTF-8 BOM"));
    }

    #[test]
    fn utf16_both_byte_orders() {
        let units: Vec<u16> = AR.encode_utf16().collect();
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in &units {
            le.extend_from_slice(&u.to_le_bytes());
            be.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(
            decode(&le).unwrap(),
            Decoded {
                text: AR.into(),
                encoding: "UTF-16LE BOM".into()
            }
        );
        assert_eq!(
            decode(&be).unwrap(),
            Decoded {
                text: AR.into(),
                encoding: "UTF-16BE BOM".into()
            }
        );
        le.push(0x41);
        assert!(
            matches!(decode(&le), Err(InputError::Undecodable(_))),
            "odd length"
        );
    }

    #[test]
    fn windows_1256() {
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1256.encode(AR);
        assert!(!unmappable);
        let d = decode(&bytes).unwrap();
        assert_eq!(d.text, AR);
        assert_eq!(d.encoding, "windows-1256");
    }

    #[test]
    fn empty_binary_and_garbage() {
        assert_eq!(decode(b""), Err(InputError::Empty));
        assert_eq!(decode(b" \n\t "), Err(InputError::Empty));
        assert!(
            matches!(decode(b"\x89PNG\r\n\x1a\n...."), Err(InputError::Binary(m)) if m.contains("PNG"))
        );
        let mut x: u32 = 12345;
        let random: Vec<u8> = (0..4096)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        assert!(matches!(decode(&random), Err(InputError::Binary(_))));
    }
}
