//! The boundary STYLE.md asks us to enforce: the pure core (session engine, graders' core,
//! catalog, progress, transcript) never imports the shell's crates. A regression here is how a
//! functional core quietly turns imperative.

use std::path::{Path, PathBuf};

const CORE: [&str; 6] =
    ["src/session", "src/catalog", "src/progress", "src/grade", "src/transcript.rs", "src/config.rs"];
/// The LLM grader is the one part of `grade` allowed to touch the network.
const SHELL_INSIDE_CORE: [&str; 1] = ["src/grade/llm"];
const SHELL_CRATES: [&str; 5] = ["tokio", "reqwest", "crossterm", "termimad", "indicatif"];

fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            rust_files(&entry.unwrap().path(), out);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_path_buf());
    }
}

#[test]
fn the_core_imports_no_terminal_network_or_async_crate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in CORE {
        rust_files(&root.join(dir), &mut files);
    }
    let mut offenders = Vec::new();
    for file in files {
        let rel = file.strip_prefix(root).unwrap().to_string_lossy().into_owned();
        if SHELL_INSIDE_CORE.iter().any(|s| rel.starts_with(s)) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            if SHELL_CRATES.iter().any(|c| code.contains(&format!("{c}::"))) {
                offenders.push(format!("{rel}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(offenders.is_empty(), "the core reaches into the shell:\n{}", offenders.join("\n"));
}
