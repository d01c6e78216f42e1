//! `check --output markdown`: the verdict, the hop table, the findings with their fixes and
//! what could not be checked, ready to paste into a ticket (CommonMark with GitHub's
//! tables). Text read from the account is escaped, so a name holding `|`, `*` or `<`
//! renders as written; fixes are code blocks, copied as they are.

use super::{not_checked, title};
use crate::diagnose::Diagnosis;
use crate::diagnose::finding::Severity;
use crate::model::{Api, Model};

/// `s` as literal text: every character Markdown could read as markup is escaped, and a
/// line break becomes `<br>` (the one form a table cell holds).
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for (i, line) in s.lines().enumerate() {
        if i > 0 {
            out.push_str("<br>");
        }
        // What opens a list, a heading or a rule only at the start of a line.
        let digits = line.chars().take_while(char::is_ascii_digit).count();
        for (k, ch) in line.chars().enumerate() {
            let opens = match ch {
                '-' | '+' | '=' => k == 0,
                '.' | ')' => k == digits && digits > 0,
                _ => false,
            };
            if opens
                || matches!(
                    ch,
                    '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '#'
                )
            {
                out.push('\\');
            }
            out.push(ch);
        }
    }
    out
}

/// `s` as inline code, fenced with more backticks than it holds.
pub fn code(s: &str) -> String {
    let longest = longest_run(s, '`');
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') || longest > 0 {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{}{pad}{fence}", s.replace('\n', " "))
}

/// [`code`] in a table cell, where even a code span's `|` must be escaped.
fn cell_code(s: &str) -> String {
    code(s).replace('|', "\\|")
}

