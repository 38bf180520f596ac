//! Cursor decoding never panics, whatever the string; and a cursor that decodes
//! re-encodes to a cursor that decodes to the same state.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unidesk_core::Cursor;

fuzz_target!(|data: &[u8]| {
    let raw = String::from_utf8_lossy(data).into_owned();
    let cursor = Cursor::from_raw(raw);
    if let Ok(state) = cursor.decode::<serde_json::Value>("kustomer", "0123456789abcdef") {
        let again = Cursor::encode("kustomer", "0123456789abcdef", &state).expect("a decoded state re-encodes");
        let back: serde_json::Value = again.decode("kustomer", "0123456789abcdef").expect("and decodes");
        assert_eq!(back, state);
    }
});
