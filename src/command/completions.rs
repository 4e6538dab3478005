//! `mockdesign completions <SHELL>`.

use std::process::ExitCode;

use anyhow::Result;
use clap::CommandFactory;

pub fn run(shell: clap_complete::Shell) -> Result<ExitCode> {
    let mut cmd = crate::cli::Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "mockdesign", &mut out);
    super::print(&String::from_utf8_lossy(&out))?;
    Ok(ExitCode::SUCCESS)
}
