//! unidesk CLI
fn main() {}
