//! Runs every case of `cases.tsv`: each sentence, resolved against its
//! anchor, must yield an expression with exactly the expected span and value
//! (or none at all for the `-` cases). All failures are reported together.

use jiff::civil;
use rasd_time::{extract, Context, Prefer};

#[test]
fn all_cases_of_the_table() {
    let table = include_str!("cases.tsv");
    let mut failures = Vec::new();
    let mut n = 0;
    for line in table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 4, "bad line: {line}");
        let (anchor, text, span, value) = (cols[0], cols[1], cols[2], cols[3]);
        n += 1;
        let a: civil::Date = anchor.parse().expect("anchor date");
        let ctx = Context {
            anchor: Some(a.to_datetime(civil::Time::midnight())),
            prefer: Prefer::Past,
        };
        let got = extract(text, &ctx);
        let found: Vec<(String, String)> = got
            .iter()
            .map(|t| {
                (
                    text[t.start..t.end].to_string(),
                    t.value.clone().unwrap_or_else(|| "?".into()),
                )
            })
            .collect();
        let ok = if span == "-" {
            got.is_empty()
        } else {
            found.iter().any(|(s, v)| s == span && v == value)
        };
        if !ok {
            failures.push(format!(
                "{text}\n    expected {span:?} = {value}\n    got      {found:?}"
            ));
        }
    }
    assert!(
        n >= 300,
        "the table should hold at least 300 cases, has {n}"
    );
    assert!(
        failures.is_empty(),
        "{} of {n} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