fn longest_run(s: &str, c: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for ch in s.chars() {
        run = if ch == c { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// `s` as a fenced code block, its fence longer than any run of backticks inside.
fn block(s: &str, lang: &str) -> String {
    let fence = "`".repeat(longest_run(s, '`').max(2) + 1);
    format!("{fence}{lang}\n{}\n{fence}\n", s.trim_end())
}

fn upper(label: &str) -> String {
    label.to_uppercase()
}

pub fn markdown(m: &Model, d: &Diagnosis, now: chrono::DateTime<chrono::Utc>) -> String {
    let mut out = String::new();
    let mut line = |s: &str| {
        out.push_str(s);
        out.push('\n');
    };
    line(&format!(
        "# eksnet-tui check: {} {}",
        d.verdict.symbol(),
        upper(d.verdict.label())
    ));
    line("");
    line(&format!("**{}**", text(&title(m))));
    line("");
    let first = d
        .first_failure
        .map(|h| format!(" (first failing hop {})", code(h.as_str())))
        .unwrap_or_default();
    line(&format!(
        "- **Verdict:** {}: {}{first}{}",
        upper(d.verdict.label()),
        text(&d.summary),
        text(not_checked(m))
    ));
    let origin = match m.origin() {
        Some(o) => format!("{} (found by {})", o.label(), o.found_by),
        None => "unknown (no instance metadata, no --from-vpc)".into(),
    };
    line(&format!("- **This host:** {}", text(&origin)));
    line(&format!(
        "- **Route:** {} ({})",
        code(d.route.label()),
        text(&d.route_basis)
    ));
    line(&format!(
        "- **Source:** {} · eksnet-tui {} · {}",
        code(&m.context.source),
        env!("CARGO_PKG_VERSION"),
        now.format("%Y-%m-%d %H:%M:%S UTC")
    ));
    line("");
    line("## Path");
    line("");
    line("| Hop | Status | Evidence |");
    line("| --- | --- | --- |");
    for h in &d.hops {
        line(&format!(
            "| {} | {} {} | {} |",
            cell_code(h.name.as_str()),
            h.status.symbol(),
            upper(h.status.label()),
            text(&h.evidence.join("\n"))
        ));
    }
    line("");
    let count = |s: Severity| d.findings.iter().filter(|f| f.severity == s).count();
    line(&format!(
        "## Findings: {} fail, {} warn, {} info",
        count(Severity::Fail),
        count(Severity::Warn),
        count(Severity::Info)
    ));
    line("");
    if d.findings.is_empty() {
        line("None.");
        line("");
    }
    let mut fixes: Vec<(&str, &str)> = Vec::new();
    for f in &d.findings {
        line(&format!("### {} {}", upper(f.severity.label()), code(f.id)));
        line("");
        let hop = f
            .hop
            .map(|h| format!(" · hop {}", code(h.as_str())))
            .unwrap_or_default();
        line(&format!("Resource {}{hop}", code(&f.resource)));
        line("");
        line(&text(&f.evidence));
        line("");
        if f.severity == Severity::Info {
            continue;
        }
        match fixes.iter().find(|(fix, _)| *fix == f.fix.as_str()) {
            Some((_, id)) => {
                line(&format!("Fix: the same as for {} above.", code(id)));
                line("");
            }
            None => {
                line("Fix:");
                line("");
                let lang = if f.fix.starts_with("aws ") { "sh" } else { "" };
                out_block(&mut line, &block(&f.fix, lang));
                fixes.push((f.fix.as_str(), f.id));
            }
        }
    }
    if m.context.api == Api::Eks {
        let a = &d.automation;
        line(&format!(
            "## Automation: {} {}",
            a.status.symbol(),
            upper(a.status.label())
        ));
        line("");
        line(&text(&a.summary));
        line("");
        for p in &a.pieces {
            line(&format!(
                "- {} {} {} {}: {} (found: {})",
                p.status.symbol(),
                upper(p.status.label()),
                text(p.kind),
                code(&p.name),
                text(&p.detail),
                text(&p.found_by)
            ));
        }
        for u in &a.unknown {
            line(&format!("- ? {}", text(u)));
        }
        if !a.pieces.is_empty() || !a.unknown.is_empty() {
            line("");
        }
    }
    line(&format!("## Not checked: {}", d.unknowns.len()));
    line("");
    if d.unknowns.is_empty() {
        line("Everything this route rests on was read.");
    }
    for u in &d.unknowns {
        let hop = u
            .hop
            .map(|h| format!(" on {}", code(h.as_str())))
            .unwrap_or_default();
        line(&format!(
            "- {}{hop}: {} ({})",
            code(u.rule),
            text(&u.missing),
            text(&u.reason)
        ));
    }
    out
}

fn out_block(line: &mut impl FnMut(&str), block: &str) {
    for l in block.lines() {
        line(l);
    }
    line("");
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

    /// The text a parser reads back from `md` inside a paragraph.
    fn read_back(md: &str) -> String {
        let mut out = String::new();
        for e in Parser::new_ext(md, Options::ENABLE_TABLES) {
            match e {
                Event::Text(t) | Event::Code(t) => out.push_str(&t),
                Event::Html(h) | Event::InlineHtml(h) => out.push_str(&h),
                Event::SoftBreak => out.push('\n'),
                _ => {}
            }
        }
        out
    }

    #[test]
    fn escaped_text_reads_back_as_written() {
        for s in [
            "a | b",
            "*not bold* _nor this_",
            "<script>alert(1)</script>",
            "# not a heading",
            "- not a list",
            "1. not a list either",
            "[link](http://x) ![img](y)",
            "back\\slash `tick` ~strike~ & amp;",
            "sg-0a1b2c3d, 10.0.0.0/16: TCP 443 (found by --from-vpc)",
        ] {
            assert_eq!(read_back(&text(s)), s, "{s}");
        }
        for s in ["plain", "a`b", "`edge`", "x``y"] {
            assert_eq!(read_back(&code(s)), s, "{s}");
        }
    }

    #[test]
    fn a_pipe_in_a_cell_stays_in_its_cell() {
        let md = format!(
            "| a | b |\n| --- | --- |\n| {} | {} |\n",
            cell_code("x|y"),
            text("p | q\nr")
        );
        let mut cells = Vec::new();
        let mut cur = String::new();
        for e in Parser::new_ext(&md, Options::ENABLE_TABLES) {
            match e {
                Event::Start(Tag::TableCell) => cur.clear(),
                Event::End(TagEnd::TableCell) => cells.push(cur.clone()),
                Event::Text(t) | Event::Code(t) => cur.push_str(&t),
                Event::InlineHtml(h) => cur.push_str(&h),
                _ => {}
            }
        }
        assert_eq!(cells, ["a", "b", "x|y", "p | q<br>r"]);
    }

    #[test]
    fn what_could_not_be_read_is_listed_under_not_checked() {
        use crate::diagnose::diagnose;
        use crate::diagnose::testkit::{healthy, t0};
        use crate::model::{Loadable, Source, SourceError};
        let mut m = healthy();
        m.security_groups = Loadable::Failed {
            error: SourceError::denied(Source::SecurityGroups.spec().action()),
            at: t0(),
        };
        let d = diagnose(&m);
        assert!(!d.unknowns.is_empty());
        let md = markdown(&m, &d, t0());
        let mut items = Vec::new();
        let mut cur = String::new();
        for e in Parser::new_ext(&md, Options::ENABLE_TABLES) {
            match e {
                Event::Start(Tag::Item) => cur.clear(),
                Event::End(TagEnd::Item) => items.push(cur.clone()),
                Event::Text(t) | Event::Code(t) => cur.push_str(&t),
                _ => {}
            }
        }
        for u in &d.unknowns {
            assert!(
                items.iter().any(|i| i.starts_with(u.rule)
                    && i.contains(&u.missing)
                    && i.contains(&u.reason)),
                "{u:?} in {items:#?}"
            );
        }
        assert!(md.contains(&format!("## Not checked: {}", d.unknowns.len())));
    }
}
