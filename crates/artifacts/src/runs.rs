//! A Markdown body read a run of lines at a time, each run remembered by its text.
//!
//! A history holds thousands of versions of the same cards, and an edit changes a few of a card's
//! sections (or only its front matter): reading each version whole reads the same sections again
//! and again. So a body is cut into runs at headings where a cut changes nothing CommonMark would
//! read, each run is read on its own, and what a run yields is kept by its text's hash: a later
//! version that has the same run takes it from there.
//!
//! A cut must be where every block has closed, so that the run after it reads as it would in the
//! whole document. `cuts` allows one only at a level-1 to 6 ATX heading written at the start of
//! its line and outside fenced code, which interrupts anything else a line can continue. What
//! could hide such a line from that reasoning (an HTML block, which a heading line may continue;
//! an indented fence, which `cuts` does not follow; a link reference definition, which other runs
//! would need) makes the body one run. A fence inside a list item or a quote does not: a heading
//! at the start of its line closes the container and the fence with it. The tests compare the two
//! readings on every text they have, and on the constructs that stop a cut.

use std::sync::Arc;

/// What reading one run yields, at offsets from the run's start.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Run {
    /// Each heading's level and the span of its line(s).
    pub(crate) headings: Vec<(usize, usize, usize)>,
    /// Each heading's title (its inline text) and what recognising a card reads of it (from its
    /// own prose outside code), in order: one per heading.
    pub(crate) outline: Vec<(String, std::sync::Arc<crate::sniff::Heading>)>,
    /// Whether prose comes before the run's first heading (which an earlier run's last heading
    /// would own: a run after a cut starts at a heading, so it never does).
    pub(crate) lead: bool,
    /// Each label (`label_at`): where its block starts, where the label ends, where its text
    /// starts, and the label.
    pub(crate) labels: Vec<(usize, usize, usize, String)>,
}

impl Run {
    /// Kept for long, a run holds no spare capacity.
    fn shrink(&mut self) {
        for (title, _) in &mut self.outline {
            title.shrink_to_fit();
        }
        self.outline.shrink_to_fit();
        self.headings.shrink_to_fit();
        self.labels.shrink_to_fit();
    }

    fn weight(&self, text: &str) -> usize {
        // The text itself is not kept; what is, is about as large as the prose.
        text.len() + 64 * (self.headings.len() + self.labels.len()) + 64
    }
}

/// Where a body may be cut into runs read on their own, each of at least `min_run` bytes but the
/// last: the offsets of the lines that start a run after the first. Empty when it may not be cut.
///
/// Only a line's first bytes matter: a line that starts with a letter continues or starts a
/// paragraph (or is code inside an open fence), whatever it holds further on, and a container's
/// content (a list item's, a quote's) closes at a heading written at the start of its line.
pub(crate) fn cuts(body: &str, min_run: usize) -> Vec<usize> {
    let bytes = body.as_bytes();
    let mut out = Vec::new();
    // An open fence: its character and length.
    let mut fence: Option<(u8, usize)> = None;
    let mut at = 0usize;
    while at < bytes.len() {
        let start = at;
        at = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i + 1);
        let b = &bytes[start..at];
        let first = b[0];
        let leading = |c: u8| b.iter().take_while(|&&x| x == c).count();
        let trimmed = || {
            let n = b.iter().take_while(|c| matches!(c, b' ' | b'\t')).count();
            &b[n..]
        };
        let fence_like = |t: &[u8]| t.starts_with(b"```") || t.starts_with(b"~~~");
        if let Some((ch, n)) = fence {
            let run = leading(ch);
            if run >= n && b[run..].iter().all(u8::is_ascii_whitespace) {
                fence = None;
            } else if matches!(first, b' ' | b'\t') && fence_like(trimmed()) {
                // An indented line that may close it: not followed here.
                return Vec::new();
            }
            continue;
        }
        match first {
            b'`' | b'~' => {
                let run = leading(first);
                if run >= 3 {
                    // A backtick line holding another backtick is inline code, not a fence.
                    if first == b'`' && b[run..].contains(&b'`') {
                        return Vec::new();
                    }
                    fence = Some((first, run));
                }
            }
            // An HTML block, which a heading line may continue (and which comments and `<pre>`
            // keep open across blank lines).
            b'<' => return Vec::new(),
            b' ' | b'\t' => {
                let t = trimmed();
                // An indented fence (or code that holds one), or an indented HTML block.
                if fence_like(t) || (first == b' ' && leading(b' ') < 4 && t.starts_with(b"<")) {
                    return Vec::new();
                }
                if link_definition(b) {
                    return Vec::new();
                }
            }
            b'#' if start > 0 && atx(b) && start >= out.last().copied().unwrap_or(0) + min_run => {
                out.push(start);
            }
            b'[' | b'>' | b'-' | b'*' | b'+' | b'0'..=b'9' if link_definition(b) => {
                return Vec::new();
            }
            _ => {}
        }
    }
    out
}

