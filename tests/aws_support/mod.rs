//! Test support shared by the AWS emulator tests and the benchmark: a moto server on
//! loopback with this project's extensions, seeding, a fake instance-metadata server, and a
//! way to run `eksnet-tui check` against them.
#![allow(dead_code, unused_imports)]

pub mod emulator;
pub mod imds;
pub mod inproc;
pub mod venv;

pub use emulator::{Emulator, REGION};
