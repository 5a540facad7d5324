//! The store's read-only connections: a small pool, so reads run side by side — with each other
//! and with the one writing connection (WAL lets a reader see the last commit while a write is
//! under way) — instead of queueing behind one mutex.
//!
//! Connections are opened when first needed (a CLI command that reads once opens one), up to
//! [`MAX_READERS`]; a reader that finds them all busy waits for one to come back. No thread of
//! its own, no dependency: r2d2 (already in the tree for PostgreSQL) runs a scheduler thread per
//! pool and its SQLite manager, r2d2_sqlite, is built on another version of rusqlite.

use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, MutexGuard};

use rusqlite::{Connection, OpenFlags};

/// Most read-only connections one store opens (each a few megabytes of page cache).
pub const MAX_READERS: usize = 8;
/// How much of the file each reader maps into memory (reads without copying pages).
const MMAP_BYTES: i64 = 1 << 30;

/// The pool: idle connections, and how many are open (idle or lent).
pub struct Readers {
    path: PathBuf,
    max: usize,
    state: Mutex<State>,
    returned: Condvar,
}

struct State {
    idle: Vec<Connection>,
    open: usize,
}

/// A lent connection, given back to the pool when dropped.
pub struct Reader<'a> {
    pool: &'a Readers,
    conn: Option<Connection>,
}

impl Readers {
    pub fn new(path: &Path, max: usize) -> Self {
        Readers {
            path: path.to_path_buf(),
            max: max.max(1),
            state: Mutex::new(State { idle: Vec::new(), open: 0 }),
            returned: Condvar::new(),
        }
    }

    /// An idle connection, a new one while fewer than the maximum are open, else the next one
    /// given back.
    pub fn get(&self) -> rusqlite::Result<Reader<'_>> {
        let mut state = self.lock();
        loop {
            if let Some(conn) = state.idle.pop() {
                return Ok(Reader { pool: self, conn: Some(conn) });
            }
            if state.open < self.max {
                state.open += 1;
                drop(state);
                return match self.connect() {
                    Ok(conn) => Ok(Reader { pool: self, conn: Some(conn) }),
                    Err(e) => {
                        self.lock().open -= 1;
                        self.returned.notify_one();
                        Err(e)
                    }
                };
            }
            state = self.returned.wait(state).unwrap_or_else(|p| p.into_inner());
        }
    }

    fn connect(&self) -> rusqlite::Result<Connection> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&self.path, flags)?;
        conn.busy_timeout(super::BUSY_WAIT)?;
        conn.pragma_update(None, "mmap_size", MMAP_BYTES)?;
        Ok(conn)
    }

    /// The pool's state. A panic while it was held left nothing half-done (a counter and a
    /// list), so a poisoned lock is safe to take over.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Deref for Reader<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        self.conn.as_ref().expect("held until dropped")
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            // A connection left inside a transaction (a panic mid-read) is closed, not reused.
            let mut state = self.pool.lock();
            if conn.is_autocommit() {
                state.idle.push(conn);
            } else {
                state.open -= 1;
            }
            drop(state);
            self.pool.returned.notify_one();
        }
    }
}
