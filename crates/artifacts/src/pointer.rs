use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

use foldhash::fast::RandomState;

/// Where each JSON Pointer of a document was written: pointer → byte range in the file.
///
/// The table is a tree of reference tokens, not a map of pointer strings: each node keeps its
/// parent and its own (escaped) token, so its memory is linear in the document whatever the keys
/// are. A map of whole pointers would hold a key once per descendant: a 1 MB key over 5,000
/// children is 5 GB of pointers. A lookup walks the tree one token at a time.
#[derive(Debug, Clone)]
pub struct Spans {
    /// Node 0 is the root (the pointer ``); a node's parent always comes before it.
    nodes: Vec<Node>,
    /// The escaped tokens of all nodes, back to back.
    tokens: String,
    /// `hash(parent, token)` → the last node created with that hash; the others it collides with
    /// are chained through [`Node::next`].
    index: HashMap<u64, usize, BuildHasherDefault<Prehashed>>,
    hasher: RandomState,
    /// Nodes with a span.
    with_span: usize,
}

#[derive(Debug, Clone)]
struct Node {
    parent: usize,
    /// The escaped token: `tokens[start..end]`.
    token: (usize, usize),
    span: Option<(usize, usize)>,
    /// The next node whose (parent, token) hashes the same, or [`NONE`].
    next: usize,
}

const NONE: usize = usize::MAX;
pub(crate) const ROOT: usize = 0;

/// The index's keys are hashes already.
#[derive(Debug, Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

impl Default for Spans {
    fn default() -> Self {
        Spans {
            nodes: vec![Node {
                parent: NONE,
                token: (0, 0),
                span: None,
                next: NONE,
            }],
            tokens: String::new(),
            index: HashMap::default(),
            hasher: RandomState::default(),
            with_span: 0,
        }
    }
}

impl Spans {
    fn hash(&self, parent: usize, escaped: &str) -> u64 {
        self.hasher.hash_one((parent, escaped))
    }

    fn token(&self, node: usize) -> &str {
        let (s, e) = self.nodes[node].token;
        &self.tokens[s..e]
    }

    /// The child of `parent` whose escaped token is `escaped`, if there is one.
    fn find(&self, parent: usize, escaped: &str) -> Option<usize> {
        let mut at = *self.index.get(&self.hash(parent, escaped))?;
        while at != NONE {
            if self.nodes[at].parent == parent && self.token(at) == escaped {
                return Some(at);
            }
            at = self.nodes[at].next;
        }
        None
    }

    /// The child of `parent` with the escaped token `escaped`, made if it does not exist yet.
    fn child_escaped(&mut self, parent: usize, escaped: &str) -> usize {
        let h = self.hash(parent, escaped);
        let head = self.index.get(&h).copied().unwrap_or(NONE);
        let mut at = head;
        while at != NONE {
            if self.nodes[at].parent == parent && self.token(at) == escaped {
                return at;
            }
            at = self.nodes[at].next;
        }
        let start = self.tokens.len();
        self.tokens.push_str(escaped);
        let id = self.nodes.len();
        self.nodes.push(Node {
            parent,
            token: (start, self.tokens.len()),
            span: None,
            next: head,
        });
        self.index.insert(h, id);
        id
    }

    /// The node of the member `key` (unescaped) of `parent`.
    pub(crate) fn child(&mut self, parent: usize, key: &str) -> usize {
        if key.contains(['~', '/']) {
            self.child_escaped(parent, &escape_token(key))
        } else {
            self.child_escaped(parent, key)
        }
    }

    /// The node of element `idx` of `parent`.
    pub(crate) fn element(&mut self, parent: usize, idx: usize) -> usize {
        let mut buf = itoa_buf();
        let s = fmt_index(&mut buf, idx);
        self.child_escaped(parent, s)
    }

    /// Record where `node` was written, unless it already has a place (the first one wins).
    pub(crate) fn set(&mut self, node: usize, start: usize, end: usize) {
        let n = &mut self.nodes[node];
        if n.span.is_none() {
            n.span = Some((start, end));
            self.with_span += 1;
        }
    }

    /// The node of a pointer, made (with its ancestors) if need be; `None` for a string that is
    /// neither empty nor starts with `/`, which no JSON Pointer is.
    fn node_of(&mut self, pointer: &str) -> Option<usize> {
        if pointer.is_empty() {
            return Some(ROOT);
        }
        let rest = pointer.strip_prefix('/')?;
        let mut node = ROOT;
        for token in rest.split('/') {
            node = self.child_escaped(node, token);
        }
        Some(node)
    }

    /// Record where `pointer` (a JSON Pointer, already escaped) was written, unless it already has
    /// a place (the first one wins).
    pub fn insert(&mut self, pointer: String, start: usize, end: usize) {
        if let Some(node) = self.node_of(&pointer) {
            self.set(node, start, end);
        }
    }

