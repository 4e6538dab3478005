//! The session list, newest first, and each design's score trend. Pure: no clock, no I/O.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{grade, newest_first};
use crate::model::{Status, Transcript};

/// One row of `history`; `--json` prints a list of these (a contract with scripts: `id`, `design`,
/// `started_at`, `score` are always there).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Session {
    pub id: String,
    pub design: String,
    pub title: String,
    pub started_at: DateTime<Utc>,
    /// `in-progress`, `finished` or `quit`.
    pub status: Status,
    /// `rubric`, `llm` or `self`; null when not graded.
    pub grader: Option<String>,
    /// 0–100; null when not graded.
    pub score: Option<f64>,
    pub verdict: Option<String>,
    /// Seconds used across phases.
    pub used_secs: f64,
    /// The interview's length in minutes.
    pub minutes: f64,
    pub self_score: bool,
    /// Why the session is not counted as practice (`quit-early`, `skipped-through`,
    /// `under-a-minute`); absent when it counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_counted: Option<super::NotCounted>,
}

/// Every session, newest first.
pub fn sessions(transcripts: &[Transcript]) -> Vec<Session> {
    newest_first(transcripts)
        .into_iter()
        .map(|t| {
            let card = grade(t);
            Session {
                id: t.id.clone(),
                design: t.design.clone(),
                title: t.design_title.clone(),
                started_at: t.started_at,
                status: t.status,
                grader: card.map(|c| c.grader.clone()),
                score: card.map(|c| c.score),
                verdict: card.map(|c| c.verdict.clone()),
                used_secs: t.used_secs(),
                minutes: t.minutes,
                self_score: t.self_score,
                not_counted: super::not_counted(t),
            }
        })
        .collect()
}

/// A design's graded scores over time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend {
    pub design: String,
    pub title: String,
    /// Oldest first.
    pub scores: Vec<f64>,
    /// When the design was last practised (graded or not).
    pub last_at: DateTime<Utc>,
}

/// One trend per design practised, the most recently practised first, over the sessions that
/// count as practice. A design whose sessions were never graded has an empty `scores`.
pub fn trends(transcripts: &[Transcript]) -> Vec<Trend> {
    let mut out: Vec<Trend> = Vec::new();
    // Newest first, so each design's first sighting is its latest session.
    for t in newest_first(transcripts).into_iter().filter(|t| super::not_counted(t).is_none()) {
        let idx = if let Some(i) = out.iter().position(|tr| tr.design == t.design) {
            i
        } else {
            out.push(Trend {
                design: t.design.clone(),
                title: t.design_title.clone(),
                scores: Vec::new(),
                last_at: t.started_at,
            });
            out.len() - 1
        };
        if let Some(card) = grade(t) {
            out[idx].scores.push(card.score);
        }
    }
    for tr in &mut out {
        tr.scores.reverse();
    }
    out
}

/// True when a session counts as done for the weekly goal.
pub(crate) fn is_done(t: &Transcript) -> bool {
    t.status == Status::Finished
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::fixture::session;

    #[test]
    fn sessions_are_listed_newest_first_whatever_the_input_order() {
        let ts = vec![
            session("whatsapp", 10, Some(40.0), &[]),
            session("search", 1, Some(70.0), &["req"]),
            session("whatsapp", 3, None, &[]),
        ];
        let rows = sessions(&ts);
        let days: Vec<&str> = rows.iter().map(|r| r.design.as_str()).collect();
        assert_eq!(days, ["search", "whatsapp", "whatsapp"]);
        assert!(rows[0].started_at > rows[1].started_at && rows[1].started_at > rows[2].started_at);
        assert_eq!(rows[1].score, None, "an unfinished session has no score");
        assert_eq!(rows[1].status, Status::Quit);
        assert_eq!(rows[2].score, Some(40.0));
        assert_eq!(rows[2].grader.as_deref(), Some("rubric"));
        // 300 + 360 + 420 + 480 seconds in the fixture's four phases.
        assert!((rows[0].used_secs - 1560.0).abs() < 1e-9);
    }

    #[test]
    fn a_trend_lists_graded_scores_oldest_first_per_design() {
        let ts = vec![
            session("whatsapp", 9, Some(40.0), &[]),
            session("whatsapp", 2, Some(75.0), &[]),
            session("search", 5, Some(55.0), &[]),
            session("whatsapp", 5, Some(60.0), &[]),
            session("whatsapp", 1, None, &[]),
        ];
        let tr = trends(&ts);
        assert_eq!(tr.len(), 2);
        assert_eq!(tr[0].design, "whatsapp", "the most recently practised design first");
        assert_eq!(tr[0].scores, [40.0, 60.0, 75.0]);
        assert_eq!(tr[1].scores, [55.0]);
    }
}
