//! The grade cache in `DATA/cache/`: one file per phase request, named by the SHA-256 of the
//! backend, model, URL and exact request body. It holds the model's verdicts (checked again
//! against the answer on every use), never a header and so never a key. Written atomically;
//! a file that cannot be read is a miss, and a failed write is ignored (the cache is an
//! optimisation, never a reason to fail a grade).

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::parse::VerdictSet;

/// Bump when the cached shape changes.
const FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Entry {
    format: u32,
    backend: String,
    model: Option<String>,
    grade: VerdictSet,
}

/// The cache key of a request.
pub fn key(backend: &str, model: Option<&str>, url: &str, body: &Value) -> String {
    let mut h = Sha256::new();
    for part in [backend, model.unwrap_or(""), url, &body.to_string()] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    pub fn new(dir: &Path) -> Self {
        Self { dir: dir.to_path_buf() }
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("llm-{key}.json"))
    }

    pub fn get(&self, key: &str) -> Option<VerdictSet> {
        let bytes = std::fs::read(self.path(key)).ok()?;
        let entry: Entry = serde_json::from_slice(&bytes).ok()?;
        (entry.format == FORMAT).then_some(entry.grade)
    }

    pub fn put(&self, key: &str, backend: &str, model: Option<&str>, grade: &VerdictSet) {
        let entry = Entry {
            format: FORMAT,
            backend: backend.into(),
            model: model.map(str::to_string),
            grade: grade.clone(),
        };
        let _ = (|| -> std::io::Result<()> {
            std::fs::create_dir_all(&self.dir)?;
            let mut tmp = tempfile::NamedTempFile::new_in(&self.dir)?;
            tmp.write_all(&serde_json::to_vec_pretty(&entry).map_err(std::io::Error::other)?)?;
            tmp.as_file().sync_all()?;
            tmp.persist(self.path(key)).map_err(|e| e.error)?;
            Ok(())
        })();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grade::llm::parse::RawVerdict;

    #[test]
    fn keys_depend_on_every_part() {
        let body = serde_json::json!({"a": 1});
        let k = key("openai", Some("m"), "http://x/v1/chat/completions", &body);
        assert_eq!(k.len(), 64);
        assert_eq!(k, key("openai", Some("m"), "http://x/v1/chat/completions", &body));
        assert_ne!(k, key("anthropic", Some("m"), "http://x/v1/chat/completions", &body));
        assert_ne!(k, key("openai", Some("n"), "http://x/v1/chat/completions", &body));
        assert_ne!(k, key("openai", Some("m"), "http://y/v1/chat/completions", &body));
        assert_ne!(k, key("openai", Some("m"), "http://x/v1/chat/completions", &serde_json::json!({"a": 2})));
    }

    #[test]
    fn a_stored_grade_comes_back_and_a_broken_file_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(&dir.path().join("cache"));
        let set = VerdictSet {
            verdicts: vec![RawVerdict {
                id: "a".into(),
                covered: true,
                evidence: Some("q".into()),
                comment: None,
            }],
            feedback: None,
            dropped: 0,
            cut_off: false,
        };
        assert!(cache.get("k").is_none());
        cache.put("k", "openai", Some("m"), &set);
        assert_eq!(cache.get("k"), Some(set));
        std::fs::write(cache.path("k"), "{").unwrap();
        assert!(cache.get("k").is_none());
    }
}
