//! Kustomer response decoding never panics, for any body and every resource.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unidesk_kustomer::decode::{self, DecodeOptions};

fuzz_target!(|data: &[u8]| {
    for raw in [false, true] {
        let o = DecodeOptions { include_remote_data: raw, base_url: "https://acme.api.kustomerapp.com" };
        let _ = decode::conversation(data, "fuzz", o);
        let _ = decode::conversations(data, "fuzz", o);
        let _ = decode::message(data, "fuzz", o);
        let _ = decode::messages(data, "fuzz", o);
        let _ = decode::note(data, "fuzz", o);
        let _ = decode::notes(data, "fuzz", o);
        let _ = decode::customer(data, "fuzz", o);
        let _ = decode::customers(data, "fuzz", o);
        let _ = decode::company(data, "fuzz", o);
        let _ = decode::companies(data, "fuzz", o);
        let _ = decode::user(data, "fuzz", o);
        let _ = decode::users(data, "fuzz", o);
        let _ = decode::team(data, "fuzz", o);
        let _ = decode::teams(data, "fuzz", o);
        let _ = decode::tag(data, "fuzz", o);
        let _ = decode::tags(data, "fuzz", o);
    }
});
