//! The integration tests: one binary, topical modules, each running the real `mockdesign` with an
//! isolated data folder (see `common`).

#![allow(
    clippy::disallowed_methods,
    reason = "these tests run real processes and time them by the wall clock"
)]

mod common;

mod architecture;
mod calibration;
mod catalog;
mod faults;
mod grade;
mod interview;
mod llm;
mod llm_real;
mod progress;
mod session;
mod snapshots;
mod study;
