//! `cargo +nightly fuzz run id_number`: see `harness::id_number` for what it checks.
#![no_main]

#[allow(dead_code)]
#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::id_number(data));
