//! Profiling aid: grade one answer many times. `cargo run --release --example gradebench -- DESIGN FILE N`
use mockdesign::catalog::Catalog;
use mockdesign::grade::rubric::RubricGrader;
use mockdesign::grade::{Answers, Grader};
fn main() {
    let a: Vec<String> = std::env::args().collect();
    let c = Catalog::builtin();
    let d = c.find(&a[1]).expect("design");
    let md = std::fs::read_to_string(&a[2]).expect("file");
    let n: usize = a[3].parse().expect("n");
    let answers = Answers::from_markdown(&md);
    let mut s = 0.0;
    for _ in 0..n {
        s += RubricGrader.grade(d, &answers).score;
    }
    println!("{}", s / n as f64);
}
