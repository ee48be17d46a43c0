use std::fmt;
use std::io::{self, Write};

use aimslint_engine::{Finding, Outcome};
use aimslint_packs::Severity;
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};

use crate::{Meta, Reporter};

/// Diagnostics with the snippet underlined, the rule, its controls and how to fix it.
#[derive(Debug)]
pub struct Human;

struct FindingDiag<'a> {
    f: &'a Finding,
    src: Option<NamedSource<String>>,
    help: String,
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
        self.src.as_ref()?;
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
            let src = f
                .blob
                .as_ref()
                .and_then(|b| outcome.sources.get(b))
                .or_else(|| outcome.sources.get(&f.path))
                .map(|t| NamedSource::new(f.path.clone(), t.to_string()));
            let title = if f.waived.is_some() {
                format!("[waived] {}", f.message)
            } else {
                f.message.clone()
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
                s = format!("{}:{}:{}\n{s}", f.path, f.line, f.column);
            }
            out.write_all(s.as_bytes())?;
            writeln!(out)?;
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
        )
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
