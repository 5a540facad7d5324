//! Embeds the bundled example collection (`examples/collection/`) into the binary, so that
//! `storyline demo` works from any directory.

use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let collection = root.join("examples/collection");
    println!("cargo:rerun-if-changed={}", collection.display());
    let mut files = Vec::new();
    walk(&collection, &mut files);
    files.sort();
    let mut out = String::from("/// The bundled example collection: (path, bytes).\npub const FILES: &[(&str, &[u8])] = &[\n");
    for f in files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
        out.push_str(&format!("    ({rel:?}, include_bytes!({:?})),\n", f.display().to_string()));
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("demo_files.rs");
    std::fs::write(dest, out).unwrap();
}

/// Article files only: the collection's README and expected results are not articles.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            // A new file inside a sub-folder changes that folder, not the top one.
            println!("cargo:rerun-if-changed={}", path.display());
            walk(&path, out);
        } else if name != "README.md" && name != "expected.json" {
            out.push(path);
        }
    }
}
