//! eksnet-tui: is the private API endpoint of an EKS cluster reachable from here, and if not, why?

pub mod check;
pub mod cli;
pub mod clock;
pub mod diagnose;
pub mod env;
pub mod model;
pub mod report;
pub mod sources;
