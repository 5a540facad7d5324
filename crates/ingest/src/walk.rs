//! The directory walk behind [`crate::read_inputs`]: which files a list of paths names.
//!
//! Directories are walked recursively in sorted order, hidden entries (`.git`, `.x.txt`) skipped.
//! Symbolic links are followed, but every real directory is walked once: a directory is known by
//! its device and inode (its canonical path where there are none), so a loop such as `x -> .`
//! adds nothing and two loops do not multiply the walk. Inside a directory only regular files are
//! inputs: a FIFO, socket or device there is reported (`not a regular file: a FIFO`) and skipped,
//! never opened (opening a FIFO with no writer blocks forever). A path named on the command line
//! may be a FIFO or a character device (`<(zcat a.gz)` is one), read like stdin. The walk keeps
//! its own stack, so depth costs no call stack.

use std::collections::HashSet;
use std::fs::Metadata;
use std::path::{Path, PathBuf};

use crate::{io_reason, IngestError};

/// One file to read, or why a path gives none.
pub type Entry = Result<PathBuf, IngestError>;

/// The files named by `paths`, in order: each path as given when it is a file, the files under
/// it (sorted, depth first) when it is a directory. "-" stands for stdin and is passed through.
pub fn files(paths: &[PathBuf]) -> Vec<Entry> {
    let mut walk = Walk::default();
    for p in paths {
        if p.as_os_str() == "-" {
            walk.out.push(Ok(p.clone()));
        } else {
            walk.root(p);
        }
    }
    walk.out
}

/// What the walk has seen and found so far.
#[derive(Default)]
struct Walk {
    /// Directories already walked, by identity.
    seen: HashSet<DirId>,
    out: Vec<Entry>,
}

impl Walk {
    /// A path named by the caller: a directory is walked, a FIFO or character device is read.
    fn root(&mut self, p: &Path) {
        match std::fs::metadata(p) {
            Err(e) => self.fail(p, io_reason(&e)),
            Ok(m) if m.is_dir() => self.dir_tree(p, &m),
            Ok(m) if m.is_file() || readable_special(&m) => self.out.push(Ok(p.to_path_buf())),
            Ok(m) => self.fail(p, not_regular(&m)),
        }
    }

    /// Walks the tree under `root` depth first with an explicit stack; every real directory once.
    fn dir_tree(&mut self, root: &Path, meta: &Metadata) {
        if !self.seen.insert(dir_id(root, meta)) {
            return;
        }
        let mut stack: Vec<Vec<PathBuf>> = vec![self.children(root)];
        while let Some(level) = stack.last_mut() {
            let Some(p) = level.pop() else {
                stack.pop();
                continue;
            };
            match std::fs::metadata(&p) {
                Err(e) => self.fail(&p, io_reason(&e)),
                Ok(m) if m.is_dir() => {
                    if self.seen.insert(dir_id(&p, &m)) {
                        let children = self.children(&p);
                        stack.push(children);
                    }
                }
                Ok(m) if m.is_file() => self.out.push(Ok(p)),
                Ok(m) => self.fail(&p, not_regular(&m)),
            }
        }
    }

    /// The visible entries of directory `p`, sorted in reverse (so popping gives sorted order).
    fn children(&mut self, p: &Path) -> Vec<PathBuf> {
        match std::fs::read_dir(p) {
            Ok(rd) => {
                let mut v: Vec<PathBuf> = rd
                    .filter_map(Result::ok)
                    .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                    .map(|e| e.path())
                    .collect();
                v.sort_unstable_by(|a, b| b.cmp(a));
                v
            }
            Err(e) => {
                self.fail(p, io_reason(&e));
                Vec::new()
            }
        }
    }

    fn fail(&mut self, p: &Path, reason: String) {
        self.out.push(Err(IngestError::new(p.display().to_string(), reason)));
    }
}