/// Whether a line may hold a link reference definition (`[x]: url`), also inside a list item or
/// a quote: other runs would use it.
fn link_definition(b: &[u8]) -> bool {
    let n = b
        .iter()
        .take_while(|c| {
            c.is_ascii_whitespace()
                || c.is_ascii_digit()
                || matches!(c, b'>' | b'-' | b'*' | b'+' | b'.' | b')')
        })
        .count();
    b[n..].starts_with(b"[") && memchr::memmem::find(&b[n..], b"]:").is_some()
}

/// The fewest bytes a run holds (but the last): none, a body is cut at every heading it may be.
/// Looking a run up costs less than reading it, and an edit then reads again only the sections it
/// touched: on huggingface/datasets' history, cutting at every heading did 7 % less work than
/// runs of at least 2 KiB, and 1.5 % less than runs of at least 128 bytes.
pub(crate) const MIN_RUN: usize = 0;

/// An ATX heading line written at the start of its line: `#` to `######`, then a space, a tab or
/// the end of the line.
fn atx(b: &[u8]) -> bool {
    let n = b.iter().take_while(|&&c| c == b'#').count();
    (1..=6).contains(&n) && matches!(b.get(n), None | Some(b' ' | b'\t' | b'\n' | b'\r'))
}

/// The most text whose runs are remembered at a time: past it, the older half is forgotten. On
/// huggingface/datasets, 12 MiB keeps 60 % of run bytes from being read again and 6 MiB about a
/// third, for about 4 % more work; the memory the larger costs came from libgit2's cache, which
/// keeps no trees (`main.rs`).
const REMEMBERED: usize = 12 << 20;

use crate::memo::TextKey;

static MEMO: crate::memo::TextMemo<Arc<Run>> = crate::memo::TextMemo::new(REMEMBERED);

/// The run of this text, read by `read` unless remembered, and the text's key.
pub(crate) fn run_of(text: &str, read: impl FnOnce(&str) -> Run) -> (TextKey, Arc<Run>) {
    let key = crate::memo::text_key(text);
    let run = MEMO.get_or_by(
        key,
        |r| r.weight(text),
        || {
            let mut r = read(text);
            r.shrink();
            Arc::new(r)
        },
    );
    (key, run)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_at_headings_outside_fences_only() {
        let body = "intro\n# A\ntext\n```\n# not a heading\n```\n## B\n#no\n####### no\n### C";
        let c = cuts(body, 0);
        let at: Vec<&str> = c.iter().map(|&i| &body[i..i + 3]).collect();
        assert_eq!(at, ["# A", "## ", "###"]);
    }

    #[test]
    fn what_may_hide_a_heading_keeps_the_body_whole() {
        for body in [
            "# A\n<!--\n# B\n-->\n",
            "# A\n  <div>\n# B\n",
            "# A\n- x\n  ```\n# B\n",
            "# A\n[x]: http://example.com\n# B\n",
            "# A\n- [x]: http://example.com\n# B\n",
            "# A\n```x`y\n# B\n",
        ] {
            assert!(cuts(body, 0).is_empty(), "{body:?}");
        }
        // A fence closed by a longer one, and a tilde fence holding backticks.
        assert_eq!(cuts("# A\n````\n```\n# no\n`````\n# B\n", 0).len(), 1);
        assert_eq!(cuts("# A\n~~~\n```\n# no\n~~~\n# B\n", 0).len(), 1);
        // Inline code and a fence inside a quote end where the heading starts.
        assert_eq!(cuts("# A\nsee ```code```\n> ```\n# B\n", 0).len(), 1);
    }

    #[test]
    fn a_run_holds_at_least_its_share() {
        let body = "# A\nxxxx\n# B\nyy\n# C\nzzzzzzzz\n# D\n";
        // Runs of at least 10 bytes: "# A…# B…" (16), "# C…" (13), then the rest.
        assert_eq!(cuts(body, 10), [16, 29]);
        assert_eq!(cuts(body, 0), [9, 16, 29]);
        assert!(cuts(body, 100).is_empty());
    }
}
