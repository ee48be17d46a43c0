/// Maps byte offsets to 1-based lines and columns (columns count characters, as editors do).
///
/// Columns on very long lines are counted from the nearest checkpoint, not from the line's start, so
/// many findings on one huge line cost no more than the line itself.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// (byte offset, characters from its line's start), every `CHECKPOINT` bytes of lines longer
    /// than that; sorted by offset.
    checkpoints: Vec<(usize, usize)>,
}

const CHECKPOINT: usize = 4096;

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        let mut checkpoints = Vec::new();
        for (i, &start) in starts.iter().enumerate() {
            let end = starts.get(i + 1).copied().unwrap_or(text.len());
            if end - start <= CHECKPOINT {
                continue;
            }
            let (mut at, mut chars) = (start, 0);
            while end - at > CHECKPOINT {
                let next = crate::text::floor_boundary(text, at + CHECKPOINT);
                chars += text[at..next].chars().count();
                at = next;
                checkpoints.push((at, chars));
            }
        }
        LineIndex {
            starts,
            checkpoints,
        }
    }

    /// The 1-based line and column of a byte offset.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let mut start = self.starts[line];
        let mut before = 0;
        let k = self.checkpoints.partition_point(|&(o, _)| o <= offset);
        if k > 0 {
            let (o, c) = self.checkpoints[k - 1];
            if o >= start {
                start = o;
                before = c;
            }
        }
        let end = crate::text::floor_boundary(text, offset).max(start);
        let col = before + text[start..end].chars().count() + 1;
        (line + 1, col)
    }

    /// The byte offset where a 1-based line starts.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).copied()
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let text = "a: 1\nbé: 2\r\nc: 3";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), (1, 1));
        assert_eq!(idx.line_col(text, 5), (2, 1));
        assert_eq!(idx.line_col(text, text.find(": 2").unwrap()), (2, 3));
        assert_eq!(idx.line_col(text, text.len()), (3, 5));
    }

    #[test]
    fn columns_on_long_lines_match_a_plain_count() {
        let line: String = (0..3000)
            .map(|i| if i % 7 == 0 { "é, " } else { "ab, " })
            .collect();
        let text = format!("x\n{line}\n{line}z\n");
        let idx = LineIndex::new(&text);
        for off in (0..text.len()).step_by(97).chain([text.len()]) {
            let (l, c) = idx.line_col(&text, off);
            let ls = idx.line_start(l).unwrap();
            let mut end = off.min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            assert_eq!(c, text[ls..end].chars().count() + 1, "offset {off}");
        }
    }
}
