//! Interning: each distinct value (an identifier's text, an IR type) is
//! stored once for the whole process and named by a 4-byte handle. Nodes
//! then hold the handle: no allocation per identifier or per type, and
//! equality is one integer comparison.
//!
//! The tables are process-wide, so a handle reads back without a context
//! passed down every phase (`Symbol` derefs to `str`). They only grow, by
//! the distinct values seen; compilations in one process (the tests) share
//! them, which is harmless because a handle stands for its value alone.
//! Handles are given out in the order values are first seen, which varies
//! with the threads' timing: nothing may order output by handle.
//!
//! Invariants of [`Table`]: an entry is written, under the lock, before its
//! handle is returned for the first time, and is never changed or freed
//! after; the chunk holding it is published (Release) before that. A
//! thread holding a handle therefore got it after the entry was written
//! (through the lock, or from a thread that did, across a spawn, join or
//! lock), and reads it without locking.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::Mutex;

/// Entries of chunk 0; chunk `k` holds `FIRST_CHUNK << k`, so 23 chunks
/// hold every `u32` handle and no chunk ever moves.
const FIRST_CHUNK: usize = 1024;
const CHUNKS: usize = 23;

/// An append-only table of `T`s, read without locks.
pub struct Table<T: 'static> {
    chunks: [AtomicPtr<MaybeUninit<T>>; CHUNKS],
    index: Mutex<Index<T>>,
}

struct Index<T> {
    handles: HashMap<T, u32, BuildHasherDefault<FxHasher>>,
    len: usize,
}

impl<T: Copy + Eq + Hash + 'static> Table<T> {
    /// Tables are statics, hence a `const fn` and no `Default`.
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        Table { chunks: [const { AtomicPtr::new(std::ptr::null_mut()) }; CHUNKS], index: Mutex::new(Index { handles: HashMap::with_hasher(BuildHasherDefault::new()), len: 0 }) }
    }

    /// The handle of the entry equal to `key`, adding `make()` if there is none.
    pub fn intern<Q>(&self, key: &Q, make: impl FnOnce() -> T) -> u32
    where
        T: std::borrow::Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        let mut index = self.index.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&handle) = index.handles.get(key) {
            return handle;
        }
        let value = make();
        let handle = index.len;
        let (chunk, offset) = locate(handle);
        let mut base = self.chunks[chunk].load(Ordering::Relaxed);
        if base.is_null() {
            let fresh: Box<[MaybeUninit<T>]> = (0..FIRST_CHUNK << chunk).map(|_| MaybeUninit::uninit()).collect();
            base = Box::leak(fresh).as_mut_ptr();
            self.chunks[chunk].store(base, Ordering::Release);
        }
        // SAFETY: `offset` is inside the chunk (`locate`), and the slot is
        // past every published handle, so no reader looks at it yet.
        unsafe { (*base.add(offset)).write(value) };
        index.len += 1;
        let handle = u32::try_from(handle).expect("fewer than 2^32 interned values");
        index.handles.insert(value, handle);
        handle
    }

    /// The entry of a handle this table gave out.
    pub fn get(&self, handle: u32) -> &'static T {
        let (chunk, offset) = locate(handle as usize);
        let base = self.chunks[chunk].load(Ordering::Acquire);
        // SAFETY: the handle was given out, so its chunk is published and
        // its slot written (see the invariants at the top); neither changes.
        unsafe { (*base.add(offset)).assume_init_ref() }
    }
}

/// The chunk and the offset in it of entry `i`.
fn locate(i: usize) -> (usize, usize) {
    let chunk = (i / FIRST_CHUNK + 1).ilog2() as usize;
    (chunk, i - FIRST_CHUNK * ((1 << chunk) - 1))
}

/// An interned string: an identifier, a namespace, a field name.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Symbol(u32);

static SYMBOLS: Table<&'static str> = Table::new();

thread_local! {
    /// Symbols this thread has interned, so that the parser threads rarely
    /// take the table's lock (most identifiers repeat).
    static SEEN: std::cell::RefCell<HashMap<&'static str, Symbol, BuildHasherDefault<FxHasher>>> = Default::default();
}

impl Symbol {
    pub fn intern(s: &str) -> Symbol {
        SEEN.with_borrow_mut(|seen| {
            if let Some(&sym) = seen.get(s) {
                return sym;
            }
            let sym = Symbol(SYMBOLS.intern(s, || Box::leak(Box::from(s))));
            seen.insert(sym.as_str(), sym);
            sym
        })
    }

    pub fn as_str(self) -> &'static str {
        SYMBOLS.get(self.0)
    }
}

impl std::ops::Deref for Symbol {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq<str> for Symbol {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Symbol {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Display for Symbol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for Symbol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl From<&str> for Symbol {
    fn from(s: &str) -> Symbol {
        Symbol::intern(s)
    }
}

/// The hash function of the Rust compiler ("Fx"): one multiply per word.
/// The tables' keys are short and not chosen by an attacker of purrc, so
/// SipHash's defence against collisions would be paid for nothing.
#[derive(Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

impl FxHasher {
    const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(Self::SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

/// A `HashMap` with [`FxHasher`].
pub type FxHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// A `HashSet` with [`FxHasher`].
pub type FxHashSet<T> = std::collections::HashSet<T, BuildHasherDefault<FxHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cover_every_handle_once() {
        let (mut chunk, mut offset) = (0, 0);
        for i in 0..FIRST_CHUNK * 15 {
            if offset == FIRST_CHUNK << chunk {
                (chunk, offset) = (chunk + 1, 0);
            }
            assert_eq!(locate(i), (chunk, offset), "entry {i}");
            offset += 1;
        }
        assert_eq!(locate(u32::MAX as usize).0, CHUNKS - 1);
    }

    #[test]
    fn symbols_read_back_and_compare_by_handle() {
        let names: Vec<String> = (0..5000).map(|i| format!("name_{i}")).collect();
        let symbols: Vec<Symbol> = std::thread::scope(|s| {
            let other = s.spawn(|| names.iter().rev().map(|n| Symbol::intern(n)).collect::<Vec<_>>());
            let mine: Vec<Symbol> = names.iter().map(|n| Symbol::intern(n)).collect();
            let theirs = other.join().unwrap();
            assert!(mine.iter().eq(theirs.iter().rev()));
            mine
        });
        for (n, s) in names.iter().zip(&symbols) {
            assert_eq!(s.as_str(), n);
            assert_eq!(Symbol::intern(n), *s);
        }
    }
}
