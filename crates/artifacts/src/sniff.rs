//! Content sniffing: what a file is, from its name and content, before any policy looks at it.

use std::fmt;

use serde_json::Value;

use crate::Parsed;

/// A recognised dialect of evidence file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Flavor {
    /// Markdown with a front-matter mapping that says neither model nor dataset (a Hugging Face
    /// repository's README with only `license:`, say).
    FrontMatter,
    HfModelCard,
    HfDatasetCard,
    MarkdownModelCard,
    MarkdownDatasetCard,
    CycloneDx,
    Spdx3,
    Croissant,
    Mct,
    Dvc,
    Mlflow,
    JsonSchema,
}

impl Flavor {
    pub const ALL: &'static [Flavor] = &[
        Flavor::FrontMatter,
        Flavor::HfModelCard,
        Flavor::HfDatasetCard,
        Flavor::MarkdownModelCard,
        Flavor::MarkdownDatasetCard,
        Flavor::CycloneDx,
        Flavor::Spdx3,
        Flavor::Croissant,
        Flavor::Mct,
        Flavor::Dvc,
        Flavor::Mlflow,
        Flavor::JsonSchema,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Flavor::FrontMatter => "front-matter",
            Flavor::HfModelCard => "hf-model-card",
            Flavor::HfDatasetCard => "hf-dataset-card",
            Flavor::MarkdownModelCard => "markdown-model-card",
            Flavor::MarkdownDatasetCard => "markdown-dataset-card",
            Flavor::CycloneDx => "cyclonedx",
            Flavor::Spdx3 => "spdx3",
            Flavor::Croissant => "croissant",
            Flavor::Mct => "mct",
            Flavor::Dvc => "dvc",
            Flavor::Mlflow => "mlflow",
            Flavor::JsonSchema => "json-schema",
        }
    }

    pub fn parse(s: &str) -> Option<Flavor> {
        Flavor::ALL.iter().copied().find(|f| f.as_str() == s)
    }

    /// Whether this version reads the flavour's content into rules. The others are recognised and
    /// listed as unsupported, never dropped.
    pub fn supported(self) -> bool {
        matches!(
            self,
            Flavor::FrontMatter
                | Flavor::HfModelCard
                | Flavor::HfDatasetCard
                | Flavor::MarkdownModelCard
                | Flavor::MarkdownDatasetCard
        )
    }
}

impl fmt::Display for Flavor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

const MODEL_KEYS: &[&str] = &[
    "pipeline_tag",
    "library_name",
    "model-index",
    "base_model",
    "base_model_relation",
    "co2_eq_emissions",
    "widget",
    "inference",
    "model_name",
];
const DATASET_KEYS: &[&str] = &[
    "task_categories",
    "task_ids",
    "size_categories",
    "dataset_info",
    "annotations_creators",
    "language_creators",
    "source_datasets",
    "multilinguality",
    "pretty_name",
    "paperswithcode_id",
    "configs",
    "train-eval-index",
];
const MODEL_HEADINGS: &[&str] = &[
    "model details",
    "model description",
    "intended use",
    "intended uses",
    "model card",
    "training data",
    "training details",
    "model architecture",
    "evaluation results",
    "out-of-scope use",
    "model information",
];
const DATASET_HEADINGS: &[&str] = &[
    "dataset structure",
    "dataset creation",
    "dataset description",
    "dataset summary",
    "data fields",
    "data splits",
    "dataset card",
    "curation rationale",
];

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Sniff from the name and raw text only: works on files that do not parse.
pub(crate) fn sniff_raw(path: &str, text: &str) -> Option<Flavor> {
    let name = file_name(path).to_ascii_lowercase();
    if name == "mlmodel" || name.ends_with("__mlmodel") {
        return Some(Flavor::Mlflow);
    }
    if name == "dvc.yaml"
        || name == "dvc.lock"
        || name.ends_with(".dvc")
        || name.ends_with("__dvc.yaml")
        || name.ends_with("__dvc.lock")
    {
        return Some(Flavor::Dvc);
    }
    let head = &text[..floor_char_boundary(text, 65536)];
    // A schema describes a format; it is not an instance of it.
    let start = &head[..floor_char_boundary(head, 512)];
    if start.contains("\"$schema\"") && start.contains("json-schema.org") {
        return Some(Flavor::JsonSchema);
    }
    if head.contains("\"bomFormat\"") && head.contains("CycloneDX") {
        return Some(Flavor::CycloneDx);
    }
    if head.contains("spdx.org/rdf/3") || head.contains("\"spdxVersion\": \"SPDX-3") {
        return Some(Flavor::Spdx3);
    }
    if head.contains("\"@context\"") && (head.contains("mlcommons.org") || head.contains("\"cr:")) {
        return Some(Flavor::Croissant);
    }
    if head.contains("\"model_details\"")
        || head.contains("\"model_parameters\"") && head.contains("\"schema_version\"")
    {
        return Some(Flavor::Mct);
    }
    None
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

pub(crate) fn sniff(path: &str, text: &str, parsed: &Parsed) -> Option<Flavor> {
    if let Some(f) = sniff_raw(path, text) {
        return Some(f);
    }
    let v = &parsed.value;
    if parsed.format != crate::Format::Markdown {
        return None;
    }
    if let Some(Value::Object(meta)) = v.get("meta") {
        let has = |keys: &[&str]| keys.iter().any(|k| meta.contains_key(*k));
        if has(DATASET_KEYS) {
            return Some(Flavor::HfDatasetCard);
        }
        if has(MODEL_KEYS) {
            return Some(Flavor::HfModelCard);
        }
    }
    let titles: Vec<String> = v
        .get("sections")
        .and_then(Value::as_object)
        .map(|s| {
            s.values()
                .filter_map(|sec| sec.get("title").and_then(Value::as_str))
                .map(str::to_lowercase)
                .collect()
        })
        .unwrap_or_default();
    let score = |keys: &[&str]| {
        titles
            .iter()
            .filter(|t| keys.iter().any(|k| t.contains(k)))
            .count()
    };
    let (ds, ms) = (score(DATASET_HEADINGS), score(MODEL_HEADINGS));
    if ds >= 2 && ds >= ms {
        Some(Flavor::MarkdownDatasetCard)
    } else if ms >= 2 {
        Some(Flavor::MarkdownModelCard)
    } else if matches!(v.get("meta"), Some(Value::Object(m)) if !m.is_empty()) {
        Some(Flavor::FrontMatter)
    } else {
        None
    }
}
