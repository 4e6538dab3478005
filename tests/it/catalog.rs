//! Integration tests: catalog (list, rubric, validate, design names).

use crate::common::{Home, stderr};

#[test]
fn misspelt_design_exits_2_with_the_nearest_match() {
    let home = Home::new();
    let out = home.cmd().arg("whatsap").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("unknown design 'whatsap'"), "{err}");
    assert!(err.contains("did you mean whatsapp?"), "{err}");
}
