//! The compiled gazetteer file (`data/gazetteer.bin`).
//!
//! Layout: the 8-byte header `RASDGEO` + version byte, then one raw deflate
//! stream holding, with LEB128 varints (`v`) and strings as `v` length +
//! UTF-8 bytes (`s`):
//!
//! ```text
//! v n_places
//!   per place: v geonameid, u8 flags (bits 0-1 kind: 0 country, 1 admin1,
//!              2 city; bit 2 capital; bit 3 has coordinates),
//!              s English name, s country (ISO alpha-2), s feature code,
//!              s admin1 code, v population,
//!              [zigzag v lat·1e5, zigzag v lon·1e5 if bit 3],
//!              v n_variants, s Arabic variant …
//! v n_keys (sorted by key bytes)
//!   per key:   s key, v n_entries, v entry … (entry = place index << 1 |
//!              1 when the key is derived rather than a variant itself)
//! ```
//!
//! Everything is written in a fixed order, so the same input gives the same
//! bytes.

use std::io::{Read, Write};

use crate::{Place, PlaceKind};

pub const MAGIC: &[u8; 7] = b"RASDGEO";
pub const VERSION: u8 = 1;

/// Decoded contents of the file.
pub struct Raw {
    pub places: Vec<Place>,
    pub index: Vec<(String, Vec<u32>)>,
}

fn put_v(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn put_s(out: &mut Vec<u8>, s: &str) {
    put_v(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// Encodes and compresses the places and the index.
pub fn encode(places: &[Place], index: &[(String, Vec<u32>)]) -> Vec<u8> {
    let mut raw = Vec::with_capacity(8 << 20);
    put_v(&mut raw, places.len() as u64);
    for p in places {
        put_v(&mut raw, p.id as u64);
        let has = p.has_coords();
        let flags = p.kind as u8 | (p.capital as u8) << 2 | (has as u8) << 3;
        raw.push(flags);
        put_s(&mut raw, &p.name_en);
        put_s(&mut raw, &p.country);
        put_s(&mut raw, &p.feature_code);
        put_s(&mut raw, &p.admin1);
        put_v(&mut raw, p.population);
        if has {
            put_v(&mut raw, zigzag((p.lat * 1e5).round() as i64));
            put_v(&mut raw, zigzag((p.lon * 1e5).round() as i64));
        }
        put_v(&mut raw, p.variants_ar.len() as u64);
        for v in &p.variants_ar {
            put_s(&mut raw, v);
        }
    }
    put_v(&mut raw, index.len() as u64);
    for (k, entries) in index {
        put_s(&mut raw, k);
        put_v(&mut raw, entries.len() as u64);
        for &e in entries {
            put_v(&mut raw, e as u64);
        }
    }
    let mut out = Vec::with_capacity(raw.len() / 3);
    out.extend_from_slice(MAGIC);
    out.push(VERSION);
    let mut enc = flate2::write::DeflateEncoder::new(out, flate2::Compression::best());
    enc.write_all(&raw).expect("writing to a Vec cannot fail");
    enc.finish().expect("writing to a Vec cannot fail")
}

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Reader<'a> {
    fn v(&mut self) -> Result<u64, String> {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let b = *self.b.get(self.i).ok_or("truncated varint")?;
            self.i += 1;
            if shift >= 64 {
                return Err("varint too long".into());
            }
            v |= ((b & 0x7f) as u64) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
            shift += 7;
        }
    }

    fn u8(&mut self) -> Result<u8, String> {
        let b = *self.b.get(self.i).ok_or("truncated byte")?;
        self.i += 1;
        Ok(b)
    }

    fn s(&mut self) -> Result<String, String> {
        let n = self.v()? as usize;
        let end = self
            .i
            .checked_add(n)
            .filter(|&e| e <= self.b.len())
            .ok_or("truncated string")?;
        let s = std::str::from_utf8(&self.b[self.i..end]).map_err(|e| e.to_string())?;
        self.i = end;
        Ok(s.to_string())
    }
}

/// Decompresses and decodes a compiled file.
pub fn decode(bytes: &[u8]) -> Result<Raw, String> {
    if bytes.len() < 8 || &bytes[..7] != MAGIC {
        return Err("not a rasd-geo gazetteer file".into());
    }
    if bytes[7] != VERSION {
        return Err(format!(
            "gazetteer version {} (expected {VERSION})",
            bytes[7]
        ));
    }
    let mut raw = Vec::with_capacity(bytes.len() * 4);
    flate2::read::DeflateDecoder::new(&bytes[8..])
        .read_to_end(&mut raw)
        .map_err(|e| e.to_string())?;
    let mut r = Reader { b: &raw, i: 0 };
    let n = r.v()? as usize;
    let mut places = Vec::with_capacity(n.min(1 << 20));
    for _ in 0..n {
        let id = r.v()? as u32;
        let flags = r.u8()?;
        let kind = match flags & 3 {
            0 => PlaceKind::Country,
            1 => PlaceKind::Admin1,
            2 => PlaceKind::City,
            k => return Err(format!("bad kind {k}")),
        };
        let name_en = r.s()?;
        let country = r.s()?;
        let feature_code = r.s()?;
        let admin1 = r.s()?;
        let population = r.v()?;
        let (lat, lon) = if flags & 8 != 0 {
            (unzigzag(r.v()?) as f64 / 1e5, unzigzag(r.v()?) as f64 / 1e5)
        } else {
            (f64::NAN, f64::NAN)
        };
        let nv = r.v()? as usize;
        let mut variants_ar = Vec::with_capacity(nv.min(64));
        for _ in 0..nv {
            variants_ar.push(r.s()?);
        }
        places.push(Place {
            id,
            kind,
            name_en,
            name_ar: variants_ar.first().cloned().unwrap_or_default(),
            country,
            lat,
            lon,
            population,
            capital: flags & 4 != 0,
            feature_code,
            admin1,
            variants_ar,
        });
    }
    let nk = r.v()? as usize;
    let mut index = Vec::with_capacity(nk.min(1 << 22));
    for _ in 0..nk {
        let k = r.s()?;
        let ne = r.v()? as usize;
        let mut entries = Vec::with_capacity(ne.min(1024));
        for _ in 0..ne {
            let e = r.v()?;
            if (e >> 1) as usize >= places.len() {
                return Err(format!("index entry {e} out of range"));
            }
            entries.push(e as u32);
        }
        index.push((k, entries));
    }
    if r.i != raw.len() {
        return Err("trailing bytes".into());
    }
    Ok(Raw { places, index })
}