/// A directory's identity: device and inode on Unix, else its canonical path.
#[derive(Debug, PartialEq, Eq, Hash)]
enum DirId {
    #[cfg_attr(not(unix), allow(dead_code))]
    Inode(u64, u64),
    #[cfg_attr(unix, allow(dead_code))]
    Path(PathBuf),
}

#[cfg(unix)]
fn dir_id(_p: &Path, m: &Metadata) -> DirId {
    use std::os::unix::fs::MetadataExt;
    DirId::Inode(m.dev(), m.ino())
}

#[cfg(not(unix))]
fn dir_id(p: &Path, _m: &Metadata) -> DirId {
    DirId::Path(std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf()))
}

/// A FIFO or character device named explicitly: read like stdin (bounded by the size limit).
#[cfg(unix)]
fn readable_special(m: &Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    let t = m.file_type();
    t.is_fifo() || t.is_char_device()
}

#[cfg(not(unix))]
fn readable_special(_m: &Metadata) -> bool {
    false
}

/// "not a regular file: a FIFO" (socket, block device, character device).
fn not_regular(m: &Metadata) -> String {
    format!("not a regular file: {}; skipped", kind(m))
}

#[cfg(unix)]
fn kind(m: &Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = m.file_type();
    if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_char_device() {
        "a character device"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn kind(_m: &Metadata) -> &'static str {
    "a special file"
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn names(dir: &Path, entries: &[Entry]) -> Vec<String> {
        let strip = |p: &Path| p.strip_prefix(dir).unwrap_or(p).display().to_string();
        entries
            .iter()
            .map(|e| match e {
                Ok(p) => strip(p),
                Err(e) => format!("{}: {}", strip(Path::new(&e.input)), e.reason),
            })
            .collect()
    }

    /// Two loops back to the root (the input that walked exponentially) and a loop to a parent
    /// from below: every file once, in sorted order, nothing reported.
    #[test]
    fn symlink_loops_walk_each_directory_once() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("sub/deep")).unwrap();
        std::fs::write(d.join("a.txt"), "a").unwrap();
        std::fs::write(d.join("sub/b.txt"), "b").unwrap();
        std::fs::write(d.join("sub/deep/c.txt"), "c").unwrap();
        symlink(".", d.join("x")).unwrap();
        symlink(".", d.join("y")).unwrap();
        symlink("..", d.join("sub/deep/up")).unwrap();
        let got = files(&[d.to_path_buf()]);
        assert_eq!(names(d, &got), ["a.txt", "sub/b.txt", "sub/deep/c.txt"]);
        // A symlink to a directory outside the tree is followed (once).
        let other = tempfile::tempdir().unwrap();
        std::fs::write(other.path().join("o.txt"), "o").unwrap();
        symlink(other.path(), d.join("sub/linked")).unwrap();
        let got = files(&[d.to_path_buf(), other.path().to_path_buf()]);
        assert_eq!(names(d, &got), ["a.txt", "sub/b.txt", "sub/deep/c.txt", "sub/linked/o.txt"]);
    }

    /// A FIFO and a socket inside a directory are named and skipped without being opened; the
    /// files beside them are still listed. A FIFO named explicitly is an input.
    #[test]
    fn special_files_in_a_directory_are_reported_not_opened() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("a.txt"), "a").unwrap();
        std::fs::write(d.join("z.txt"), "z").unwrap();
        let fifo = d.join("m.fifo");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let _sock = std::os::unix::net::UnixListener::bind(d.join("s.sock")).unwrap();
        let got = files(&[d.to_path_buf()]);
        assert_eq!(
            names(d, &got),
            [
                "a.txt",
                "m.fifo: not a regular file: a FIFO; skipped",
                "s.sock: not a regular file: a socket; skipped",
                "z.txt"
            ]
        );
        assert_eq!(files(std::slice::from_ref(&fifo)).len(), 1);
        assert!(files(std::slice::from_ref(&fifo))[0].is_ok());
    }
}
