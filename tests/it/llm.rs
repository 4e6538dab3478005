//! Integration tests: llm.

#[allow(unused_imports)]
use crate::common::Home;
