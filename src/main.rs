//! The `mockdesign` binary: parse, run, map the outcome to an exit code. Everything else is in the library.

use std::process::ExitCode;

fn main() -> ExitCode {
    mockdesign::main_entry(std::env::args_os())
}
