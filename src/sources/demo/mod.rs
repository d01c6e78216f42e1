//! The built-in simulated environment.
