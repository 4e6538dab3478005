//! The integration tests: one binary, topical modules, each running the real `mockdesign` with an
//! isolated data folder (see `common`).

mod common;

mod catalog;
mod grade;
mod llm;
mod progress;
mod session;
