//! The boundary STYLE.md asks us to enforce, checked on the source: the pure core — the catalog,
//! the plain data (`model`), word folding (`text`), the session engine, the graders and progress —
//! never touches the disk, the network or the clock, and never reaches into the shell (`cli`,
//! `command`, `terminal`, `driver`, `store`) or the shell's crates. A regression here is how a
//! functional core quietly turns imperative.
//!
//! Two exceptions, each named: the catalog reads the user's own design files in one loader
//! (`src/catalog/mod.rs`), and the LLM grader (`src/grade/llm`) is the one part of `grade` that
//! talks to the network (and keeps its cache on disk) — it still never reaches into the shell.

use std::path::{Path, PathBuf};

const CORE: [&str; 7] =
    ["src/session", "src/catalog", "src/progress", "src/grade", "src/model", "src/text.rs", "src/config.rs"];
/// The LLM grader: network, tokio and its disk cache are allowed there, nothing else of the shell.
const NETWORK_INSIDE_CORE: &str = "src/grade/llm";
/// The one place the core reads files: the user's own designs.
const LOADER: &str = "src/catalog/mod.rs";
/// config.toml is read where it is parsed.
const CONFIG_LOADER: &str = "src/config.rs";

const SHELL_MODULES: [&str; 5] =
    ["crate::cli", "crate::command", "crate::terminal", "crate::driver", "crate::store"];
const SHELL_CRATES: [&str; 5] = ["tokio::", "reqwest::", "crossterm::", "termimad::", "indicatif::"];
const DISK: [&str; 3] = ["std::fs", "fs::", "File::"];
const NETWORK: [&str; 2] = ["std::net", "TcpStream"];
const CLOCK: [&str; 4] = ["Instant::now", "SystemTime::now", "Utc::now", "Local::now"];

fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            rust_files(&entry.unwrap().path(), out);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_path_buf());
    }
}

/// `(file, line number, code)` of every line of the core, comments and `#[cfg(test)]` modules
/// left out (tests may build fixtures on disk).
fn core_lines() -> Vec<(String, usize, String)> {
    lines_under(&CORE)
}

/// `(file, line number, code)` of every line under `dirs` (files or folders of the checkout),
/// comments and `#[cfg(test)]` modules left out.
fn lines_under(dirs: &[&str]) -> Vec<(String, usize, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in dirs {
        rust_files(&root.join(dir), &mut files);
    }
    let mut out = Vec::new();
    for file in files {
        let rel = file.strip_prefix(root).unwrap().to_string_lossy().into_owned();
        if rel.ends_with("/tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("#[cfg(test)]") {
                break;
            }
            let code = line.split("//").next().unwrap_or_default().to_string();
            out.push((rel.clone(), n + 1, code));
        }
    }
    out
}

fn offenders(allowed: impl Fn(&str) -> bool, words: &[&str]) -> Vec<String> {
    core_lines()
        .into_iter()
        .filter(|(file, _, code)| !allowed(file) && words.iter().any(|w| code.contains(w)))
        .map(|(file, n, code)| format!("{file}:{n}: {}", code.trim()))
        .collect()
}

#[test]
fn the_core_never_reaches_into_the_shell() {
    let bad = offenders(|_| false, &SHELL_MODULES);
    assert!(bad.is_empty(), "the core uses the shell's modules:\n{}", bad.join("\n"));
}

#[test]
fn the_core_imports_no_terminal_network_or_async_crate() {
    let bad = offenders(|f| f.starts_with(NETWORK_INSIDE_CORE), &SHELL_CRATES);
    assert!(bad.is_empty(), "the core reaches into the shell's crates:\n{}", bad.join("\n"));
}

#[test]
fn the_core_reads_no_file_but_the_users_designs_and_config() {
    let bad = offenders(|f| f == LOADER || f == CONFIG_LOADER || f.starts_with(NETWORK_INSIDE_CORE), &DISK);
    assert!(bad.is_empty(), "the core touches the disk:\n{}", bad.join("\n"));
}

#[test]
fn the_core_opens_no_socket_and_reads_no_clock() {
    let bad = offenders(|f| f.starts_with(NETWORK_INSIDE_CORE), &NETWORK);
    assert!(bad.is_empty(), "the core opens sockets:\n{}", bad.join("\n"));
    // The LLM client times its own requests (retries, `llm check`'s latency); nothing else may.
    let bad = offenders(|f| f == "src/grade/llm/client.rs" || f == "src/grade/llm/check.rs", &CLOCK);
    assert!(bad.is_empty(), "the core reads the clock (time is a parameter):\n{}", bad.join("\n"));
}

/// Colour and width are properties of the output a renderer is handed (STYLE.md, habit 4): what
/// the user asked for (`--no-color`, `NO_COLOR`), whether a stream is a terminal and `COLUMNS` are
/// read in one place, `terminal::style::Output::detect`, at startup. The interactive shell alone
/// also asks the terminal its size, live, to follow a resize mid-session.
#[test]
fn colour_and_width_are_decided_in_one_place() {
    const DECIDES: &str = "src/terminal/style.rs";
    let asks = ["NO_COLOR", "\"COLUMNS\"", "stdout().is_terminal()", "stderr().is_terminal()"];
    let bad: Vec<String> = lines_under(&["src"])
        .into_iter()
        .filter(|(file, _, code)| {
            file != DECIDES
                && (asks.iter().any(|w| code.contains(w))
                    || (code.contains("terminal::size") && file != "src/terminal/interactive.rs"))
        })
        .map(|(file, n, code)| format!("{file}:{n}: {}", code.trim()))
        .collect();
    assert!(bad.is_empty(), "colour or width decided outside {DECIDES}:\n{}", bad.join("\n"));
}
