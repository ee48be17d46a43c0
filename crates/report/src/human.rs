use std::fmt;
use std::io::{self, Write};

use aimslint_engine::{Ended, Finding, HistoryInfo, Outcome};
use aimslint_packs::Severity;
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use crate::{Meta, Reporter};

/// Diagnostics with the snippet underlined, the rule, its controls and how to fix it.
#[derive(Debug)]
pub struct Human;

struct FindingDiag<'a> {
    f: &'a Finding,
    src: Option<Window>,
    help: String,
}

/// The part of a file a snippet shows: a few lines around the span, and on a very long line only
/// the stretch around it — never the whole file, whatever its size or the number of findings.
struct Window {
    name: String,
    text: String,
    /// Byte offset of `text` in the file.
    base: usize,
    /// 0-based line of `text`'s first line in the file.
    first_line: usize,
    /// Characters of that line before `text` starts (the line was cut on the left).
    cut_chars: usize,
}

/// Context kept on each side of a span.
const WINDOW_LINES: usize = 2;
const WINDOW_LINE_BYTES: usize = 160;
const WINDOW_MAX_SPAN: usize = 512;

impl Window {
    fn around(name: &str, file: &str, span: (usize, usize)) -> Window {
        let floor = aimslint_artifacts::floor_boundary;
        let ceil = aimslint_artifacts::ceil_boundary;
        let start = floor(file, span.0);
        let end = floor(file, span.1.max(start).min(start + WINDOW_MAX_SPAN));
        // Whole lines around the span…
        let mut lo = file[..start].rfind('\n').map_or(0, |i| i + 1);
        for _ in 0..WINDOW_LINES {
            if lo == 0 {
                break;
            }
            lo = file[..lo - 1].rfind('\n').map_or(0, |i| i + 1);
        }
        let mut hi = file[end..].find('\n').map_or(file.len(), |i| end + i);
        for _ in 0..WINDOW_LINES {
            if hi >= file.len() {
                break;
            }
            hi = file[hi + 1..].find('\n').map_or(file.len(), |i| hi + 1 + i);
        }
        // …but no more than a stretch of a very long line on either side.
        let line_start = file[..start].rfind('\n').map_or(0, |i| i + 1);
        let mut cut_chars = 0;
        if start - lo > WINDOW_LINES * WINDOW_LINE_BYTES * 2
            || start - line_start > WINDOW_LINE_BYTES
        {
            let from = if start - line_start > WINDOW_LINE_BYTES {
                floor(file, start - WINDOW_LINE_BYTES)
            } else {
                line_start
            };
            cut_chars = file[line_start..from].chars().count();
            lo = from;
        }
        if hi - end > WINDOW_LINE_BYTES {
            hi = ceil(file, end + WINDOW_LINE_BYTES).min(hi);
        }
        let first_line = file[..lo].matches('\n').count();
        Window {
            name: name.to_string(),
            text: printable(&file[lo..hi]),
            base: lo,
            first_line,
            cut_chars,
        }
    }
}

/// The text with every control character but line breaks and tabs replaced by one of the same
/// length in bytes (so spans stay where they are): a file cannot send a terminal escape, a NUL or
/// a carriage return that rewrites the line to the terminal through a snippet.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\t' => c,
            c if c.is_control() && c.len_utf8() == 1 => ' ',
            c if c.is_control() => '\u{b7}',
            c => c,
        })
        .collect()
}

/// A message with control characters (from a value in a file) shown as their escapes.
pub(crate) fn printable_message(m: &str) -> String {
    m.chars()
        .flat_map(|c| match c {
            '\n' => vec!['\n'],
            c if c.is_control() => c.escape_default().collect(),
            c => vec![c],
        })
        .collect()
}

impl SourceCode for Window {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let off = span.offset().saturating_sub(self.base).min(self.text.len());
        let len = span.len().min(self.text.len() - off);
        let local = SourceSpan::new(off.into(), len);
        let inner = self.text.read_span(&local, before, after)?;
        let column = if inner.line() == 0 {
            inner.column() + self.cut_chars
        } else {
            inner.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::new(
                (inner.span().offset() + self.base).into(),
                inner.span().len(),
            ),
            inner.line() + self.first_line,
            column,
            inner.line_count(),
        )))
    }
}

impl fmt::Debug for FindingDiag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.f.message)
    }
}

impl fmt::Display for FindingDiag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.f.message)
    }
}

impl std::error::Error for FindingDiag<'_> {}

impl Diagnostic for FindingDiag<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.f.rule))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.f.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        if self.help.is_empty() {
            None
        } else {
            Some(Box::new(&self.help))
        }
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.src.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (s, e) = self.f.span?;
        let w = self.src.as_ref()?;
        let e = e.min(s + WINDOW_MAX_SPAN).min(w.base + w.text.len());
        let label = match &self.f.commit {
            Some(c) => format!("{} @ {}", self.f.rule, &c[..c.len().min(12)]),
            None => self.f.rule.clone(),
        };
        Some(Box::new(std::iter::once(LabeledSpan::new(
            Some(label),
            s,
            e.saturating_sub(s),
        ))))
    }
}

