fn main() -> std::process::ExitCode {
    purrc::driver::main()
}

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
