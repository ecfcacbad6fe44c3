//! The one integration-test binary: a module per area.

mod bad_input;
mod cli;
mod planted;
mod seeds;
mod snapshots;
mod util;
