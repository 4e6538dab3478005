//! The designs: interview questions with their prompts (`prompts/<id>.md`) and rubrics
//! (`rubrics/<id>.toml`). Built-ins are compiled into the binary; a user's own files in
//! `DATA/rubrics` and `DATA/prompts` add designs or shadow built-ins of the same id. A broken user
//! file is reported as a warning and never hides the rest of the catalog.
//!
//! This module owns the content model and its checks. It never touches the terminal or the network.

mod model;
mod prompt;
pub mod validate;

use std::fmt;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use thiserror::Error;

pub use model::{Budget, Curveball, Estimate, Fact, Item, Level, Phase, Rubric, Unit};
pub use prompt::{PhasePrompt, Prompt};

static BUILTIN_RUBRICS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/rubrics");
static BUILTIN_PROMPTS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/prompts");

/// Where a design came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Builtin,
    User(PathBuf),
}

/// One interview question: its rubric and its prompts.
#[derive(Debug, Clone)]
pub struct Design {
    pub rubric: Rubric,
    pub prompt: Prompt,
    pub origin: Origin,
}

impl Design {
    pub fn id(&self) -> &str {
        &self.rubric.id
    }
    pub fn title(&self) -> &str {
        &self.rubric.title
    }
    /// Rubric items of one phase, in file order.
    pub fn items(&self, phase: Phase) -> impl Iterator<Item = &Item> {
        self.rubric.items.iter().filter(move |i| i.phase == phase)
    }
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.rubric.items.iter().find(|i| i.id == id)
    }

    /// Parse a design from its two texts. `name` labels errors (a file path or `builtin:<id>`).
    pub fn parse(
        rubric_toml: &str,
        prompt_md: &str,
        rubric_name: &str,
        prompt_name: &str,
        origin: Origin,
    ) -> Result<Self, CatalogError> {
        let rubric = Rubric::parse(rubric_toml, rubric_name)?;
        let prompt = Prompt::parse(prompt_md, prompt_name)?;
        Ok(Self { rubric, prompt, origin })
    }
}

/// Problems with a design file or a design name. Each knows the file (and line, for TOML).
#[derive(Debug, Error)]
pub enum CatalogError {
    #[error("{file}:{line}: {message}")]
    Toml { file: String, line: usize, message: String },
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
    #[error("cannot read {}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("unknown design '{name}'")]
    Unknown { name: String, suggestion: Option<String>, ids: Vec<String> },
}

impl CatalogError {
    /// The line telling the user what to do.
    pub fn hint(&self) -> Option<String> {
        match self {
            CatalogError::Unknown { suggestion, ids, .. } => Some(match suggestion {
                Some(s) => format!("did you mean {s}? designs: {}", ids.join(", ")),
                None => format!("designs: {} (see `mockdesign list`)", ids.join(", ")),
            }),
            CatalogError::Toml { .. } | CatalogError::Invalid { .. } => {
                Some("fix the file, then check it with `mockdesign validate PATH`".into())
            }
            CatalogError::Io { .. } => None,
        }
    }
}

/// All designs available: the built-ins, then the user's own (which shadow built-ins by id).
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    designs: Vec<Design>,
    /// Problems with the user's own files; shown, never fatal.
    pub warnings: Vec<String>,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Builtin => f.write_str("built-in"),
            Origin::User(p) => write!(f, "{}", p.display()),
        }
    }
}

impl Catalog {
    /// The built-in designs only. Built-ins are checked by the test suite, so a failure here is a
    /// bug in the binary, reported as a warning rather than a panic.
    pub fn builtin() -> Self {
        let mut catalog = Catalog::default();
        for (id, toml, md) in builtin_sources() {
            let rubric_name = format!("rubrics/{id}.toml");
            let prompt_name = format!("prompts/{id}.md");
            match Design::parse(toml, md, &rubric_name, &prompt_name, Origin::Builtin) {
                Ok(design) => catalog.designs.push(design),
                Err(e) => catalog.warnings.push(format!("built-in design {id} is broken: {e}")),
            }
        }
        catalog
            .designs
            .sort_by(|a, b| builtin_rank(a.id()).cmp(&builtin_rank(b.id())).then(a.id().cmp(b.id())));
        catalog
    }

