//! Criterion: Kustomer JSON bytes → normalized records, against the floors of
//! parsing the same bytes into `serde_json::Value` and into the wire types.
//!
//! `cargo bench -p unidesk-kustomer --bench mapping`

mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

fn mapping(c: &mut Criterion) {
    for body in common::bodies() {
        let mut group = c.benchmark_group(format!("mapping/{}", body.kind));
        group.throughput(Throughput::Bytes(body.bytes.len() as u64));
        group.bench_function("value_parse", |b| b.iter(|| common::parse_value(black_box(&body.bytes))));
        group.bench_function("wire_parse", |b| b.iter(|| common::parse_wire(body.kind, black_box(&body.bytes))));
        group
            .bench_function("map_normalized", |b| b.iter(|| common::map_normalized(body.kind, black_box(&body.bytes))));
        group.finish();
    }
}

criterion_group!(benches, mapping);
criterion_main!(benches);
