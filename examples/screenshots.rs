//! Regenerates `screenshots/*.svg` from the demo scenarios and the real render code:
//! `cargo run --example screenshots`. A test fails when the committed files differ.

#[path = "../tests/common/mod.rs"]
mod common;

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    std::fs::create_dir_all(&dir).expect("create screenshots/");
    for shot in common::screens::shots() {
        let path = dir.join(shot.file);
        std::fs::write(&path, common::screens::render(&shot)).expect("write screenshot");
        println!("{}  {}", path.display(), shot.caption);
    }
}
