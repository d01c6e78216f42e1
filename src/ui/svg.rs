//! A rendered frame as SVG: the screenshots in the README come from the real render code.

use ratatui::buffer::{Buffer, Cell};
use ratatui::style::{Color, Modifier};
use std::fmt::Write;

const CELL_W: f32 = 8.4;
const CELL_H: f32 = 18.0;
const FONT: f32 = 14.0;
/// Where the text sits in its cell: DejaVu Sans Mono's ascent at 14 px, centred in the line.
const BASELINE: f32 = 13.0;
pub const DEFAULT_FG: &str = "#d0d0d0";
pub const DEFAULT_BG: &str = "#1c1c1c";

/// The 16 ANSI colours as a typical dark terminal shows them.
const ANSI: [&str; 16] = [
    "#1c1c1c", "#cd3131", "#0dbc79", "#e5e510", "#2472c8", "#bc3fbc", "#11a8cd", "#b0b0b0",
    "#666666", "#f14c4c", "#23d18b", "#f5f543", "#3b8eea", "#d670d6", "#29b8db", "#ffffff",
];

fn hex(c: Color, default: &str) -> String {
    let ansi = |i: usize| ANSI[i].to_string();
    match c {
        Color::Reset => default.to_string(),
        Color::Black => ansi(0),
        Color::Red => ansi(1),
        Color::Green => ansi(2),
        Color::Yellow => ansi(3),
        Color::Blue => ansi(4),
        Color::Magenta => ansi(5),
        Color::Cyan => ansi(6),
        Color::Gray => ansi(7),
        Color::DarkGray => ansi(8),
        Color::LightRed => ansi(9),
        Color::LightGreen => ansi(10),
        Color::LightYellow => ansi(11),
        Color::LightBlue => ansi(12),
        Color::LightMagenta => ansi(13),
        Color::LightCyan => ansi(14),
        Color::White => ansi(15),
        Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
        Color::Indexed(i) => indexed(i),
    }
}

