//! Integration tests: session.

#[allow(unused_imports)]
use crate::common::Home;
