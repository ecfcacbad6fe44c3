//! The one integration-test binary (`autotests = false`): a module per area.

mod archive;
mod bad_input;
mod cli;
mod html;
mod languages;
mod markup;
mod planted;
mod seeds;
mod snapshots;
mod util;
