//! Integration tests: progress.

#[allow(unused_imports)]
use crate::common::Home;
