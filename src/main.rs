//! `directory`: the open, programmable directory of ethical labour recruitment.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    directory_api::cli::main()
}
