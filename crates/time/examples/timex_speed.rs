//! Prints the throughput of time-expression extraction over a text file (one
//! document per line): `cargo run --release -p rasd-time --example timex_speed FILE`.
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("usage: timex_speed FILE");
    let text = std::fs::read_to_string(&path).expect("read file");
    let docs: Vec<&str> = text.lines().collect();
    let anchor: jiff::civil::Date = "2015-07-23".parse().unwrap();
    let ctx = rasd_time::Context {
        anchor: Some(anchor.to_datetime(jiff::civil::Time::midnight())),
        prefer: rasd_time::Prefer::Past,
    };
    let mut runs = Vec::new();
    let mut found = 0;
    for _ in 0..3 {
        let t = Instant::now();
        found = docs
            .iter()
            .map(|d| rasd_time::extract(d, &ctx).len())
            .sum::<usize>();
        runs.push(t.elapsed().as_secs_f64());
    }
    runs.sort_by(f64::total_cmp);
    let mb = text.len() as f64 / 1e6;
    println!(
        "{mb:.1} MB, {} docs, {found} expressions, median {:.2} s = {:.1} MB/s",
        docs.len(),
        runs[1],
        mb / runs[1]
    );
}
