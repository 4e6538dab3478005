//! Rebuild when the built-in designs change. They are compiled in with `include_dir!`, which cargo
//! cannot see through, so without this an edited or added rubric would leave a stale binary.

fn main() {
    println!("cargo:rerun-if-changed=rubrics");
    println!("cargo:rerun-if-changed=prompts");
    println!("cargo:rerun-if-changed=answers");
    println!("cargo:rerun-if-changed=build.rs");
}
