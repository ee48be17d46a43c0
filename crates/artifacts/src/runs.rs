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
//! a fence that is indented or inside a container; a link reference definition, which other runs
//! would need) makes the body one run. The tests compare the two readings on every text they
//! have, and on the constructs that stop a cut.

use std::sync::Arc;

/// What reading one run yields, at offsets from the run's start.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Run {
    /// Each heading: its title (inline text), level, and the span of its line(s).
    pub(crate) headings: Vec<(String, usize, usize, usize)>,
    /// Each heading's title and its own prose outside code, in order.
    pub(crate) outline: Vec<(String, String)>,
    /// Prose before the run's first heading (an earlier run's last heading owns it).
    pub(crate) lead: String,
    /// Each label (`label_at`): where its block starts, where the label ends, where its text
    /// starts, and the label.
    pub(crate) labels: Vec<(usize, usize, usize, String)>,
}

impl Run {
    /// Kept for long, a run holds no spare capacity.
    fn shrink(&mut self) {
        for (title, prose) in &mut self.outline {
            title.shrink_to_fit();
            prose.shrink_to_fit();
        }
        self.lead.shrink_to_fit();
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
pub(crate) fn cuts(body: &str, min_run: usize) -> Vec<usize> {
    let mut out = Vec::new();
    // An open fence: its character and length.
    let mut fence: Option<(u8, usize)> = None;
    let mut at = 0usize;
    for line in body.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let b = line.as_bytes();
        let (ticks, tildes) = fence_marks(b);
        if let Some((ch, n)) = fence {
            if (ticks || tildes) && !b.starts_with(&[ch; 3]) {
                // A fence line written otherwise (indented, inside a container) while one is open.
                return Vec::new();
            }
            let run = b.iter().take_while(|&&c| c == ch).count();
            if run >= n && line[run..].trim().is_empty() {
                fence = None;
            }
            continue;
        }
        if ticks || tildes {
            let ch = b[0];
            if !(ch == b'`' || ch == b'~') {
                // Inline code, or a fence indented or inside a list or quote.
                return Vec::new();
            }
            let run = b.iter().take_while(|&&c| c == ch).count();
            if run < 3 || (ch == b'`' && line[run..].contains('`')) {
                return Vec::new();
            }
            fence = Some((ch, run));
            continue;
        }
        let indent = b.iter().take(4).take_while(|&&c| c == b' ').count();
        let rest = &line[indent.min(3)..];
        // An HTML block (which a heading line may continue, and which comments and `<pre>` keep
        // open across blank lines), or a link reference definition (which other runs would use),
        // anywhere the line may start a block.
        if indent < 4 && rest.starts_with('<') {
            return Vec::new();
        }
        let bare = line.trim_start_matches(|c: char| {
            c.is_ascii_whitespace()
                || c.is_ascii_digit()
                || matches!(c, '>' | '-' | '*' | '+' | '.' | ')')
        });
        if bare.starts_with('[') && bare.contains("]:") {
            return Vec::new();
        }
        if start > 0 && atx(b) && start >= out.last().copied().unwrap_or(0) + min_run {
            out.push(start);
        }
    }
    out
}

/// The fewest bytes a run holds (but the last): looking a run up costs about what reading a short
/// section does, so a run holds a few. Two KiB keeps most of an edited card's runs unchanged.
pub(crate) const MIN_RUN: usize = 2048;

/// Whether a line holds three backticks in a row, and three tildes.
fn fence_marks(b: &[u8]) -> (bool, bool) {
    let (mut ticks, mut tildes) = (false, false);
    let mut from = 0;
    while let Some(i) = memchr::memchr2(b'`', b'~', &b[from..]) {
        let at = from + i;
        let c = b[at];
        let n = b[at..].iter().take_while(|&&x| x == c).count();
        if n >= 3 {
            if c == b'`' {
                ticks = true;
            } else {
                tildes = true;
            }
        }
        from = at + n;
    }
    (ticks, tildes)
}

/// An ATX heading line written at the start of its line: `#` to `######`, then a space, a tab or
/// the end of the line.
fn atx(b: &[u8]) -> bool {
    let n = b.iter().take_while(|&&c| c == b'#').count();
    (1..=6).contains(&n) && matches!(b.get(n), None | Some(b' ' | b'\t' | b'\n' | b'\r'))
}

/// The most text whose runs are remembered at a time: past it, the older half is forgotten. On
/// huggingface/datasets, 12 MiB kept 60 % of run bytes from being read again and 6 MiB about a
/// third, for about 4 % more work; 6 MiB keeps the peak memory of a history run 20 MiB lower.
const REMEMBERED: usize = 6 << 20;

static MEMO: crate::memo::TextMemo<Arc<Run>> = crate::memo::TextMemo::new(REMEMBERED);

/// The run of this text, read by `read` unless remembered.
pub(crate) fn run_of(text: &str, read: impl FnOnce(&str) -> Run) -> Arc<Run> {
    MEMO.get_or(
        text,
        |r| r.weight(text),
        || {
            let mut r = read(text);
            r.shrink();
            Arc::new(r)
        },
    )
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
            "# A\n> ```\n# B\n",
            "# A\n[x]: http://example.com\n# B\n",
            "# A\n- [x]: http://example.com\n# B\n",
            "# A\nsee ```code```\n# B\n",
            "# A\n```x`y\n# B\n",
        ] {
            assert!(cuts(body, 0).is_empty(), "{body:?}");
        }
        // A fence closed by a longer one, and a tilde fence holding backticks.
        assert_eq!(cuts("# A\n````\n```\n# no\n`````\n# B\n", 0).len(), 1);
        assert!(cuts("# A\n~~~\n```\n~~~\n# B\n", 0).is_empty());
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
