fn main() -> std::process::ExitCode {
    purrc::driver::main()
}

/// mimalloc: purrc allocates a lot and briefly, so it is the allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Two of mimalloc's defaults cost purrc memory: its first arena (1 GiB of
/// address space) is committed at once on Linux, and freed memory goes back
/// to the system only after a second, longer than a whole compilation.
/// Together they added about 90 MB to the peak resident memory of a
/// 200,000-line program (docs/performance.md). Memory is returned after
/// 10 ms instead: returning it at once made parsing more than twice as
/// slow, as the parser's pages were handed back and faulted in again.
/// The arena is made by the first allocation, before `main`, so the options
/// are set by an initialiser (`.init_array`) that runs before any Rust
/// code. Were the allocator already initialised, the options would only
/// come too late: memory use, never correctness, is at stake.
#[cfg(target_os = "linux")]
mod allocator_options {
    use std::ffi::{c_int, c_long};

    // Indices in mimalloc.h's `mi_option_t` (the same in mimalloc 2 and 3).
    const ARENA_EAGER_COMMIT: c_int = 4;
    const PURGE_DELAY: c_int = 15;
    const PURGE_DELAY_MS: c_long = 10;

    extern "C" {
        fn mi_option_set(option: c_int, value: c_long);
    }

    extern "C" fn configure() {
        // SAFETY: setting an option is always allowed; these take effect for
        // arenas made and memory freed after this call.
        unsafe {
            mi_option_set(ARENA_EAGER_COMMIT, 0);
            mi_option_set(PURGE_DELAY, PURGE_DELAY_MS);
        }
    }

    #[used]
    #[unsafe(link_section = ".init_array")]
    static CONFIGURE: extern "C" fn() = configure;
}
