//! The optional LLM grader: backends (openai, anthropic, http) behind one trait, requests built as
//! plain data, responses parsed by pure functions; `client` is the one place that touches the
//! network. The model never sets a number: verdicts are checked against the answer and scored here.
