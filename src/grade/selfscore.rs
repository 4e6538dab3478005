//! Self-scoring: the candidate's own ticks against the checklist, and the calibration between
//! their ticks and the rubric grader's verdicts.
