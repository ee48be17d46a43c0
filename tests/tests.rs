//! Integration tests of the aimslint binary.

mod util;

mod bad_input;
mod check_example;
mod corpus;
mod explain;
mod history;
mod packs;
mod precommit;
mod report;
