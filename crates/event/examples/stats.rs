//! Prints the lexicon size by PLOVER type and the sense filter's
//! leave-one-out accuracy.
fn main() {
    let (per, forms) = rasd_event::lexicon_stats();
    let total: usize = per.iter().map(|x| x.1).sum();
    for (t, n) in per {
        println!("{:<12} {n}", t.as_str());
    }
    println!("total        {total} patterns, {forms} indexed forms");
    let (ok, n) = rasd_event::sense::leave_one_out();
    println!("sense filter leave-one-out: {ok}/{n}");
}