    /// Like [`Spans::locate`], with the depth (the number of tokens) of the pointer whose span it
    /// is: tables of parts of one file are searched apart, and the deepest place wins.
    pub(crate) fn locate_depth(&self, pointer: &str) -> Option<(usize, (usize, usize))> {
        let mut best = self.nodes[ROOT].span.map(|s| (0, s));
        let Some(rest) = pointer.strip_prefix('/') else {
            return best;
        };
        let mut node = ROOT;
        for (depth, token) in rest.split('/').enumerate() {
            match self.find(node, token) {
                Some(c) => {
                    node = c;
                    if let Some(s) = self.nodes[c].span {
                        best = Some((depth + 1, s));
                    }
                }
                None => break,
            }
        }
        best
    }

    /// The span of a pointer, or of its longest existing prefix (so a missing key lands on its parent).
    pub fn locate(&self, pointer: &str) -> Option<(usize, usize)> {
        let mut best = self.nodes[ROOT].span;
        let Some(rest) = pointer.strip_prefix('/') else {
            return best;
        };
        let mut node = ROOT;
        for token in rest.split('/') {
            match self.find(node, token) {
                Some(c) => {
                    node = c;
                    best = self.nodes[c].span.or(best);
                }
                None => break,
            }
        }
        best
    }

    /// The span recorded for exactly this pointer.
    pub fn exact(&self, pointer: &str) -> Option<(usize, usize)> {
        if pointer.is_empty() {
            return self.nodes[ROOT].span;
        }
        let rest = pointer.strip_prefix('/')?;
        let mut node = ROOT;
        for token in rest.split('/') {
            node = self.find(node, token)?;
        }
        self.nodes[node].span
    }

    /// Shift every span by `by` bytes (front matter lives after the `---` line).
    pub fn offset(&mut self, by: usize) {
        for span in self.nodes.iter_mut().filter_map(|n| n.span.as_mut()) {
            span.0 += by;
            span.1 += by;
        }
    }

    /// Copy `other`'s nodes under `at`, keeping the places this table already has.
    fn graft(&mut self, at: usize, other: &Spans) {
        let mut map = Vec::with_capacity(other.nodes.len());
        map.push(at);
        for (i, n) in other.nodes.iter().enumerate().skip(1) {
            let node = self.child_escaped(map[n.parent], other.token(i));
            map.push(node);
        }
        for (i, n) in other.nodes.iter().enumerate() {
            if let Some((s, e)) = n.span {
                self.set(map[i], s, e);
            }
        }
    }

    /// Move every pointer under `prefix`.
    pub fn nest(self, prefix: &str) -> Spans {
        let mut out = Spans::default();
        match out.node_of(prefix) {
            Some(at) => out.graft(at, &self),
            None => return self,
        }
        out
    }

    pub fn extend(&mut self, other: Spans) {
        self.graft(ROOT, &other);
    }

    /// Bytes held for reference tokens: what a long key costs the table.
    #[cfg(test)]
    pub(crate) fn token_bytes(&self) -> usize {
        self.tokens.len()
    }

    /// Every pointer of the table (escaped), in node order.
    #[cfg(test)]
    pub(crate) fn pointers(&self) -> Vec<String> {
        let mut out: Vec<String> = vec![String::new()];
        for i in 1..self.nodes.len() {
            let parent = out[self.nodes[i].parent].clone();
            out.push(format!("{parent}/{}", self.token(i)));
        }
        out
    }

    /// How many pointers have a place.
    pub fn len(&self) -> usize {
        self.with_span
    }

    pub fn is_empty(&self) -> bool {
        self.with_span == 0
    }
}

fn itoa_buf() -> [u8; 20] {
    [0; 20]
}

/// `idx` in decimal, without allocating.
fn fmt_index(buf: &mut [u8; 20], mut idx: usize) -> &str {
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + u8::try_from(idx % 10).unwrap_or(0);
        idx /= 10;
        if idx == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[at..]).unwrap_or("0")
}

/// The value a JSON pointer names, as `serde_json::Value::pointer` finds it, without building a
/// new string for every token that has nothing to unescape (nearly all of them).
pub fn value_at<'a>(value: &'a serde_json::Value, pointer: &str) -> Option<&'a serde_json::Value> {
    if pointer.is_empty() {
        return Some(value);
    }
    let rest = pointer.strip_prefix('/')?;
    rest.split('/').try_fold(value, |target, token| {
        let token = unescape_token(token);
        match target {
            serde_json::Value::Object(map) => map.get(token.as_ref()),
            serde_json::Value::Array(list) => {
                // As RFC 6901 (and serde_json) read an index: no sign, no leading zero.
                let t = token.as_ref();
                if t.starts_with('+') || (t.starts_with('0') && t.len() != 1) {
                    return None;
                }
                t.parse::<usize>().ok().and_then(|i| list.get(i))
            }
            _ => None,
        }
    })
}

