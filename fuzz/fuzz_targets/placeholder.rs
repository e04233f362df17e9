#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| cannery_fuzz::placeholder(data));
