//! Fitting text into cells: one column-width allocator, one truncation rule and one
//! wrapping rule for every pane, plus units for raw values in detail views.
//!
//! Identifiers (ARNs, resource ids, account ids, addresses) are never cut in the middle: a
//! half id reads like a different, valid one. They are shown whole or replaced by `…`;
//! only a long host name that is all a line has keeps its head.

/// A column's wish: its natural width (widest content), the narrowest it may become, and
/// whether it gives up width before fixed columns do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Col {
    pub natural: u16,
    pub min: u16,
    pub flexible: bool,
}

/// Widths for `cols` within `total` cells (`spacing` cells between columns). Every column
/// starts at its natural width; while the sum is too wide, the widest flexible column above
/// its minimum gives one cell, then the widest fixed one. Spare width goes to the last
/// flexible column.
pub fn allocate(cols: &[Col], total: u16, spacing: u16) -> Vec<u16> {
    let gaps = spacing.saturating_mul(cols.len().saturating_sub(1) as u16);
    let avail = total.saturating_sub(gaps) as u32;
    let mut w: Vec<u16> = cols.iter().map(|c| c.natural.max(c.min.min(1))).collect();
    let sum = |w: &[u16]| w.iter().map(|x| *x as u32).sum::<u32>();
    let mut excess = sum(&w).saturating_sub(avail);
    for flexible in [true, false] {
        while excess > 0 {
            let widest = (0..cols.len())
                .filter(|&i| cols[i].flexible == flexible && w[i] > cols[i].min)
                .max_by_key(|&i| (w[i], std::cmp::Reverse(i)));
            let Some(i) = widest else { break };
            // Give down to the next widest, in one step.
            let next = (0..cols.len())
                .filter(|&j| j != i && cols[j].flexible == flexible && w[j] < w[i])
                .map(|j| w[j])
                .max()
                .unwrap_or(0)
                .max(cols[i].min);
            let give = ((w[i] - next) as u32).clamp(1, excess) as u16;
            w[i] -= give;
            excess -= give as u32;
        }
    }
    // Still too wide (minimums exceed the room): take from the right.
    for i in (0..w.len()).rev() {
        if excess == 0 {
            break;
        }
        let give = (w[i] as u32).min(excess) as u16;
        w[i] -= give;
        excess -= give as u32;
    }
    let spare = avail.saturating_sub(sum(&w)) as u16;
    if let Some(i) = cols.iter().rposition(|c| c.flexible) {
        w[i] += spare;
    }
    w
}

/// Whether a word is an identifier that must not be cut: it carries a digit or a `:`
/// and has no letters-only shape (`eni-0a1b`, `arn:aws:…`, `10.0.0.0/16`, `111122223333`).
/// Which parts of a line to keep within `width` cells: parts are `(rank, width)` in line
/// order, rank 0 the most needed, and `sep` cells go between kept parts. The least needed
/// part (the later of equals) goes first, whole, until the rest fits; rank 0 parts always
/// stay, and the caller cuts the line if they alone overflow.
pub fn keep_parts(parts: &[(u8, usize)], sep: usize, width: usize) -> Vec<bool> {
    let mut keep = vec![true; parts.len()];
    let total = |keep: &[bool]| {
        let kept: Vec<usize> = parts
            .iter()
            .zip(keep)
            .filter(|(_, k)| **k)
            .map(|(p, _)| p.1)
            .collect();
        kept.iter().sum::<usize>() + sep * kept.len().saturating_sub(1)
    };
    while total(&keep) > width {
        let drop = parts
            .iter()
            .enumerate()
            .filter(|(i, p)| keep[*i] && p.0 > 0)
            .max_by_key(|(i, p)| (p.0, *i))
            .map(|(i, _)| i);
        match drop {
            Some(i) => keep[i] = false,
            None => break,
        }
    }
    keep
}

pub fn is_id(word: &str) -> bool {
    let w = word.trim_matches(|c: char| matches!(c, ',' | ';' | '(' | ')' | '"' | '\''));
    w.chars().count() > 3
        && w.chars().any(|c| c.is_ascii_digit() || c == ':')
        && !w.chars().all(|c| c.is_ascii_digit() || c == '.') // plain numbers may be cut
        || (w.len() >= 10 && w.chars().all(|c| c.is_ascii_digit()))
}

