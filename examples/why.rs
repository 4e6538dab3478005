//! Debug aid: which support words of an item a text holds. `cargo run --example why -- DESIGN ITEM FILE`
use mockdesign::catalog::Catalog;
fn main() {
    let a: Vec<String> = std::env::args().collect();
    let c = Catalog::builtin();
    let d = c.find(&a[1]).expect("design");
    let item = d.item(&a[2]).expect("item");
    let text = std::fs::read_to_string(&a[3]).expect("file");
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let w = mockdesign::grade::rubric::support_words(d, item, line);
        if !w.is_empty() {
            println!("{w:?} <- {}", &line[..line.len().min(100)]);
        }
    }
}
