//! The floor of the benchmarks: the least a program can do with a practice
//! file, which is to read it with the `csv` crate and touch every row.
//!
//! ```text
//! cargo run --release --example floor -- FILE.csv
//! ```
//!
//! It parses every record (quoting included) into a reused `ByteRecord`,
//! adds up the length of every field so that no row can be skipped, and
//! prints the rows, fields and bytes it saw. `rebase run` does all of this
//! and then the whole calculation and the output, so its time over the
//! floor's is the price of everything that is not "read the file".

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: cargo run --release --example floor -- FILE.csv");
        return ExitCode::from(2);
    };
    let mut reader = match csv::ReaderBuilder::new().has_headers(true).from_path(&path) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {}: {e}", path.to_string_lossy());
            return ExitCode::from(66);
        }
    };
    let mut record = csv::ByteRecord::new();
    let (mut rows, mut fields, mut bytes) = (0_u64, 0_u64, 0_u64);
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                eprintln!("error: {}: {e}", path.to_string_lossy());
                return ExitCode::from(65);
            }
        }
        rows += 1;
        for field in &record {
            fields += 1;
            bytes += field.len() as u64;
        }
    }
    println!("{rows} rows, {fields} fields, {bytes} bytes of fields");
    ExitCode::SUCCESS
}
