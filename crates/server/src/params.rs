//! Query parameters, parsed strictly: an unknown parameter, a malformed
//! number or date, or an invalid cursor is a 400 naming it.

use crate::error::ApiError;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::BTreeMap;

pub const DEFAULT_LIMIT: usize = 20;
pub const MAX_LIMIT: usize = 200;

/// The parameters of one request; each is taken once, and `finish` rejects
/// any left over.
pub struct Params {
    map: BTreeMap<String, String>,
}

impl Params {
    pub fn parse(raw: Option<&str>) -> Result<Params, ApiError> {
        let mut map = BTreeMap::new();
        for (k, v) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            if map.insert(k.to_string(), v.to_string()).is_some() {
                return Err(ApiError::bad(format!("parameter '{k}' given twice")));
            }
        }
        Ok(Params { map })
    }

    /// A text parameter; empty counts as absent.
    pub fn text(&mut self, name: &str) -> Option<String> {
        self.map
            .remove(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }

    pub fn int(&mut self, name: &str) -> Result<Option<i64>, ApiError> {
        self.text(name)
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| ApiError::bad(format!("'{name}' must be an integer, not '{v}'")))
            })
            .transpose()
    }

    pub fn bool(&mut self, name: &str) -> Result<Option<bool>, ApiError> {
        self.text(name)
            .map(|v| match v.as_str() {
                "true" | "1" | "yes" => Ok(true),
                "false" | "0" | "no" => Ok(false),
                _ => Err(ApiError::bad(format!(
                    "'{name}' must be true or false, not '{v}'"
                ))),
            })
            .transpose()
    }

    /// A count within `min..=max`, `default` when absent.
    pub fn count(
        &mut self,
        name: &str,
        default: usize,
        min: usize,
        max: usize,
    ) -> Result<usize, ApiError> {
        match self.int(name)? {
            None => Ok(default),
            Some(n) if n >= min as i64 && n <= max as i64 => Ok(n as usize),
            Some(n) => Err(ApiError::bad(format!(
                "'{name}' must be between {min} and {max}, not {n}"
            ))),
        }
    }

    pub fn limit(&mut self) -> Result<usize, ApiError> {
        self.count("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    }

    /// A date `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub fn date(&mut self, name: &str) -> Result<Option<String>, ApiError> {
        self.text(name)
            .map(|v| {
                if is_date(&v) {
                    Ok(v)
                } else {
                    Err(ApiError::bad(format!(
                        "'{name}' must be a date YYYY-MM-DD (or YYYY-MM, YYYY), not '{v}'"
                    )))
                }
            })
            .transpose()
    }

    /// One of `allowed`, `default` when absent.
    pub fn choice(
        &mut self,
        name: &str,
        allowed: &[&'static str],
        default: &'static str,
    ) -> Result<&'static str, ApiError> {
        match self.text(name) {
            None => Ok(default),
            Some(v) => allowed.iter().copied().find(|a| *a == v).ok_or_else(|| {
                ApiError::bad(format!(
                    "'{name}' must be one of {}, not '{v}'",
                    allowed.join(", ")
                ))
            }),
        }
    }

    /// The decoded `cursor` parameter.
    pub fn cursor<K: DeserializeOwned>(&mut self) -> Result<Option<K>, ApiError> {
        self.text("cursor").map(|c| decode_cursor(&c)).transpose()
    }

    /// Rejects parameters nobody took.
    pub fn finish(self) -> Result<(), ApiError> {
        match self.map.keys().next() {
            None => Ok(()),
            Some(k) => Err(ApiError::bad(format!("unknown parameter '{k}'"))),
        }
    }
}

fn is_date(v: &str) -> bool {
    let parts: Vec<&str> = v.split('-').collect();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [y] => digits(y, 4),
        [y, m] => digits(y, 4) && digits(m, 2) && (1..=12).contains(&m.parse::<u32>().unwrap_or(0)),
        [y, m, d] => {
            digits(y, 4)
                && digits(m, 2)
                && digits(d, 2)
                && (1..=12).contains(&m.parse::<u32>().unwrap_or(0))
                && (1..=31).contains(&d.parse::<u32>().unwrap_or(0))
        }
        _ => false,
    }
}

