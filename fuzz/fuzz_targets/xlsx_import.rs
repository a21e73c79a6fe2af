//! `cargo +nightly fuzz run xlsx_import`: see `harness::xlsx_import` for what it checks.
#![no_main]

#[allow(dead_code)]
#[path = "../harness.rs"]
mod harness;

// the demo zone is loaded before the first input, so that -timeout measures the imports only
libfuzzer_sys::fuzz_target!(
    init: {
        harness::import_bench();
    },
    |data: &[u8]| harness::xlsx_import(data)
);
