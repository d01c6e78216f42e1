//! A rendered frame as SVG: the screenshots in the README come from the real render code.

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use std::fmt::Write;

const CELL_W: f32 = 8.4;
const CELL_H: f32 = 18.0;
const FONT: f32 = 14.0;
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

pub fn render(buf: &Buffer, title: &str) -> String {
    let area = buf.area;
    let (w, h) = (area.width as f32 * CELL_W, area.height as f32 * CELL_H);
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="0 0 {w:.1} {h:.1}" font-family="'DejaVu Sans Mono', Menlo, Consolas, monospace" font-size="{FONT}">"#
    );
    let _ = writeln!(out, "<title>{}</title>", escape(title));
    let _ = writeln!(
        out,
        r#"<rect width="100%" height="100%" fill="{DEFAULT_BG}"/>"#
    );
    for y in 0..area.height {
        // Backgrounds: runs of one colour.
        let mut x = 0;
        while x < area.width {
            let bg = hex(buf[(x, y)].bg, DEFAULT_BG);
            let start = x;
            while x < area.width && hex(buf[(x, y)].bg, DEFAULT_BG) == bg {
                x += 1;
            }
            if bg != DEFAULT_BG {
                let _ = writeln!(
                    out,
                    r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{CELL_H}" fill="{bg}"/>"#,
                    start as f32 * CELL_W,
                    y as f32 * CELL_H,
                    (x - start) as f32 * CELL_W
                );
            }
        }
        // Text: runs of one style, each placed at its own column so fonts cannot drift.
        let mut x = 0;
        while x < area.width {
            let cell = &buf[(x, y)];
            let fg = hex(cell.fg, DEFAULT_FG);
            let bold = cell.modifier.contains(Modifier::BOLD);
            let underline = cell.modifier.contains(Modifier::UNDERLINED);
            let start = x;
            let mut text = String::new();
            while x < area.width {
                let c = &buf[(x, y)];
                if hex(c.fg, DEFAULT_FG) != fg
                    || c.modifier.contains(Modifier::BOLD) != bold
                    || c.modifier.contains(Modifier::UNDERLINED) != underline
                {
                    break;
                }
                text.push_str(c.symbol());
                x += 1;
            }
            if text.trim().is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                r#"<text x="{:.1}" y="{:.1}" fill="{fg}"{}{} xml:space="preserve">{}</text>"#,
                start as f32 * CELL_W,
                y as f32 * CELL_H + FONT,
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
            svg.contains(
                r##"fill="#cd3131" font-weight="bold" xml:space="preserve">a&lt;b</text>"##
            ),
            "{svg}"
        );
        assert!(
            svg.contains(r##"<rect x="25.2" y="0.0" width="16.8" height="18" fill="#ff0000"/>"##),
            "{svg}"
        );
        assert!(svg.contains(r##"fill="#010203""##));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
    }
}
