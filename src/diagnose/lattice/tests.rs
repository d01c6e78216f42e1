//! OK, WARN, FAIL and UNKNOWN for each Lattice rule.
