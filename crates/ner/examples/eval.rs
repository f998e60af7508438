//! Evaluates a model on a CoNLL file: `cargo run --release -p rasd-ner --example eval -- FILE [--model models/ner.bin]`
//! (without `--model`, the embedded default model).

use rasd_ner::{default_model, evaluate, read_conll, Model};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut file = None;
    let mut model_path = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--model" => model_path = Some(args.next().ok_or("--model needs a value")?),
            _ if file.is_none() => file = Some(a),
            _ => return Err(format!("unknown argument {a}").into()),
        }
    }
    let file = file.ok_or("usage: eval FILE [--model PATH]")?;
    let gold = read_conll(&std::fs::read_to_string(&file)?)?;
    let loaded;
    let model: &Model = match model_path {
        Some(p) => {
            loaded = Model::load(std::io::BufReader::new(std::fs::File::open(p)?))?;
            &loaded
        }
        None => default_model()?,
    };
    println!("{}", evaluate(model, &gold).report());
    Ok(())
}
