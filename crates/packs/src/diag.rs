use std::fmt;

use miette::{Diagnostic, NamedSource, SourceSpan};

/// One problem in a pack or config file, pointing at its TOML span.
#[derive(Debug, Clone, Diagnostic)]
#[diagnostic(code(aimslint::pack))]
pub struct PackDiagnostic {
    pub file: String,
    pub message: String,
    #[source_code]
    pub src: NamedSource<String>,
    #[label("{label}")]
    pub span: Option<SourceSpan>,
    pub label: String,
    #[help]
    pub help: Option<String>,
}

impl fmt::Display for PackDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl std::error::Error for PackDiagnostic {}

impl PackDiagnostic {
    pub fn new(
        file: &str,
        text: &str,
        span: Option<std::ops::Range<usize>>,
        message: impl Into<String>,
    ) -> Self {
        let message = message.into();
        PackDiagnostic {
            file: file.to_string(),
            src: NamedSource::new(file, text.to_string()),
            span: span.map(|r| SourceSpan::from(r.start..r.end.max(r.start))),
            label: "here".into(),
            message,
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The 1-based line the diagnostic points at, if it has a span.
    pub fn line(&self) -> Option<usize> {
        let span = self.span?;
        let text = self.src.inner();
        Some(text[..span.offset().min(text.len())].matches('\n').count() + 1)
    }
}

/// Every problem found while loading packs or config.
#[derive(Debug, Clone, Default)]
pub struct PackErrors(pub Vec<PackDiagnostic>);

impl fmt::Display for PackErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} problem(s) in policy packs or configuration",
            self.0.len()
        )
    }
}

impl std::error::Error for PackErrors {}

impl Diagnostic for PackErrors {
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        Some(Box::new(self.0.iter().map(|d| d as &dyn Diagnostic)))
    }
}
