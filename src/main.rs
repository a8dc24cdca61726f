//! `directory`: the open, programmable directory of ethical labour recruitment.

fn main() -> std::process::ExitCode {
    directory_api::cli::main()
}