impl Reporter for Human {
    fn report(&self, outcome: &Outcome, meta: &Meta<'_>, out: &mut dyn Write) -> io::Result<()> {
        let theme = if meta.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(100)
            .with_links(false);
        for f in &outcome.findings {
            let mut help = String::new();
            if !f.help.is_empty() {
                help.push_str(&f.help);
            }
            if !f.controls.is_empty() {
                let labels: Vec<String> =
                    f.controls.iter().map(|c| meta.control_label(c)).collect();
                help.push_str(&format!("\ncontrols: {}", labels.join(", ")));
            }
            if let Some(w) = &f.waived {
                help.push_str(&format!(
                    "\nwaived until {} (owner {}): {}",
                    w.expires, w.owner, w.reason
                ));
            }
            let shown_path = aimslint_artifacts::quote_path(&f.path);
            let src = f
                .blob
                .as_ref()
                .and_then(|b| outcome.sources.get(b))
                .or_else(|| outcome.sources.get(&f.path))
                .zip(f.span)
                .map(|(t, span)| Window::around(&shown_path, t, span));
            if let Some(h) = &outcome.history {
                help.push_str(&lifecycle(f, h));
            }
            let message = printable_message(&f.message);
            let ended = match f.ended() {
                Some((Ended::Fixed, _)) => "[fixed] ",
                Some((Ended::Removed, _)) => "[removed] ",
                Some((Ended::Obscured, _)) => "[obscured] ",
                None => "",
            };
            let title = if f.waived.is_some() {
                format!("{ended}[waived] {message}")
            } else {
                format!("{ended}{message}")
            };
            let shown = Finding {
                message: title,
                ..f.clone()
            };
            let diag = FindingDiag {
                f: &shown,
                src,
                help,
            };
            let mut s = String::new();
            handler
                .render_report(&mut s, &diag)
                .map_err(|e| io::Error::other(e.to_string()))?;
            if diag.src.is_none() {
                // No snippet: still say where.
                s = format!("{}:{}:{}\n{s}", shown_path, f.line, f.column);
            }
            out.write_all(s.as_bytes())?;
            writeln!(out)?;
        }
        if let Some(h) = &outcome.history {
            writeln!(out, "{}", history_summary(outcome, h))?;
        }
        let sum = outcome.summary();
        if sum.findings == 0 {
            write!(out, "No findings")?;
        } else {
            write!(
                out,
                "{} finding{} ({} error{}, {} warning{}, {} info)",
                sum.findings,
                plural(sum.findings),
                sum.errors,
                plural(sum.errors),
                sum.warnings,
                plural(sum.warnings),
                sum.infos
            )?;
        }
        if sum.waived > 0 {
            write!(out, ", {} waived", sum.waived)?;
        }
        let unsupported = outcome
            .artifacts
            .iter()
            .filter(|a| a.status == aimslint_engine::ArtifactStatus::Unsupported)
            .count();
        writeln!(
            out,
            " in {} evidence file{} as of {}{}.",
            sum.artifacts,
            plural(sum.artifacts),
            meta.as_of,
            if unsupported > 0 {
                format!(" ({unsupported} in formats not yet read: see --format json)")
            } else {
                String::new()
            }
        )?;
        if sum.artifacts == 0 {
            writeln!(
                out,
                "No evidence found: no file of an evidence kind was checked."
            )?;
        }
        Ok(())
    }
}

/// A commit as the output names it: its short id, date and summary.
fn commit_label(h: &HistoryInfo, id: &str) -> String {
    let short = &id[..id.len().min(12)];
    match h.commits_named.get(id) {
        Some(c) => format!(
            "{short} ({}, \"{}\")",
            c.date,
            printable_message(&c.summary)
        ),
        None => short.to_string(),
    }
}

/// Help lines of a history finding: the commit that introduced it, and how and where it ended.
fn lifecycle(f: &Finding, h: &HistoryInfo) -> String {
    let mut out = String::new();
    if let Some(c) = &f.commit {
        out.push_str(&format!("\nintroduced in {}", commit_label(h, c)));
    }
    match f.ended() {
        Some((Ended::Fixed, c)) => out.push_str(&format!("\nfixed in {}", commit_label(h, c))),
        Some((Ended::Removed, c)) => out.push_str(&format!(
            "\nremoved in {}: the file was deleted or moved out of the evidence (not a fix)",
            commit_label(h, c)
        )),
        Some((Ended::Obscured, c)) => out.push_str(&format!(
            "\nobscured in {}: the file no longer parses, so this cannot be judged (not a fix)",
            commit_label(h, c)
        )),
        None => {}
    }
    out
}

/// The history line of the summary: what was walked, and what became of the findings.
fn history_summary(outcome: &Outcome, h: &HistoryInfo) -> String {
    let (mut open, mut fixed, mut removed, mut obscured) = (0, 0, 0, 0);
    for f in outcome.findings.iter().filter(|f| f.waived.is_none()) {
        match f.ended() {
            None => open += 1,
            Some((Ended::Fixed, _)) => fixed += 1,
            Some((Ended::Removed, _)) => removed += 1,
            Some((Ended::Obscured, _)) => obscured += 1,
        }
    }
    let mut ended = vec![format!("{fixed} fixed")];
    if removed > 0 {
        ended.push(format!("{removed} removed with their file"));
    }
    if obscured > 0 {
        ended.push(format!(
            "{obscured} obscured by a file that no longer parses"
        ));
    }
    format!(
        "History: {} commit{} walked, {} file version{} judged; {open} finding{} still open, {}.",
        h.commits,
        plural(h.commits),
        h.blobs,
        plural(h.blobs),
        plural(open),
        ended.join(", ")
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
