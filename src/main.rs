//! The `rebase` command: all of it lives in the library's `cli` module.

fn main() -> std::process::ExitCode {
    rebase::cli::main()
}
