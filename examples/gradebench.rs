//! Profiling aid: grade one answer many times, e.g. under `valgrind --tool=callgrind`.
//! `cargo run --release --example gradebench -- DESIGN FILE N`
use mockdesign::catalog::Catalog;
use mockdesign::grade::rubric::RubricGrader;
use mockdesign::grade::{Answers, Grader};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let catalog = Catalog::builtin();
    let design = catalog.find(&args[1]).expect("a design id");
    let markdown = std::fs::read_to_string(&args[2]).expect("an answer file");
    let times: u32 = args[3].parse().expect("a number of grades");
    let answers = Answers::from_markdown(&markdown);
    let mut total = 0.0;
    for _ in 0..times {
        total += RubricGrader.grade(design, &answers).score;
    }
    println!("{}", total / f64::from(times));
}
