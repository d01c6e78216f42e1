//! A hosts file read as the C library and Go's resolver read it: `ADDRESS NAME [ALIAS...]`
//! per line, `#` starts a comment, names compare without case. A name listed there never
//! reaches DNS.

use std::net::IpAddr;

/// The addresses `text` pins `host` to, in file order, and the 1-based line of the first;
/// `None` when no line names it.
pub fn pinned(text: &str, host: &str) -> Option<(usize, Vec<IpAddr>)> {
    let want = host.trim_end_matches('.');
    let mut first = None;
    let mut ips: Vec<IpAddr> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or_default();
        let mut fields = line.split_whitespace();
        let Some(ip) = fields.next().and_then(|a| a.parse::<IpAddr>().ok()) else {
            continue;
        };
        if fields.any(|n| n.trim_end_matches('.').eq_ignore_ascii_case(want)) {
            first.get_or_insert(i + 1);
            if !ips.contains(&ip) {
                ips.push(ip);
            }
        }
    }
    first.map(|line| (line, ips))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_without_case_comments_and_bad_lines_are_skipped() {
        let text = "127.0.0.1 localhost\n\
                    # 10.0.0.1 abc.eks.amazonaws.com\n\
                    not-an-ip abc.eks.amazonaws.com\n\
                    192.168.10.21   api ABC.eks.amazonaws.com. # pinned by hand\n\
                    fd00::21 abc.eks.amazonaws.com\n\
                    192.168.10.21 abc.eks.amazonaws.com\n";
        let (line, ips) = pinned(text, "abc.eks.amazonaws.com").unwrap();
        assert_eq!(line, 4);
        assert_eq!(
            ips,
            [
                "192.168.10.21".parse::<IpAddr>().unwrap(),
                "fd00::21".parse().unwrap()
            ]
        );
        assert!(pinned(text, "eks.amazonaws.com").is_none());
        assert!(pinned("", "abc").is_none());
    }
}
