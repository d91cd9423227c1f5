fn main() -> std::process::ExitCode {
    purrc::driver::main()
}
