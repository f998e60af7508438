//! Progress on stderr: a bar when stderr is a terminal, else a line every
//! 10 seconds (so that a long ingest into a log file shows it is alive).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rasd_pipeline::Progress;
use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct Bar {
    bar: Option<ProgressBar>,
    lines: Option<Mutex<Lines>>,
}

/// The line-per-interval form, for a stderr that is no terminal.
struct Lines {
    out: Box<dyn Write + Send>,
    every: Duration,
    t0: Instant,
    last: Instant,
    total: u64,
    done: u64,
    inputs: u64,
}

impl Bar {
    pub fn new() -> Self {
        if !std::io::stderr().is_terminal() {
            return Bar::lines(Box::new(std::io::stderr()), Duration::from_secs(10));
        }
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        bar.set_style(ProgressStyle::with_template("{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, eta {eta}) {msg}").expect("valid template"));
        Bar {
            bar: Some(bar),
            lines: None,
        }
    }

    /// A line to `out` at most every `every`, as inputs are done.
    fn lines(out: Box<dyn Write + Send>, every: Duration) -> Self {
        let now = Instant::now();
        Bar {
            bar: None,
            lines: Some(Mutex::new(Lines {
                out,
                every,
                t0: now,
                last: now,
                total: 0,
                done: 0,
                inputs: 0,
            })),
        }
    }
}

impl Bar {
    /// A bar counting items (`unit`) rather than bytes.
    pub fn counting(unit: &str) -> Self {
        if !std::io::stderr().is_terminal() {
            return Bar {
                bar: None,
                lines: None,
            };
        }
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        let tpl = format!("{{spinner}} [{{elapsed_precise}}] {{wide_bar}} {{pos}}/{{len}} {unit} ({{per_sec}}, eta {{eta}})");
        bar.set_style(ProgressStyle::with_template(&tpl).expect("valid template"));
        Bar {
            bar: Some(bar),
            lines: None,
        }
    }
}

impl Progress for Bar {
    fn start(&self, _inputs: u64, bytes: u64) {
        if let Some(b) = &self.bar {
            b.set_length(bytes);
        }
        if let Some(l) = &self.lines {
            let mut l = l.lock().unwrap_or_else(|e| e.into_inner());
            l.total = bytes;
        }
    }
    fn advance(&self, bytes: u64, current: &str) {
        let name = current.rsplit(['/', '\\']).next().unwrap_or(current);
        if let Some(b) = &self.bar {
            b.inc(bytes);
            b.set_message(name.to_string());
        }
        if let Some(l) = &self.lines {
            let mut l = l.lock().unwrap_or_else(|e| e.into_inner());
            l.done += bytes;
            l.inputs += 1;
            if l.last.elapsed() >= l.every {
                l.last = Instant::now();
                let pct = if l.total > 0 {
                    format!(" ({:.0}%)", 100.0 * l.done as f64 / l.total as f64)
                } else {
                    String::new()
                };
                let line = format!(
                    "rasd: {} inputs, {:.1} of {:.1} MB{pct} in {:.0} s; last: {name}\n",
                    l.inputs,
                    l.done as f64 / 1e6,
                    l.total as f64 / 1e6,
                    l.t0.elapsed().as_secs_f64(),
                );
                let _ = l.out.write_all(line.as_bytes());
            }
        }
    }
    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// A writer the test can read back.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);
    impl Write for Shared {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn without_a_terminal_a_line_per_interval() {
        let out = Shared::default();
        let bar = Bar::lines(Box::new(out.clone()), Duration::ZERO);
        bar.start(2, 3_000_000);
        bar.advance(1_000_000, "/data/2015-07-21.zip");
        bar.advance(2_000_000, "/data/2015-07-22.zip");
        bar.finish();
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(
            lines[0].starts_with("rasd: 1 inputs, 1.0 of 3.0 MB (33%)"),
            "{text}"
        );
        assert!(
            lines[1].contains("2 inputs, 3.0 of 3.0 MB (100%)"),
            "{text}"
        );
        assert!(lines[1].ends_with("last: 2015-07-22.zip"), "{text}");
        // With a long interval, nothing before it has passed.
        let quiet = Shared::default();
        let bar = Bar::lines(Box::new(quiet.clone()), Duration::from_secs(3600));
        bar.start(1, 10);
        bar.advance(10, "a.txt");
        assert!(quiet.0.lock().unwrap().is_empty());
    }
}