/// At most `max` characters of `text`; a cut text ends in `…`. A cut that would land
/// inside an identifier drops that identifier whole.
pub fn truncate(text: &str, max: usize) -> String {
    let n = text.chars().count();
    if n <= max {
        return text.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let keep = max - 1;
    let head: String = text.chars().take(keep).collect();
    // The word the cut falls in: from the last space before the cut to the next space.
    let word_start = head.rfind(' ').map_or(0, |i| i + 1);
    let rest = &text[word_start..];
    let word = rest.split(' ').next().unwrap_or("");
    let cut_inside = head.len() - word_start < word.len();
    let before = head[..word_start].trim_end();
    // An id is cut whole, except a long host name that would leave the line nearly empty:
    // its head still tells which name it is.
    let long_name = word.chars().count() > 24 && word.contains('.') && !word.starts_with("arn:");
    let whole = !long_name || before.chars().count() >= keep / 2;
    if cut_inside && is_id(word) && whole {
        return format!("{before}…");
    }
    format!("{}…", head.trim_end())
}

/// `text` in lines of at most `width` characters, broken at spaces. Lines after the first
/// start with `indent` spaces (a hanging indent). A word longer than a line is split only
/// if it is not an identifier; an identifier overflows onto its own line and is cut there
/// by [`truncate`] when drawn.
pub fn wrap(text: &str, width: usize, indent: usize) -> Vec<String> {
    // Each line of a several-line text (a fix of two commands) wraps on its own, under the
    // same indent.
    if let Some((first, rest)) = text.split_once('\n') {
        let mut lines = wrap(first, width, indent);
        lines.extend(wrap(
            &format!("{}{}", " ".repeat(indent), rest.trim_start()),
            width,
            indent,
        ));
        return lines;
    }
    let width = width.max(indent + 8);
    let lead = text.len() - text.trim_start().len();
    let mut lines = Vec::new();
    let mut cur = text[..lead].to_string();
    // Characters on the line, and where its text starts (after the lead or the indent).
    let (mut len, mut start) = (lead, lead);
    for word in text[lead..].split(' ') {
        let wl = word.chars().count();
        let sep = usize::from(len > start);
        if len > start && len + sep + wl > width {
            lines.push(std::mem::take(&mut cur));
            cur = " ".repeat(indent);
            (len, start) = (indent, indent);
        } else if sep == 1 {
            cur.push(' ');
            len += 1;
        }
        if len + wl > width && !is_id(word) {
            // A long plain word: split it across lines.
            let mut chars = word.chars().peekable();
            while chars.peek().is_some() {
                let part: String = chars.by_ref().take(width - len).collect();
                len += part.chars().count();
                cur.push_str(&part);
                if chars.peek().is_some() {
                    lines.push(std::mem::take(&mut cur));
                    cur = " ".repeat(indent);
                    (len, start) = (indent, indent);
                }
            }
        } else {
            cur.push_str(word);
            len += wl;
        }
    }
    let _ = start;
    lines.push(cur);
    lines
}

/// A detail value with its unit, rounded for reading. `key` is the field's path.
pub fn with_unit(key: &str, value: &str) -> String {
    let last = key.rsplit('.').next().unwrap_or(key);
    let Ok(v) = value.parse::<f64>() else {
        return value.to_string();
    };
    if last.ends_with("latency")
        || last.ends_with("_ms")
        || last.starts_with("p50")
        || last.starts_with("p90")
        || last.starts_with("p99")
    {
        format!("{} ms", round(v))
    } else if last.ends_with("_secs") || last.ends_with("_s") {
        format!("{} s", round(v))
    } else if last.ends_with("ratio") {
        format!("{}%", round(v * 100.0))
    } else if value.contains('.') {
        round(v)
    } else {
        value.to_string()
    }
}

fn round(v: f64) -> String {
    if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(natural: u16, min: u16, flexible: bool) -> Col {
        Col {
            natural,
            min,
            flexible,
        }
    }

    #[test]
    fn allocator_keeps_natural_widths_when_they_fit() {
        let w = allocate(&[col(4, 4, false), col(10, 5, true)], 40, 1);
        assert_eq!(w, vec![4, 35]);
    }

    #[test]
    fn allocator_shrinks_the_widest_flexible_column_first() {
        // SEV, ID, RESOURCE, EVIDENCE at 116 cells: ID keeps its 28.
        let cols = [
            col(4, 4, false),
            col(28, 28, false),
            col(40, 12, true),
            col(120, 15, true),
        ];
        let w = allocate(&cols, 116, 1);
        assert_eq!(w.iter().sum::<u16>() + 3, 116, "{w:?}");
        assert_eq!(w[1], 28);
        assert!(w[3] >= 15, "{w:?}");
        assert!(w[2] >= 12, "{w:?}");
    }

    #[test]
    fn allocator_never_exceeds_the_room() {
        let cols = [col(30, 30, false), col(30, 30, false)];
        let w = allocate(&cols, 40, 1);
        assert_eq!(w.iter().sum::<u16>(), 39);
    }

    #[test]
    fn truncation_adds_an_ellipsis_and_cuts_ids_whole() {
        assert_eq!(truncate("hello world", 20), "hello world");
        assert_eq!(truncate("hello world", 8), "hello w…");
        assert_eq!(truncate("eu-west-1 · 111122223333", 20), "eu-west-1 ·…");
        assert_eq!(
            truncate("see arn:aws:iam::111122223333:role/x now", 20),
            "see…"
        );
        assert_eq!(truncate("111122223333", 8), "…");
        // A long host name keeps its head rather than leaving nothing.
        let host =
            "DNS b7e9a2f4c1d3086e5a4f9c2b1d7e3a60.gr7.eu-west-1.eks.amazonaws.com -> 10.0.0.1";
        assert_eq!(truncate(host, 20), "DNS b7e9a2f4c1d3086…");
        assert_eq!(
            truncate(
                "answers changed at eu-west-1.eks.amazonaws.com-long-name",
                30
            ),
            "answers changed at…"
        );
        assert_eq!(truncate("→ab", 2), "→…");
    }

    #[test]
    fn parts_of_a_line_drop_whole_least_needed_first() {
        let parts = [(0, 10), (1, 12), (3, 20), (2, 18)];
        assert_eq!(keep_parts(&parts, 3, 200), [true; 4]);
        // 10+12+20+18 + 9 = 69: the rank-3 part goes first.
        assert_eq!(keep_parts(&parts, 3, 68), [true, true, false, true]);
        assert_eq!(keep_parts(&parts, 3, 40), [true, true, false, false]);
        assert_eq!(keep_parts(&parts, 3, 5), [true, false, false, false]);
    }

    #[test]
    fn ids_are_recognised() {
        for id in [
            "eni-0a1b2c",
            "arn:aws:x",
            "10.0.0.0/16",
            "111122223333",
            "vpc-1,",
        ] {
            assert!(is_id(id), "{id}");
        }
        for word in ["hello", "the", "12.5", "ms"] {
            assert!(!is_id(word), "{word}");
        }
    }

    #[test]
    fn wrap_starts_each_line_of_the_text_anew() {
        let lines = wrap("fix: one command\nor another", 40, 5);
        assert_eq!(lines, ["fix: one command", "     or another"]);
    }

    #[test]
    fn wrap_keeps_a_hanging_indent_and_ids_whole() {
        let lines = wrap(
            "fix: aws elbv2 register-targets --target-group-arn arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/x/1",
            40,
            5,
        );
        assert!(lines.len() > 1);
        for l in &lines[1..] {
            assert!(l.starts_with("     "), "{lines:?}");
        }
        assert!(
            lines.iter().any(|l| l.trim()
                == "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/x/1"),
            "{lines:?}"
        );
        for l in &lines {
            if !l.contains("arn:") {
                assert!(l.chars().count() <= 40, "{l}");
            }
        }
        assert_eq!(wrap("short", 40, 4), vec!["short".to_string()]);
        assert_eq!(wrap("  lead kept", 40, 4), vec!["  lead kept".to_string()]);
    }

    #[test]
    fn units_and_rounding() {
        assert_eq!(with_unit("latency", "0.773675"), "0.77 ms");
        assert_eq!(with_unit("stats.latency", "123.456"), "123 ms");
        assert_eq!(with_unit("port", "443"), "443");
        assert_eq!(with_unit("name", "api"), "api");
        assert_eq!(with_unit("weight", "1.23456"), "1.23");
    }
}
