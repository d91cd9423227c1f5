fn main() -> std::process::ExitCode {
    purrc::driver::main()
}

/// mimalloc: purrc allocates a lot and briefly, so it is the allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Two of mimalloc's defaults cost purrc memory: its first arena (1 GiB of
/// address space) is committed at once on Linux, and freed memory is handed
/// back to the system only after a delay longer than a whole compilation.
/// Together they added about 90 MB to the peak resident memory of a
/// 200,000-line program (docs/performance.md), and page faults are much of
/// the front end's time. The arena is made by the first allocation, before
/// `main`, so the options are set by an initialiser (`.init_array`) that
/// runs before any Rust code. Were the allocator already initialised, the
/// options would only come too late: memory use, never correctness, is at
/// stake.
#[cfg(target_os = "linux")]
mod allocator_options {
    use std::ffi::{c_int, c_long};

    // Indices in mimalloc.h's `mi_option_t` (the same in mimalloc 2 and 3).
    const ARENA_EAGER_COMMIT: c_int = 4;
    const PURGE_DELAY: c_int = 15;

    extern "C" {
        fn mi_option_set(option: c_int, value: c_long);
    }

    extern "C" fn configure() {
        // SAFETY: setting an option is always allowed; these take effect for
        // arenas made and memory freed after this call.
        unsafe {
            mi_option_set(ARENA_EAGER_COMMIT, 0);
            mi_option_set(PURGE_DELAY, 0);
        }
    }

    #[used]
    #[unsafe(link_section = ".init_array")]
    static CONFIGURE: extern "C" fn() = configure;
}
