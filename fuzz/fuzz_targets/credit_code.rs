//! `cargo +nightly fuzz run credit_code`: see `harness::credit_code` for what it checks.
#![no_main]

#[allow(dead_code)]
#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::credit_code(data));
