//! The import parser on arbitrary lines: never a panic; what parses validates without one, and
//! writes back out as a line that parses to the same record.

#![no_main]

use directory_api::service::import;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(line) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(record) = import::parse_line(line) {
        let _ = import::validate(&record);
        let written = serde_json::to_string(&record).expect("a parsed record serialises");
        assert_eq!(import::parse_line(&written).as_ref(), Ok(&record), "round trip of {line:?}");
    }
    // Whole files too: several lines at once, with their line numbers.
    let _ = import::parse(line);
});