/// Unescape one reference token (RFC 6901): `~1` is `/`, then `~0` is `~`.
pub fn unescape_token(token: &str) -> std::borrow::Cow<'_, str> {
    if token.contains('~') {
        std::borrow::Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        std::borrow::Cow::Borrowed(token)
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

    /// `value_at` finds what `serde_json::Value::pointer` finds, for every kind of token.
    #[test]
    fn value_at_reads_pointers_as_serde_json_does() {
        let v = serde_json::json!({
            "a": {"b/c": 1, "d~e": 2, "": 3, "~1": 4, "0": 5},
            "list": [10, 11, 12],
            "s": "x",
        });
        for p in [
            "",
            "/",
            "/a",
            "/a/b~1c",
            "/a/d~0e",
            "/a/",
            "/a/~01",
            "/a/0",
            "/a/x",
            "/list",
            "/list/0",
            "/list/2",
            "/list/3",
            "/list/01",
            "/list/+1",
            "/list/-",
            "/list/00",
            "/s",
            "/s/0",
            "a",
            "/a/b/c",
            "/~2",
            "/list/18446744073709551616",
        ] {
            assert_eq!(value_at(&v, p), v.pointer(p), "{p:?}");
        }
    }

    #[test]
    fn locate_falls_back_to_parent() {
        let mut s = Spans::default();
        s.insert(String::new(), 0, 10);
        s.insert("/a".into(), 2, 5);
        assert_eq!(s.locate("/a/b/c"), Some((2, 5)));
        assert_eq!(s.locate("/x"), Some((0, 10)));
        assert_eq!(join_pointer("/a", "b/c~"), "/a/b~1c~0");
    }

    /// The table answers every lookup as a map of whole pointer strings did: exact hits, the
    /// longest existing prefix (skipping prefixes that were never recorded themselves), escaped
    /// tokens, the empty key, pointers that are not pointers, nesting and merging.
    #[test]
    fn lookups_match_a_map_of_pointer_strings() {
        let recorded = [
            ("", (0, 1)),
            ("/a", (1, 2)),
            ("/a/b/c", (3, 4)),
            ("/a~1b", (5, 6)),
            ("/t~0x", (7, 8)),
            ("/", (9, 10)),
            ("//", (11, 12)),
            ("/list/0", (13, 14)),
            ("/list/10", (15, 16)),
            ("/a", (99, 99)),
        ];
        let mut spans = Spans::default();
        let mut map: HashMap<String, (usize, usize)> = HashMap::new();
        for (p, s) in recorded {
            spans.insert(p.to_string(), s.0, s.1);
            map.entry(p.to_string()).or_insert(s);
        }
        let reference = |pointer: &str| -> Option<(usize, usize)> {
            let mut p = pointer;
            loop {
                if let Some(s) = map.get(p) {
                    return Some(*s);
                }
                if p.is_empty() {
                    return None;
                }
                p = p.rfind('/').map_or("", |i| &p[..i]);
            }
        };
        let queries = [
            "",
            "/",
            "//",
            "///",
            "/a",
            "/a/b",
            "/a/b/c",
            "/a/b/c/d",
            "/a/b/x",
            "/a~1b",
            "/a/b~1c",
            "/a~1b/x",
            "/t~0x",
            "/t~x",
            "/t~1x",
            "/list/0",
            "/list/1",
            "/list/10",
            "/list/01",
            "/list/0/0",
            "a",
            "a/b",
            "/x/y",
        ];
        for q in queries {
            assert_eq!(spans.locate(q), reference(q), "locate {q:?}");
            assert_eq!(spans.exact(q), map.get(q).copied(), "exact {q:?}");
        }
        assert_eq!(spans.len(), map.len());

        let nested = spans.clone().nest("/meta");
        assert_eq!(nested.exact("/meta"), Some((0, 1)));
        assert_eq!(nested.exact("/meta/a/b/c"), Some((3, 4)));
        assert_eq!(nested.locate("/meta/a/b"), Some((1, 2)));
        assert_eq!(nested.locate("/other"), None);

        let mut merged = Spans::default();
        merged.insert("/a".into(), 50, 51);
        merged.extend(spans);
        assert_eq!(merged.exact("/a"), Some((50, 51)), "the first place wins");
        assert_eq!(merged.exact("/a/b/c"), Some((3, 4)));
        assert_eq!(merged.exact(""), Some((0, 1)));
        merged.offset(100);
        assert_eq!(merged.exact("/list/10"), Some((115, 116)));
    }

    /// One long key over many children is stored once, not once per child.
    #[test]
    fn a_long_key_is_stored_once() {
        let key = "k".repeat(1 << 20);
        let mut s = Spans::default();
        let parent = s.child(ROOT, &key);
        s.set(parent, 0, 1);
        for i in 0..5_000 {
            let c = s.element(parent, i);
            s.set(c, i, i + 1);
        }
        assert!(s.tokens.len() < (1 << 20) + 5_000 * 5, "{}", s.tokens.len());
        assert_eq!(s.exact(&format!("/{key}/4999")), Some((4999, 5000)));
        assert_eq!(s.locate(&format!("/{key}/5000")), Some((0, 1)));
    }

    #[test]
    fn indices_format() {
        let mut b = itoa_buf();
        assert_eq!(fmt_index(&mut b, 0), "0");
        assert_eq!(fmt_index(&mut b, 1234567), "1234567");
        assert_eq!(fmt_index(&mut b, usize::MAX), usize::MAX.to_string());
    }
}