    /// Built-ins plus the user's designs from `rubrics_dir`/`prompts_dir` (missing folders are fine).
    pub fn load(rubrics_dir: &Path, prompts_dir: &Path) -> Self {
        let mut catalog = Self::builtin();
        let Ok(entries) = std::fs::read_dir(rubrics_dir) else {
            return catalog;
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        for rubric_path in files {
            match load_user_design(&rubric_path, prompts_dir) {
                Ok(design) => catalog.insert(design),
                Err(e) => catalog.warnings.push(format!("skipped your design: {e}")),
            }
        }
        catalog
    }

    fn insert(&mut self, design: Design) {
        if let Some(slot) = self.designs.iter_mut().find(|d| d.id() == design.id()) {
            *slot = design;
        } else {
            self.designs.push(design);
        }
    }

    pub fn designs(&self) -> &[Design] {
        &self.designs
    }

    /// Find a design by id or alias (case-insensitive). Unknown names get the nearest match.
    pub fn find(&self, name: &str) -> Result<&Design, CatalogError> {
        let wanted = name.trim().to_lowercase();
        if let Some(d) = self
            .designs
            .iter()
            .find(|d| d.id() == wanted || d.rubric.aliases.iter().any(|a| a.to_lowercase() == wanted))
        {
            return Ok(d);
        }
        let ids: Vec<String> = self.designs.iter().map(|d| d.id().to_string()).collect();
        let suggestion = self
            .designs
            .iter()
            .flat_map(|d| {
                std::iter::once(d.id().to_string())
                    .chain(d.rubric.aliases.iter().cloned())
                    .map(move |n| (d.id(), n))
            })
            .map(|(id, n)| (id, strsim::damerau_levenshtein(&wanted, &n.to_lowercase())))
            .filter(|(_, dist)| *dist <= 3.max(wanted.len() / 3))
            .min_by_key(|(_, dist)| *dist)
            .map(|(id, _)| id.to_string())
            .or_else(|| {
                // A prefix or a word of a longer id: `payment` → payment-system.
                self.designs
                    .iter()
                    .find(|d| wanted.len() >= 3 && d.id().starts_with(&wanted))
                    .map(|d| d.id().to_string())
            });
        Err(CatalogError::Unknown { name: name.to_string(), suggestion, ids })
    }
}

fn load_user_design(rubric_path: &Path, prompts_dir: &Path) -> Result<Design, CatalogError> {
    let toml = read(rubric_path)?;
    let stem = rubric_path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    let prompt_path = prompts_dir.join(format!("{stem}.md"));
    let rubric_name = rubric_path.display().to_string();
    let rubric = Rubric::parse(&toml, &rubric_name)?;
    // A user rubric without its own prompt may reuse a built-in prompt of the same id.
    let prompt = if prompt_path.exists() {
        Prompt::parse(&read(&prompt_path)?, &prompt_path.display().to_string())?
    } else if let Some((_, _, md)) = builtin_sources().find(|(id, _, _)| *id == rubric.id) {
        Prompt::parse(md, &format!("prompts/{}.md", rubric.id))?
    } else {
        return Err(CatalogError::Invalid {
            file: rubric_name,
            message: format!("no prompt file: expected {}", prompt_path.display()),
        });
    };
    Ok(Design { rubric, prompt, origin: Origin::User(rubric_path.to_path_buf()) })
}

fn read(path: &Path) -> Result<String, CatalogError> {
    std::fs::read_to_string(path).map_err(|source| CatalogError::Io { path: path.to_path_buf(), source })
}

/// `(id, rubric TOML, prompt Markdown)` for each built-in design with both files.
pub fn builtin_sources() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    BUILTIN_RUBRICS.files().filter_map(|f| {
        let id = f.path().file_stem()?.to_str()?;
        if f.path().extension()? != "toml" {
            return None;
        }
        let toml = f.contents_utf8()?;
        let md = BUILTIN_PROMPTS.get_file(format!("{id}.md"))?.contents_utf8()?;
        Some((id, toml, md))
    })
}

/// The plan's order: the eight core designs, then the three warm-ups.
const ORDER: [&str; 11] = [
    "whatsapp",
    "payment-system",
    "news-feed",
    "search",
    "notification-system",
    "booking-system",
    "analytics-pipeline",
    "auth-service",
    "url-shortener",
    "ecommerce-cart",
    "order-processing",
];

fn builtin_rank(id: &str) -> usize {
    ORDER.iter().position(|o| *o == id).unwrap_or(ORDER.len())
}
