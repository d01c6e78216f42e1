//! eksnet-tui: is the private API endpoint of an EKS cluster reachable from here, and if not, why?

pub mod app;
pub mod check;
pub mod cli;
pub mod clock;
pub mod config;
pub mod diagnose;
pub mod env;
pub mod exit;
pub mod keymap;
pub mod model;
pub mod record;
pub mod report;
pub mod serve;
pub mod sources;
pub mod startup;
pub mod terminal;
pub mod toml_error;
pub mod tui;
pub mod ui;
