//! The interview engine: a pure state machine. Events in (a line typed, a command, a timer firing),
//! effects out (show this, schedule a timer, save, ask for a follow-up). It never touches the
//! terminal, the clock, the network or the disk: time arrives inside events.
