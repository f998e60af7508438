//! Shared by the CLI's integration tests.

use std::path::Path;
use std::process::{Command, Output};

/// Runs the built `rasd` on database `db` with `args`.
pub fn rasd(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rasd"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("RASD_DB")
        .output()
        .expect("run rasd")
}
