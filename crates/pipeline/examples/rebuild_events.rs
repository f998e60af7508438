//! Re-codes the events of an existing store, leaving every other stage as it
//! is: the loop for working on the event coder over a large corpus without
//! re-ingesting it (`rasd process --force` redoes every stage).
//!
//! Usage: cargo run --release -p rasd-pipeline --example rebuild_events -- DB

use rasd_store::SqliteStore;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(db) = std::env::args().nth(1) else {
        eprintln!("usage: rebuild_events DB");
        std::process::exit(2);
    };
    let mut store = SqliteStore::open(std::path::Path::new(&db))?;
    let sum = rasd_pipeline::events::rebuild_events(&mut store)?;
    println!("{sum:?}");
    Ok(())
}
