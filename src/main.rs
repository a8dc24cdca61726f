//! `directory`: the open, programmable directory of ethical labour recruitment.

fn main() -> anyhow::Result<()> {
    directory_api::cli::main()
}
