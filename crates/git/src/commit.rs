//! Commit objects parsed here, for history mode, as libgit2 parses them: a history walk reads
//! every commit of the line (and each one's parent again), and libgit2's parse and walk were the
//! part of a run that nothing else could start before.
//!
//! What is read is what `git2::Commit` gives for the same object: the tree, the parents, the
//! author's name and e-mail (trimmed of the same characters), the committer's time, the message
//! (leading newlines dropped) and its summary (the first paragraph, whitespace squashed as
//! libgit2 squashes it). A commit this parser does not read as libgit2 would (it refuses
//! anything off the format git writes) is left to libgit2, whose answer or error stands.

use git2::Oid;

/// What history mode reads of a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Parsed {
    pub tree: Oid,
    pub parents: Vec<Oid>,
    pub author: String,
    pub email: String,
    /// The committer's time, seconds since the epoch.
    pub time: i64,
    pub message: String,
    pub summary: String,
}

/// `git__isspace`.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// `tree <hex>\n` (or `parent …`) at the start of `buf`: the id, and what follows the line.
fn oid_header<'a>(buf: &'a [u8], field: &[u8]) -> Option<(Oid, &'a [u8])> {
    let rest = buf.strip_prefix(field)?;
    let hex = rest.get(..40)?;
    if rest.get(40) != Some(&b'\n') || !hex.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    let oid = Oid::from_str(std::str::from_utf8(hex).ok()?).ok()?;
    Some((oid, &rest[41..]))
}

/// The characters libgit2 trims from both ends of a name or e-mail.
fn is_crud(b: u8) -> bool {
    b <= 32 || matches!(b, b',' | b':' | b';' | b'<' | b'>' | b'"' | b'\\' | b'\'')
}

fn trimmed(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s
        && is_crud(*first)
    {
        s = rest;
    }
    while let [rest @ .., last] = s
        && is_crud(*last)
    {
        s = rest;
    }
    s
}

/// What a C string of these bytes holds: up to the first NUL.
fn c_str(s: &[u8]) -> &[u8] {
    s.iter().position(|&b| b == 0).map_or(s, |n| &s[..n])
}

/// A string as git2 gives it: the C string, when it is UTF-8; empty otherwise.
fn text(s: &[u8]) -> String {
    std::str::from_utf8(c_str(s))
        .unwrap_or_default()
        .to_string()
}

/// `git__strntol64` in base 10: the number `s` starts with (after white space, with a sign).
fn number(s: &[u8]) -> Option<i64> {
    let mut i = 0;
    while s.get(i).is_some_and(|&b| is_space(b)) {
        i += 1;
    }
    let neg = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let digits = s[i.min(s.len())..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits == 0 {
        return None;
    }
    let mut n: i64 = 0;
    for &b in &s[i..i + digits] {
        let v = i64::from(b - b'0');
        n = n.checked_mul(10)?;
        n = if neg {
            n.checked_sub(v)?
        } else {
            n.checked_add(v)?
        };
    }
    Some(n)
}

/// A signature's name, e-mail and time, and what follows its line.
type Signature<'a> = (&'a [u8], &'a [u8], i64, &'a [u8]);

/// A signature line (`author Name <email> 1700000000 +0100`).
fn signature<'a>(buf: &'a [u8], field: &[u8]) -> Option<Signature<'a>> {
    let eol = memchr::memchr(b'\n', buf)?;
    let line = &buf[..eol];
    if field.len() >= line.len() || !line.starts_with(field) {
        return None;
    }
    let sig = &line[field.len()..];
    let open = memchr::memrchr(b'<', sig)?;
    let close = memchr::memrchr(b'>', sig)?;
    if close <= open {
        return None;
    }
    let name = trimmed(&sig[..open]);
    let email = trimmed(&sig[open + 1..close]);
    let time = if close + 2 < sig.len() {
        number(&sig[close + 2..])?
    } else {
        0
    };
    Some((name, email, time, &buf[eol + 1..]))
}

/// `git_commit_summary` of a message: its first paragraph, each run of white space holding a
/// newline made one space.
fn summary(msg: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut space: Option<(usize, bool)> = None;
    for (i, &c) in msg.iter().enumerate() {
        if c == b'\n' {
            let Some(&next) = msg.get(i + 1) else { break };
            if next == b'\n' {
                break;
            }
            let rest = msg[i + 1..].iter().find(|&&b| !(is_space(b) && b != b'\n'));
            if rest.is_none_or(|&b| b == b'\n') {
                break;
            }
        }
        if is_space(c) {
            space.get_or_insert((i, false)).1 |= c == b'\n';
        } else {
            if let Some((start, newline)) = space.take() {
                if newline {
                    out.push(b' ');
                } else {
                    out.extend_from_slice(&msg[start..i]);
                }
            }
            out.push(c);
        }
    }
    out
}

/// A commit's parents as `parse` reads them, reading no further than its parent lines (none when
/// it does not start with a tree line).
pub(crate) fn parents(data: &[u8]) -> Option<Vec<Oid>> {
    let (_, mut buf) = oid_header(data, b"tree ")?;
    let mut parents = Vec::new();
    while let Some((p, rest)) = oid_header(buf, b"parent ") {
        parents.push(p);
        buf = rest;
    }
    Some(parents)
}

