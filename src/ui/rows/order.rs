//! The rows a list shows, in the order it shows them: its filter, then its sort. Render,
//! keys and mouse all read rows through [`visible`], so the selection is the row on screen.

use super::{Row, Table};
use crate::ui::state::Sort;
use std::cmp::Ordering;

/// The rows that match `filter`, ordered by `sort` (stable: equal cells keep built order).
pub fn visible<'a>(table: &'a Table, filter: &str, sort: Option<Sort>) -> Vec<&'a Row> {
    let mut rows: Vec<&Row> = table.rows.iter().filter(|r| r.matches(filter)).collect();
    if let Some(s) = sort {
        fn cell(r: &Row, column: usize) -> &str {
            r.cells.get(column).map_or("", |c| c.text.as_str())
        }
        rows.sort_by(|a, b| {
            let o = natural(cell(a, s.column), cell(b, s.column));
            if s.descending { o.reverse() } else { o }
        });
    }
    rows
}

/// The next sort when stepping through `columns`: each column up, then down, then the next
/// column; after the last one, the built order again.
pub fn cycle(current: Option<Sort>, columns: &[usize]) -> Option<Sort> {
    let up = |column: usize| Sort {
        column,
        descending: false,
    };
    let at = current.and_then(|s| columns.iter().position(|c| *c == s.column).map(|i| (i, s)));
    match at {
        None => columns.first().copied().map(up),
        Some((_, s)) if !s.descending => Some(Sort {
            descending: true,
            ..s
        }),
        Some((i, _)) => columns.get(i + 1).copied().map(up),
    }
}

/// Text order in which runs of digits compare as numbers: `10.0.0.9` before `10.0.0.10`,
/// `eni-2` before `eni-10`; letters ignore case.
pub fn natural(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a, b);
    loop {
        match (a.chars().next(), b.chars().next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let (na, ra) = split_digits(a);
                let (nb, rb) = split_digits(b);
                let (ta, tb) = (na.trim_start_matches('0'), nb.trim_start_matches('0'));
                let o = ta.len().cmp(&tb.len()).then_with(|| ta.cmp(tb));
                if o != Ordering::Equal {
                    return o;
                }
                (a, b) = (ra, rb);
            }
            (Some(x), Some(y)) => {
                let o = x.to_lowercase().cmp(y.to_lowercase());
                if o != Ordering::Equal {
                    return o;
                }
                (a, b) = (&a[x.len_utf8()..], &b[y.len_utf8()..]);
            }
        }
    }
}

fn split_digits(s: &str) -> (&str, &str) {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    s.split_at(end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::rows::{Cell, Role};

    fn table(cells: &[[&str; 2]]) -> Table {
        Table {
            columns: vec![("NAME", 10), ("IP", 10)],
            rows: cells
                .iter()
                .map(|[a, b]| Row {
                    id: a.to_string(),
                    cells: [a, b]
                        .iter()
                        .map(|t| Cell {
                            text: t.to_string(),
                            role: Role::Text,
                        })
                        .collect(),
                    detail: vec![],
                })
                .collect(),
        }
    }

    fn ids(rows: &[&Row]) -> Vec<String> {
        rows.iter().map(|r| r.id.clone()).collect()
    }

    #[test]
    fn numbers_in_text_compare_as_numbers() {
        assert_eq!(natural("10.0.0.9", "10.0.0.10"), Ordering::Less);
        assert_eq!(natural("eni-10", "eni-2"), Ordering::Greater);
        assert_eq!(natural("B", "a"), Ordering::Greater);
        assert_eq!(natural("x007", "x7"), Ordering::Equal);
        assert_eq!(natural("ab", "abc"), Ordering::Less);
    }

    #[test]
    fn filter_then_sort_is_one_permutation() {
        let t = table(&[
            ["b", "10.0.0.10"],
            ["a", "10.0.0.9"],
            ["c", "10.0.0.10"],
            ["skip", "x"],
        ]);
        assert_eq!(ids(&visible(&t, "10.", None)), ["b", "a", "c"]);
        let by_ip = Some(Sort {
            column: 1,
            descending: false,
        });
        assert_eq!(ids(&visible(&t, "10.", by_ip)), ["a", "b", "c"], "stable");
        let down = Some(Sort {
            column: 1,
            descending: true,
        });
        assert_eq!(ids(&visible(&t, "10.", down)), ["b", "c", "a"]);
    }

    #[test]
    fn cycling_goes_up_down_next_then_back_to_built_order() {
        let mut s = None;
        let mut seen = vec![];
        for _ in 0..5 {
            s = cycle(s, &[0, 2]);
            seen.push(s.map(|s| (s.column, s.descending)));
        }
        assert_eq!(
            seen,
            [
                Some((0, false)),
                Some((0, true)),
                Some((2, false)),
                Some((2, true)),
                None
            ]
        );
        // A sort outside the candidates starts them over.
        let other = Some(Sort {
            column: 1,
            descending: true,
        });
        assert_eq!(cycle(other, &[2]).map(|s| s.column), Some(2));
        assert_eq!(cycle(None, &[]), None);
    }
}
