//! zkmodel CLI tests: the real binary, run as a user runs it, linked as one binary: each test file used to be its own crate,
//! compiled at opt-level 3 with its own copy of every generic it instantiates and linked
//! statically — most of CI's build time and disk. Run one file's tests with
//! `cargo test -p <crate> --test integration <file>::`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod ceremony;
mod chain;
mod cli;
mod common;
mod escrow;
mod exported;
mod flow;
mod relayer;
mod train;
