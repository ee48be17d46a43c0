use std::collections::HashMap;

/// Where each JSON Pointer of a document was written: pointer → byte range in the file.
#[derive(Debug, Clone, Default)]
pub struct Spans {
    map: HashMap<String, (usize, usize)>,
}

impl Spans {
    pub fn insert(&mut self, pointer: String, start: usize, end: usize) {
        self.map.entry(pointer).or_insert((start, end));
    }

    /// The span of a pointer, or of its longest existing prefix (so a missing key lands on its parent).
    pub fn locate(&self, pointer: &str) -> Option<(usize, usize)> {
        let mut p = pointer;
        loop {
            if let Some(span) = self.map.get(p) {
                return Some(*span);
            }
            if p.is_empty() {
                return None;
            }
            p = match p.rfind('/') {
                Some(i) => &p[..i],
                None => "",
            };
        }
    }

    /// The span recorded for exactly this pointer.
    pub fn exact(&self, pointer: &str) -> Option<(usize, usize)> {
        self.map.get(pointer).copied()
    }

    /// Shift every span by `by` bytes (front matter lives after the `---` line).
    pub fn offset(&mut self, by: usize) {
        for span in self.map.values_mut() {
            span.0 += by;
            span.1 += by;
        }
    }

    /// Move every pointer under `prefix`.
    pub fn nest(self, prefix: &str) -> Spans {
        Spans {
            map: self
                .map
                .into_iter()
                .map(|(k, v)| (format!("{prefix}{k}"), v))
                .collect(),
        }
    }

    pub fn extend(&mut self, other: Spans) {
        for (k, v) in other.map {
            self.map.entry(k).or_insert(v);
        }
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// Escape one reference token (RFC 6901).
pub fn escape_token(token: &str) -> String {
    if token.contains(['~', '/']) {
        token.replace('~', "~0").replace('/', "~1")
    } else {
        token.to_string()
    }
}

/// `join_pointer("/a", "b/c")` → `/a/b~1c`.
pub fn join_pointer(base: &str, token: &str) -> String {
    let mut s = String::with_capacity(base.len() + token.len() + 1);
    s.push_str(base);
    s.push('/');
    s.push_str(&escape_token(token));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_falls_back_to_parent() {
        let mut s = Spans::default();
        s.insert(String::new(), 0, 10);
        s.insert("/a".into(), 2, 5);
        assert_eq!(s.locate("/a/b/c"), Some((2, 5)));
        assert_eq!(s.locate("/x"), Some((0, 10)));
        assert_eq!(join_pointer("/a", "b/c~"), "/a/b~1c~0");
    }
}
