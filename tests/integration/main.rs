//! The one integration-test binary (`autotests = false`): a module per area.

mod html;
