//! The committed screenshots are what the code draws today.

mod common;

#[test]
fn committed_screenshots_are_current() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    let mut stale = Vec::new();
    for shot in common::screens::shots() {
        let want = common::screens::render(&shot);
        let have = std::fs::read_to_string(dir.join(shot.file)).unwrap_or_default();
        if want != have {
            stale.push(shot.file);
        }
    }
    assert!(
        stale.is_empty(),
        "screenshots out of date: {stale:?}; run `cargo run --example screenshots` and commit the result"
    );
}

#[test]
fn screenshots_are_shown_in_the_readme() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for shot in common::screens::shots() {
        assert!(
            readme.contains(&format!("screenshots/{}", shot.file)),
            "README lacks {}",
            shot.file
        );
    }
}
