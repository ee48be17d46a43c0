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

/// A TOML problem: where (byte range) and what.
pub type TomlError = (Option<std::ops::Range<usize>>, String);

/// Deserialize TOML, collecting every unknown key, not only the first serde stops at: the key's
/// line is blanked (spans elsewhere stay valid) and parsing is tried again, so a file with three
/// unknown keys reports three problems. Gives up after 50 errors, or when blanking the
/// line does not move past the error (a value spanning several lines).
pub fn from_toml_all<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, Vec<TomlError>> {
    match from_toml_partial(text) {
        (Some(v), errors) if errors.is_empty() => Ok(v),
        (_, errors) => Err(errors),
    }
}

/// As [`from_toml_all`], but also sets aside a `key = value` line whose value has the wrong type,
/// and gives back what the rest of the file means, when it means something: so the caller can
/// still check the rest, and a file's problems are all reported at once (an unknown key does not
/// hide an invalid value three lines below). A "missing field" that only results from a line set
/// aside is not reported twice.
pub fn from_toml_partial<T: serde::de::DeserializeOwned>(
    text: &str,
) -> (Option<T>, Vec<TomlError>) {
    let mut work = text.to_string();
    let mut errors: Vec<TomlError> = Vec::new();
    let mut blanked_keys: Vec<String> = Vec::new();
    let done = |mut errors: Vec<TomlError>| {
        errors.sort_by_key(|(span, _)| span.as_ref().map_or(0, |s| s.start));
        errors
    };
    loop {
        match toml::from_str::<T>(&work) {
            Ok(v) => return (Some(v), done(errors)),
            Err(e) => {
                let span = e.span();
                let message = e.message().trim().to_string();
                if let Some(key) = missing_field(&message)
                    && blanked_keys.iter().any(|k| k == key)
                {
                    // Caused by a line already reported and set aside.
                    return (None, done(errors));
                }
                // A line can be set aside without changing what the rest means when its key is
                // unknown or its value has the wrong type.
                let local = message.starts_with("unknown field")
                    || message.starts_with("invalid type")
                    || message.starts_with("invalid value")
                    || message.starts_with("invalid length");
                errors.push((span.clone(), message));
                if !local {
                    return (None, done(errors));
                }
                let Some(span) = span else {
                    return (None, done(errors));
                };
                if errors.len() >= 50 {
                    return (None, done(errors));
                }
                let at = aimslint_artifacts::floor_boundary(&work, span.start);
                let start = work[..at].rfind('\n').map_or(0, |i| i + 1);
                let end = work[at..].find('\n').map_or(work.len(), |i| at + i);
                let line = &work[start..end];
                // Only a `key = value` line can be blanked without breaking what follows.
                if !line.contains('=') || line.trim_start().starts_with('[') {
                    return (None, done(errors));
                }
                if let Some((k, _)) = line.split_once('=') {
                    let k = k.trim().trim_matches('"').trim_matches('\'');
                    blanked_keys.push(k.rsplit('.').next().unwrap_or(k).to_string());
                }
                let blank: String = line
                    .chars()
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                work.replace_range(start..end, &blank);
            }
        }
    }
}

/// The field a serde "missing field `x`" message names.
fn missing_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("missing field `")?;
    rest.split('`').next()
}
