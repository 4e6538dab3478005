//! The plain data that crosses modules: a session's record ([`transcript`]), how a phase or a
//! session ended ([`ended`]), a grade ([`scorecard`]) and an answer split into phases
//! ([`answers`]). Serde shapes and pure methods; nothing here touches the disk, the terminal, the
//! network or the clock, and nothing here depends on the shell (`cli`, `command`, `terminal`,
//! `driver`, `store`).

pub mod answers;
pub mod ended;
pub mod scorecard;
pub mod transcript;

pub use answers::{Answers, PhaseAnswer};
pub use ended::{Ended, SessionEnded, Status};
pub use scorecard::{ItemVerdict, PhaseScore, Scorecard};
pub use transcript::{
    CurveballPlan, CurveballRecord, FollowUp, PhaseRecord, Question, SCHEMA_VERSION, SelfTick, Transcript,
};
