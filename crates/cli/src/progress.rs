//! A progress bar on stderr, drawn only when stderr is a terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rasd_pipeline::Progress;
use std::io::IsTerminal;

pub struct Bar {
    bar: Option<ProgressBar>,
}

impl Bar {
    pub fn new() -> Self {
        if !std::io::stderr().is_terminal() {
            return Bar { bar: None };
        }
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        bar.set_style(ProgressStyle::with_template("{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, eta {eta}) {msg}").expect("valid template"));
        Bar { bar: Some(bar) }
    }
}

impl Bar {
    /// A bar counting items (`unit`) rather than bytes.
    pub fn counting(unit: &str) -> Self {
        if !std::io::stderr().is_terminal() {
            return Bar { bar: None };
        }
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        let tpl = format!("{{spinner}} [{{elapsed_precise}}] {{wide_bar}} {{pos}}/{{len}} {unit} ({{per_sec}}, eta {{eta}})");
        bar.set_style(ProgressStyle::with_template(&tpl).expect("valid template"));
        Bar { bar: Some(bar) }
    }
}

impl Progress for Bar {
    fn start(&self, _inputs: u64, bytes: u64) {
        if let Some(b) = &self.bar {
            b.set_length(bytes);
        }
    }
    fn advance(&self, bytes: u64, current: &str) {
        if let Some(b) = &self.bar {
            b.inc(bytes);
            let name = current.rsplit(['/', '\\']).next().unwrap_or(current);
            b.set_message(name.to_string());
        }
    }
    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
