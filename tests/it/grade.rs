//! Integration tests: grade.

#[allow(unused_imports)]
use crate::common::Home;
