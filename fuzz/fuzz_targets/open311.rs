//! `cargo +nightly fuzz run open311`: see `harness::open311_input` for what it checks.
#![no_main]

#[allow(dead_code)]
#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::open311_input(data));
