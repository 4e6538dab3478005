//! Rebuild when the embedded content changes: `include_dir!` cannot tell cargo about new files.

fn main() {
    println!("cargo:rerun-if-changed=rubrics");
    println!("cargo:rerun-if-changed=prompts");
}
