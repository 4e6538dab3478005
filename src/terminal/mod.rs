//! The terminal shell: styling, Markdown rendering, the interactive input with its countdown, and
//! scorecard rendering. Renderers write to `impl Write` or return `String` so tests assert on bytes.

pub mod checklist;
pub mod scorecard;
pub mod style;
