//! The terminal shell: styling, Markdown rendering, the interactive input with its countdown, the
//! plain shell for pipes, and scorecard rendering. Renderers return `String`s so tests assert on
//! bytes; only `interactive` and `plain` write to the terminal.

pub mod checklist;
pub mod interactive;
pub mod model_answer;
pub mod pager;
pub mod plain;
pub mod progress;
pub mod render;
pub mod scorecard;
pub mod style;
