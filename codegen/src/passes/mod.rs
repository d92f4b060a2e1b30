//! Whole-IR passes: plain functions from IR to IR that run after lowering has named every type.
//! None of them reads the spec, so each can be tested on a small hand-built IR.

mod cycles;
mod features;
mod kinds;
mod pages;

use crate::ir::Api;

/// Runs every pass, in order: boxes for cycles, JSON kinds of union variants, pages, features.
pub(crate) fn run(api: &mut Api) {
    cycles::box_cycles(&mut api.types);
    kinds::fill_kinds(&mut api.types);
    pages::find_pages(api);
    features::assign_features(api);
}