/// xterm's 256-colour palette.
fn indexed(i: u8) -> String {
    match i {
        0..=15 => ANSI[i as usize].to_string(),
        16..=231 => {
            let i = i - 16;
            let level = |v: u8| if v == 0 { 0 } else { 55 + v * 40 };
            format!(
                "#{:02x}{:02x}{:02x}",
                level(i / 36),
                level((i / 6) % 6),
                level(i % 6)
            )
        }
        _ => {
            let v = 8 + (i - 232) * 10;
            format!("#{v:02x}{v:02x}{v:02x}")
        }
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A cell's colours as drawn: reverse video swaps them.
fn colours(cell: &Cell) -> (String, String) {
    let fg = hex(cell.fg, DEFAULT_FG);
    let bg = hex(cell.bg, DEFAULT_BG);
    if cell.modifier.contains(Modifier::REVERSED) {
        (bg, fg)
    } else {
        (fg, bg)
    }
}

/// The arms of a box-drawing character, as stroke widths (0 for none): up, down, left, right.
fn box_arms(c: char) -> Option<[u8; 4]> {
    Some(match c {
        '─' => [0, 0, 1, 1],
        '│' => [1, 1, 0, 0],
        '┌' | '╭' => [0, 1, 0, 1],
        '┐' | '╮' => [0, 1, 1, 0],
        '└' | '╰' => [1, 0, 0, 1],
        '┘' | '╯' => [1, 0, 1, 0],
        '├' => [1, 1, 0, 1],
        '┤' => [1, 1, 1, 0],
        '┬' => [0, 1, 1, 1],
        '┴' => [1, 0, 1, 1],
        '┼' => [1, 1, 1, 1],
        '━' => [0, 0, 2, 2],
        '┃' => [2, 2, 0, 0],
        '┏' => [0, 2, 0, 2],
        '┓' => [0, 2, 2, 0],
        '┗' => [2, 0, 0, 2],
        '┛' => [2, 0, 2, 0],
        '═' => [0, 0, 3, 3],
        '║' => [3, 3, 0, 0],
        '╔' => [0, 3, 0, 3],
        '╗' => [0, 3, 3, 0],
        '╚' => [3, 0, 0, 3],
        '╝' => [3, 0, 3, 0],
        _ => return None,
    })
}

/// The filled fraction of a cell's height for the lower block elements (▁ to █).
fn block_height(c: char) -> Option<f32> {
    let n = u32::from(c).checked_sub(0x2580)?;
    (1..=8).contains(&n).then(|| n as f32 / 8.0)
}

/// A box-drawing cell as lines from its centre to the edges it joins, so that borders meet
/// across cells whatever the font.
fn draw_box(out: &mut String, arms: [u8; 4], x: f32, y: f32, colour: &str) {
    let (cx, cy) = (x + CELL_W / 2.0, y + CELL_H / 2.0);
    let ends = [(cx, y), (cx, y + CELL_H), (x, cy), (x + CELL_W, cy)];
    for (weight, (ex, ey)) in arms.iter().zip(ends) {
        let offsets: &[f32] = match weight {
            0 => continue,
            3 => &[-1.5, 1.5],
            _ => &[0.0],
        };
        let width = if *weight == 2 { 2.0 } else { 1.0 };
        let vertical = ex == cx;
        for d in offsets {
            let (x1, y1, x2, y2) = if vertical {
                (cx + d, cy, ex + d, ey)
            } else {
                (cx, cy + d, ex, ey + d)
            };
            let _ = writeln!(
                out,
                r#"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="{colour}" stroke-width="{width}" stroke-linecap="square"/>"#
            );
        }
    }
}

pub fn render(buf: &Buffer, title: &str) -> String {
    let area = buf.area;
    let (w, h) = (area.width as f32 * CELL_W, area.height as f32 * CELL_H);
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="0 0 {w:.1} {h:.1}" font-family="'DejaVu Sans Mono', Menlo, Consolas, monospace" font-size="{FONT}" shape-rendering="crispEdges">"#
    );
    let _ = writeln!(out, "<title>{}</title>", escape(title));
    let _ = writeln!(
        out,
        r#"<rect width="100%" height="100%" fill="{DEFAULT_BG}"/>"#
    );
    for y in 0..area.height {
        let top = y as f32 * CELL_H;
        // Backgrounds: runs of one colour, on whole cells.
        let mut x = 0;
        while x < area.width {
            let bg = colours(&buf[(x, y)]).1;
            let start = x;
            while x < area.width && colours(&buf[(x, y)]).1 == bg {
                x += 1;
            }
            if bg != DEFAULT_BG {
                let _ = writeln!(
                    out,
                    r#"<rect x="{:.1}" y="{top:.1}" width="{:.1}" height="{CELL_H}" fill="{bg}"/>"#,
                    start as f32 * CELL_W,
                    (x - start) as f32 * CELL_W
                );
            }
        }
        // Lines and blocks are drawn, not typed: glyphs from fallback fonts neither fill the
        // line height nor keep the cell width.
        for x in 0..area.width {
            let cell = &buf[(x, y)];
            let mut chars = cell.symbol().chars();
            let (Some(c), None) = (chars.next(), chars.next()) else {
                continue;
            };
            let left = x as f32 * CELL_W;
            let fg = colours(cell).0;
            if let Some(arms) = box_arms(c) {
                draw_box(&mut out, arms, left, top, &fg);
            } else if let Some(frac) = block_height(c) {
                let bh = CELL_H * frac;
                let _ = writeln!(
                    out,
                    r#"<rect x="{left:.1}" y="{:.1}" width="{CELL_W}" height="{bh:.2}" fill="{fg}"/>"#,
                    top + CELL_H - bh
                );
            }
        }
        // Text: words of one style, every character pinned to its own cell. Blanks split
        // the words, as renderers place a position list unevenly across runs of spaces.
        let mut x = 0;
        while x < area.width {
            let style = text_style(&buf[(x, y)]);
            let mut text = String::new();
            let mut xs = Vec::new();
            while x < area.width && text_style(&buf[(x, y)]) == style {
                let symbol = buf[(x, y)].symbol();
                if drawn(symbol) || symbol.trim().is_empty() {
                    break;
                }
                // Combining marks follow their base character.
                text.push_str(symbol);
                xs.push(format!("{:.1}", x as f32 * CELL_W));
                x += 1;
            }
            if text.is_empty() {
                x += 1;
                continue;
            }
            let (fg, bold, underline) = style;
            let _ = writeln!(
                out,
                r#"<text x="{}" y="{:.1}" fill="{fg}"{}{}>{}</text>"#,
                xs.join(" "),
                top + BASELINE,
                if bold { r#" font-weight="bold""# } else { "" },
                if underline {
                    r#" text-decoration="underline""#
                } else {
                    ""
                },
                escape(&text)
            );
        }
    }
    out.push_str("</svg>\n");
    out
}

/// Whether a cell is drawn as shapes rather than text.
fn drawn(symbol: &str) -> bool {
    let mut chars = symbol.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => box_arms(c).is_some() || block_height(c).is_some(),
        _ => false,
    }
}

fn text_style(cell: &Cell) -> (String, bool, bool) {
    (
        colours(cell).0,
        cell.modifier.contains(Modifier::BOLD),
        cell.modifier.contains(Modifier::UNDERLINED),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    #[test]
    fn cells_become_rects_and_text_with_their_colours() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 6, 1));
        buf.set_string(
            0,
            0,
            "a<b",
            Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
        );
        buf.set_string(
            3,
            0,
            "ok",
            Style::default()
                .fg(Color::Rgb(1, 2, 3))
                .bg(Color::Indexed(196)),
        );
        let svg = render(&buf, "t");
        assert!(
            svg.contains(r##"fill="#cd3131" font-weight="bold">a&lt;b</text>"##),
            "{svg}"
        );
        assert!(
            svg.contains(r##"<rect x="25.2" y="0.0" width="16.8" height="18" fill="#ff0000"/>"##),
            "{svg}"
        );
        assert!(svg.contains(r##"fill="#010203""##));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
    }

    #[test]
    fn every_character_sits_on_its_own_cell() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 5, 1));
        buf.set_string(0, 0, "✔ ok", Style::default());
        let svg = render(&buf, "t");
        assert!(
            svg.contains(r#"<text x="0.0" "#) && svg.contains(r#"<text x="16.8 25.2" "#),
            "{svg}"
        );
    }

    #[test]
    fn borders_and_blocks_are_shapes_that_meet_across_cells() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 3, 2));
        buf.set_string(0, 0, "┌─┐", Style::default().fg(Color::Blue));
        buf.set_string(0, 1, "│█▄", Style::default());
        let svg = render(&buf, "t");
        assert!(
            !svg.contains("<text"),
            "no glyphs for lines or blocks: {svg}"
        );
        // The top-left corner reaches the right edge of its cell and the bottom of the row.
        assert!(
            svg.contains(r##"<line x1="4.2" y1="9.0" x2="4.2" y2="18.0" stroke="#2472c8""##),
            "{svg}"
        );
        assert!(
            svg.contains(r#"x1="4.2" y1="9.0" x2="8.4" y2="9.0""#),
            "{svg}"
        );
        // The vertical bar below runs the full height of its row.
        assert!(
            svg.contains(r#"x1="4.2" y1="27.0" x2="4.2" y2="18.0""#),
            "{svg}"
        );
        assert!(
            svg.contains(r#"<rect x="8.4" y="18.0" width="8.4" height="18.00""#),
            "{svg}"
        );
        assert!(
            svg.contains(r#"<rect x="16.8" y="27.0" width="8.4" height="9.00""#),
            "{svg}"
        );
    }

    #[test]
    fn reverse_video_swaps_the_colours() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 2, 1));
        buf.set_string(
            0,
            0,
            "ab",
            Style::default().add_modifier(Modifier::REVERSED),
        );
        let svg = render(&buf, "t");
        assert!(
            svg.contains(&format!(r#"height="18" fill="{DEFAULT_FG}"/>"#)),
            "{svg}"
        );
        assert!(
            svg.contains(&format!(r#"fill="{DEFAULT_BG}">ab<"#)),
            "{svg}"
        );
    }
}