/// A commit object's content parsed as libgit2 parses it; none when libgit2 would refuse it or
/// this parser is not sure to read it alike.
pub(crate) fn parse(data: &[u8]) -> Option<Parsed> {
    let (tree, mut buf) = oid_header(data, b"tree ")?;
    let mut parents = Vec::new();
    while let Some((p, rest)) = oid_header(buf, b"parent ") {
        parents.push(p);
        buf = rest;
    }
    let (name, email, _, rest) = signature(buf, b"author ")?;
    buf = rest;
    // Some tools write more than one author: the first counts.
    while buf.starts_with(b"author ") {
        buf = signature(buf, b"author ")?.3;
    }
    let (_, _, time, rest) = signature(buf, b"committer ")?;
    buf = rest;
    // Other header lines (encoding, gpgsig and its continuation lines, …) up to the blank line.
    let start = data.len() - buf.len();
    let mut at = start;
    while at < data.len() {
        if data[at - 1] == b'\n' && data[at] == b'\n' {
            break;
        }
        at = memchr::memchr(b'\n', &data[at..]).map_or(data.len(), |n| at + n + 1);
    }
    let raw = data.get(at + 1..).unwrap_or_default();
    // `git_commit_message`: the C string of the raw message, leading newlines dropped.
    let raw = c_str(raw);
    let message = &raw[raw.iter().take_while(|&&b| b == b'\n').count()..];
    Some(Parsed {
        tree,
        parents,
        author: text(name),
        email: text(email),
        time,
        message: text(message),
        summary: text(&summary(message)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TREE: &str = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
    const PARENT: &str = "1111111111111111111111111111111111111111";

    fn commit(headers: impl AsRef<[u8]>, message: &[u8]) -> Vec<u8> {
        let mut c = format!("tree {TREE}\n").into_bytes();
        c.extend_from_slice(headers.as_ref());
        c.extend_from_slice(message);
        c
    }

    /// The same fields as libgit2 gives for the same object, or a refusal where libgit2 refuses.
    #[test]
    fn commits_parse_as_libgit2_parses_them() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        let odb = repo.odb().unwrap();
        let sig = "author A U Thor <a@example.com> 1700000000 +0100\ncommitter C <c@example.com> 1700000100 -0230\n";
        let cases: Vec<Vec<u8>> = vec![
            commit(sig, b"\nSubject line\n\nBody.\n"),
            commit(
                format!("parent {PARENT}\nparent {TREE}\n{sig}"),
                b"\nMerge\n",
            ),
            commit(
                sig,
                b"\n\n\nLeading newlines\n  and a wrapped\tline\n\nbody",
            ),
            commit(
                sig,
                b"\n  Leading  spaces \t kept\ttabs  \n \t \nnext paragraph",
            ),
            commit(sig, b"\nOne line, no newline"),
            commit(sig, b"\nCRLF line\r\nsecond\r\n\r\nthird\r\n"),
            commit(sig, b"\n"),
            commit(sig, b""),
            commit(sig, b"\nNUL \0 inside\n"),
            commit(sig, b"\nNot UTF-8 \xff in the body\n\nok"),
            commit(sig, b"\nSummary\n\nbody \xff"),
            commit(
                format!(
                    "{sig}encoding ISO-8859-1\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n abc\n -----END PGP SIGNATURE-----\n"
                ),
                b"\nSigned\n",
            ),
            commit(
                "author First <f@x> 1 +0000\nauthor Second <s@x> 2 +0000\ncommitter C <c@x> 3 +0000\n",
                b"\nTwo authors\n",
            ),
            commit(
                "author  \"Quoted, Name;\" <<weird@x>> 5\ncommitter C <c@x>   +42 +99999\n",
                b"\nCrud\n",
            ),
            commit(
                b"author \xffName <n@x> 1 +0000\ncommitter C <c@x> 7\n",
                b"\nBytes\n",
            ),
            commit(
                "author Nobody 1 +0000\ncommitter C <c@x> 7 +0000\n",
                b"\nNo e-mail\n",
            ),
            commit(
                "author A <a@x> x +0000\ncommitter C <c@x> 7 +0000\n",
                b"\nBad time\n",
            ),
            commit(
                "author A <a@x> 1 +0000\ncommitter C <c@x>\n",
                b"\nNo time\n",
            ),
            commit("author A <a@x> 1 +0000\n", b"\nNo committer\n"),
            format!("tree {TREE}x\n{sig}\nBad tree").into_bytes(),
        ];
        let mut parsed_some = 0;
        for raw in &cases {
            let id = odb.write(git2::ObjectType::Commit, raw).unwrap();
            let ours = parse(raw);
            match repo.find_commit(id) {
                Ok(c) => {
                    let want = Parsed {
                        tree: c.tree_id(),
                        parents: c.parent_ids().collect(),
                        author: c.author().name().unwrap_or_default().to_string(),
                        email: c.author().email().unwrap_or_default().to_string(),
                        time: c.committer().when().seconds(),
                        message: c.message().unwrap_or_default().to_string(),
                        summary: c.summary().ok().flatten().unwrap_or_default().to_string(),
                    };
                    assert_eq!(parents(raw).as_ref(), Some(&want.parents));
                    assert_eq!(ours, Some(want), "{}", String::from_utf8_lossy(raw));
                    parsed_some += 1;
                }
                Err(_) => assert_eq!(ours, None, "{}", String::from_utf8_lossy(raw)),
            }
        }
        assert!(parsed_some >= 15, "{parsed_some}");
    }

    #[test]
    fn numbers_as_libgit2_reads_them() {
        assert_eq!(number(b"  +42 x"), Some(42));
        assert_eq!(number(b"-7"), Some(-7));
        assert_eq!(number(b"x"), None);
        assert_eq!(number(b"99999999999999999999"), None);
        assert_eq!(number(b""), None);
    }
}