/// A cursor is the sort key of the last item of a page, as JSON in hex: a
/// page starts after it, so pages stay stable when items are added.
pub fn encode_cursor<K: Serialize>(key: &K) -> String {
    let json = serde_json::to_vec(key).expect("sort keys serialize");
    json.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn decode_cursor<K: DeserializeOwned>(c: &str) -> Result<K, ApiError> {
    let bad = || ApiError::bad("invalid cursor (pass back a next_cursor unchanged)");
    if !c.is_ascii() || !c.len().is_multiple_of(2) || c.len() > 4096 {
        return Err(bad());
    }
    let bytes: Vec<u8> = (0..c.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&c[i..i + 2], 16))
        .collect::<Result<_, _>>()
        .map_err(|_| bad())?;
    serde_json::from_slice(&bytes).map_err(|_| bad())
}

/// The page of `order` that the request's `cursor` asks for, after which no
/// parameter may be left (see [`paginate`]).
pub fn page_of<K: Ord + Serialize + DeserializeOwned>(
    mut p: Params,
    order: &[usize],
    key: impl Fn(usize) -> K,
    limit: usize,
    keep: impl FnMut(usize) -> bool,
) -> Result<(Vec<usize>, Option<String>), ApiError> {
    let after: Option<K> = p.cursor()?;
    p.finish()?;
    Ok(paginate(order, key, after.as_ref(), limit, keep))
}

/// One page of `order` (positions sorted by `key`): the positions that pass
/// `keep`, after the cursor, at most `limit`, and the cursor of the next
/// page (none when the list is exhausted).
pub fn paginate<K: Ord + Serialize>(
    order: &[usize],
    key: impl Fn(usize) -> K,
    after: Option<&K>,
    limit: usize,
    mut keep: impl FnMut(usize) -> bool,
) -> (Vec<usize>, Option<String>) {
    let start = match after {
        Some(c) => order.partition_point(|&i| key(i) <= *c),
        None => 0,
    };
    let mut out = Vec::with_capacity(limit);
    let mut rest = order[start..].iter().copied().filter(|&i| keep(i));
    for i in rest.by_ref() {
        out.push(i);
        if out.len() == limit {
            break;
        }
    }
    let next = if out.len() == limit && rest.next().is_some() {
        out.last().map(|&i| encode_cursor(&key(i)))
    } else {
        None
    };
    (out, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked() {
        for ok in ["2024", "2024-06", "2024-06-03"] {
            assert!(is_date(ok), "{ok}");
        }
        for bad in [
            "24",
            "2024-13",
            "2024-6-3",
            "2024-06-32",
            "x",
            "2024-06-03-01",
            "",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
    }

    #[test]
    fn pages_follow_cursors_to_the_end_without_repeats() {
        let keys: Vec<(i64, i64)> = (0..23).map(|i| (i / 5, i)).collect();
        let order: Vec<usize> = (0..keys.len()).collect();
        let mut seen = Vec::new();
        let mut cursor: Option<(i64, i64)> = None;
        loop {
            let (page, next) = paginate(&order, |i| keys[i], cursor.as_ref(), 5, |i| i % 3 != 0);
            seen.extend(page);
            match next {
                Some(c) => cursor = Some(decode_cursor(&c).unwrap()),
                None => break,
            }
        }
        let want: Vec<usize> = (0..23).filter(|i| i % 3 != 0).collect();
        assert_eq!(seen, want);
    }

    #[test]
    fn bad_parameters_are_named() {
        let mut p = Params::parse(Some("limit=500&x=1")).unwrap();
        let e = p.limit().unwrap_err();
        assert!(matches!(e, ApiError::BadRequest(m) if m.contains("limit")));
        assert!(matches!(p.finish(), Err(ApiError::BadRequest(m)) if m.contains("'x'")));
        assert!(Params::parse(Some("a=1&a=2")).is_err());
        assert!(decode_cursor::<(i64, i64)>("zz").is_err());
        assert!(decode_cursor::<(i64, i64)>("7b7d").is_err());
        assert!(
            decode_cursor::<(i64, i64)>("൪%").is_err(),
            "not hex, not ASCII"
        );
    }
}
