//! `check --output markdown` read back with a Markdown parser (CommonMark with GitHub's
//! tables), against the JSON document of the same scenario: the same verdict, hops in the
//! same order with the same statuses, every finding, every distinct fix as a code block,
//! and what could not be checked.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde_json::Value;
use std::process::Command;

fn run(scenario: &str, output: &str) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_eksnet-tui"))
        .args(["check", "--demo", scenario, "--output", output])
        .env("NO_COLOR", "1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("run eksnet-tui");
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

/// What a parser makes of the report.
#[derive(Default, Debug)]
struct Read {
    headings: Vec<(HeadingLevel, String)>,
    /// Each body row of the table, cell by cell.
    rows: Vec<Vec<String>>,
    blocks: Vec<String>,
    items: Vec<String>,
}

fn read(md: &str) -> Read {
    let mut r = Read::default();
    let mut text = String::new();
    let (mut row, mut in_head) = (Vec::new(), false);
    for e in Parser::new_ext(md, Options::ENABLE_TABLES) {
        match e {
            Event::Start(Tag::Heading { .. })
            | Event::Start(Tag::TableCell)
            | Event::Start(Tag::CodeBlock(_))
            | Event::Start(Tag::Item) => text.clear(),
            Event::End(TagEnd::Heading(level)) => r.headings.push((level, text.clone())),
            Event::Start(Tag::TableHead) => in_head = true,
            Event::End(TagEnd::TableHead) => {
                in_head = false;
                row.clear();
            }
            Event::End(TagEnd::TableCell) => row.push(text.clone()),
            Event::End(TagEnd::TableRow) if !in_head => r.rows.push(std::mem::take(&mut row)),
            Event::End(TagEnd::CodeBlock) => r.blocks.push(text.clone()),
            Event::End(TagEnd::Item) => r.items.push(text.clone()),
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::InlineHtml(h) | Event::Html(h) => text.push_str(&h),
            Event::SoftBreak => text.push(' '),
            _ => {}
        }
    }
    r
}

#[test]
fn the_markdown_report_says_what_the_json_says() {
    for scenario in [
        "healthy",
        "rotation-missed",
        "nlb-sg-blocks-443",
        "dhcp-custom-dns",
        "self-managed-sg",
        "lattice-prefix-list-blocked",
        "lattice-api",
    ] {
        let (code, md) = run(scenario, "markdown");
        let (json_code, json) = run(scenario, "json");
        let doc: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(code, json_code, "{scenario}");
        let r = read(&md);
        let verdict = doc["verdict"].as_str().unwrap().to_uppercase();
        assert_eq!(r.headings[0].0, HeadingLevel::H1, "{scenario}");
        assert!(
            r.headings[0].1.ends_with(&verdict),
            "{scenario}: {:?}",
            r.headings[0]
        );
        let h2: Vec<&str> = r
            .headings
            .iter()
            .filter(|h| h.0 == HeadingLevel::H2)
            .map(|h| h.1.split(':').next().unwrap())
            .collect();
        assert!(
            h2.starts_with(&["Path", "Findings"]) && h2.last() == Some(&"Not checked"),
            "{scenario}: {h2:?}"
        );
        // One row per hop, in order, with its status and first line of evidence.
        let hops = doc["hops"].as_array().unwrap();
        assert_eq!(r.rows.len(), hops.len(), "{scenario}: {:?}", r.rows);
        for (row, hop) in r.rows.iter().zip(hops) {
            assert_eq!(row.len(), 3, "{scenario}: {row:?}");
            assert_eq!(row[0], hop["name"].as_str().unwrap());
            assert!(
                row[1].ends_with(&hop["status"].as_str().unwrap().to_uppercase()),
                "{scenario}: {row:?}"
            );
            let first = row[2].split("<br>").next().unwrap();
            let evidence = hop["evidence"].as_str().unwrap();
            assert!(
                !first.is_empty() && evidence.starts_with(first),
                "{scenario}: {row:?} / {evidence}"
            );
        }
        // Every finding has its heading; every distinct fix above info is a code block.
        let findings = doc["findings"].as_array().unwrap();
        let h3: Vec<&str> = r
            .headings
            .iter()
            .filter(|h| h.0 == HeadingLevel::H3)
            .map(|h| h.1.as_str())
            .collect();
        assert_eq!(h3.len(), findings.len(), "{scenario}");
        let mut fixes: Vec<String> = Vec::new();
        for (h, f) in h3.iter().zip(findings) {
            let want = format!(
                "{} {}",
                f["severity"].as_str().unwrap().to_uppercase(),
                f["id"].as_str().unwrap()
            );
            assert_eq!(*h, want, "{scenario}");
            let fix = format!("{}\n", f["fix"].as_str().unwrap().trim_end());
            if f["severity"] != "info" && !fixes.contains(&fix) {
                fixes.push(fix);
            }
        }
        assert_eq!(r.blocks, fixes, "{scenario}");
        // What could not be checked, one item each.
        let unknowns = doc["unknowns"].as_array().unwrap();
        for u in unknowns {
            let rule = u["rule"].as_str().unwrap();
            let missing = u["missing"].as_str().unwrap();
            assert!(
                r.items
                    .iter()
                    .any(|i| i.starts_with(rule) && i.contains(missing)),
                "{scenario}: {rule}: {missing} in {:?}",
                r.items
            );
        }
    }
}
