use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::PackFiles;
use crate::diag::{PackDiagnostic, PackErrors};
use crate::load::{Ctx, Draft, SchemaStore, load_pack};
use crate::model::*;

/// Which packs to load.
#[derive(Debug, Clone, Default)]
pub struct LoadRequest {
    /// Built-in packs to load, with an optional semver requirement each.
    pub builtin: Vec<(String, Option<semver::VersionReq>)>,
    /// Pack directories.
    pub dirs: Vec<std::path::PathBuf>,
    /// Packs already read (from git), with an optional semver requirement each.
    pub read: Vec<(PackFiles, Option<semver::VersionReq>)>,
}

impl LoadRequest {
    /// The non-optional built-in packs, plus the optional ones named.
    pub fn defaults_with(optional: &[String]) -> LoadRequest {
        let mut builtin = Vec::new();
        for id in crate::builtin_pack_ids() {
            let files = crate::builtin_pack_files(&id);
            let is_optional = files
                .as_ref()
                .and_then(|f| f.text("pack.toml").map(|t| t.contains("optional = true")))
                .unwrap_or(false);
            if !is_optional || optional.contains(&id) {
                builtin.push((id, None));
            }
        }
        LoadRequest {
            builtin,
            dirs: Vec::new(),
            read: Vec::new(),
        }
    }

    /// Every built-in pack.
    pub fn all_builtin() -> LoadRequest {
        LoadRequest {
            builtin: crate::builtin_pack_ids()
                .into_iter()
                .map(|id| (id, None))
                .collect(),
            dirs: Vec::new(),
            read: Vec::new(),
        }
    }
}

/// The loaded packs with indexes over their controls, kinds and rules.
#[derive(Debug, Clone, Default)]
pub struct PackSet {
    pub packs: Vec<Pack>,
    /// Rules a layer (`[extends] disable`) turned off: (rule id, the pack that did).
    pub disabled: Vec<(String, String)>,
    controls: HashMap<String, (usize, usize)>,
}

/// Apply each extending pack's layer to the pack it extends: the base's rules it disables are
/// dropped, those it re-grades get their new severity, and a rule of the extending pack with a base
/// rule's id replaces it. Returns the ids of the rules dropped or replaced (references to them from
/// other packs, such as status paths, stay valid). Problems are errors at the line of the extending
/// pack's `pack.toml`.
fn apply_layers(
    drafts: &mut [Draft],
    errors: &mut Vec<PackDiagnostic>,
    disabled: &mut Vec<(String, String)>,
) -> std::collections::HashSet<String> {
    let mut withdrawn = std::collections::HashSet::new();
    for ei in 0..drafts.len() {
        let Some(ext) = drafts[ei].extends.as_ref() else {
            continue;
        };
        let files = &drafts[ei].pack.files;
        let (manifest, text) = (
            files.display_path("pack.toml"),
            files.text("pack.toml").unwrap_or_default().to_string(),
        );
        let mut err = |span: std::ops::Range<usize>, msg: String| {
            errors.push(PackDiagnostic::new(&manifest, &text, Some(span), msg))
        };
        let id = drafts[ei].pack.manifest.id.clone();
        let Some(bi) = drafts
            .iter()
            .position(|d| d.pack.manifest.id == ext.base && ext.base != id)
        else {
            continue; // reported when the base was looked for
        };
        if let Some(grand) = &drafts[bi].extends {
            err(
                ext.base_span.clone(),
                format!(
                    "pack {id} extends {}, which itself extends {}: extend {} directly and repeat the layer",
                    ext.base, grand.base, grand.base
                ),
            );
            continue;
        }
        let base_version = drafts[bi].pack.manifest.version.clone();
        if let Some((req, span)) = &ext.version
            && !req.matches(&base_version)
        {
            err(
                span.clone(),
                format!(
                    "pack {id} extends {} `{req}`, but {} {base_version} is loaded",
                    ext.base, ext.base
                ),
            );
        }
        let base_has = |drafts: &[Draft], r: &str| drafts[bi].pack.rules.iter().any(|x| x.id == r);
        let mut drop: Vec<String> = Vec::new();
        for (r, span) in &ext.disable {
            if base_has(drafts, r) {
                drop.push(r.clone());
            } else {
                err(
                    span.clone(),
                    format!(
                        "`{r}` is no rule of {}: there is nothing to disable",
                        ext.base
                    ),
                );
            }
        }
        let mut regrade: Vec<(String, Severity)> = Vec::new();
        for (r, sev, span) in &ext.severity {
            if drop.contains(r) {
                err(
                    span.clone(),
                    format!("`{r}` is disabled above: a disabled rule has no severity"),
                );
            } else if base_has(drafts, r) {
                regrade.push((r.clone(), *sev));
            } else {
                err(
                    span.clone(),
                    format!(
                        "`{r}` is no rule of {}: there is no severity to change",
                        ext.base
                    ),
                );
            }
        }
        let replaced: Vec<String> = drafts[ei]
            .pack
            .rules
            .iter()
            .map(|r| r.id.clone())
            .filter(|r| base_has(drafts, r))
            .collect();
        let base = &mut drafts[bi].pack;
        base.rules
            .retain(|r| !drop.contains(&r.id) && !replaced.contains(&r.id));
        for r in &mut base.rules {
            if let Some((_, sev)) = regrade.iter().find(|(id, _)| *id == r.id) {
                Arc::make_mut(r).severity = *sev;
            }
        }
        disabled.extend(drop.iter().map(|r| (r.clone(), id.clone())));
        withdrawn.extend(drop);
        withdrawn.extend(replaced);
    }
    withdrawn
}

impl PackSet {
    /// Load and cross-check packs, compiling each rule's check with its kind in `kinds`. Every
    /// problem in every pack is collected before returning.
    pub fn load(
        req: &LoadRequest,
        tool_version: &semver::Version,
        kinds: &dyn crate::CheckKinds,
    ) -> Result<PackSet, PackErrors> {
        let mut errors = Vec::new();
        let mut sources: Vec<(PackFiles, Option<semver::VersionReq>)> = Vec::new();
        for (id, reqv) in &req.builtin {
            match crate::builtin_pack_files(id) {
                Some(f) => sources.push((f, reqv.clone())),
                None => errors.push(PackDiagnostic::new(
                    "aimslint.toml",
                    "",
                    None,
                    format!(
                        "no built-in pack `{id}` (built-in packs: {})",
                        crate::builtin_pack_ids().join(", ")
                    ),
                )),
            }
        }
        for dir in &req.dirs {
            match PackFiles::from_dir(dir) {
                Ok(f) => sources.push((f, None)),
                Err(e) => errors.push(PackDiagnostic::new(&dir.display().to_string(), "", None, e)),
            }
        }
        sources.extend(req.read.iter().cloned());
        let mut schemas = SchemaStore::default();
        let mut drafts: Vec<Draft> = Vec::new();
        for (files, reqv) in &sources {
            let mut ctx = Ctx {
                files,
                kinds,
                errors: &mut errors,
                schemas: &mut schemas,
            };
            if let Some(d) = load_pack(&mut ctx, tool_version) {
                if let Some(r) = reqv
                    && !r.matches(&d.pack.manifest.version)
                {
                    errors.push(PackDiagnostic::new(
                        "aimslint.toml",
                        "",
                        None,
                        format!(
                            "pack {} is version {}, which does not satisfy `{r}`",
                            d.pack.manifest.id, d.pack.manifest.version
                        ),
                    ));
                }
                drafts.push(d);
            }
        }
        // A pack another extends is loaded with it, even an optional built-in one not asked for.
        let missing: Vec<(usize, String)> = drafts
            .iter()
            .enumerate()
            .filter_map(|(i, d)| Some((i, d.extends.as_ref()?.base.clone())))
            .filter(|(_, b)| !drafts.iter().any(|d| d.pack.manifest.id == *b))
            .collect();
        let mut loaded_bases: Vec<String> = Vec::new();
        for (i, base) in missing {
            if loaded_bases.contains(&base) {
                continue;
            }
            let Some(files) = crate::builtin_pack_files(&base) else {
                let d = &drafts[i];
                let span = d.extends.as_ref().map(|e| e.base_span.clone());
                errors.push(PackDiagnostic::new(
                    &d.pack.files.display_path("pack.toml"),
                    d.pack.files.text("pack.toml").unwrap_or_default(),
                    span,
                    format!(
                        "pack {} extends `{base}`, which is neither loaded nor built in (built-in packs: {})",
                        d.pack.manifest.id,
                        crate::builtin_pack_ids().join(", ")
                    ),
                ));
                continue;
            };
            let mut ctx = Ctx {
                files: &files,
                kinds,
                errors: &mut errors,
                schemas: &mut schemas,
            };
            if let Some(d) = load_pack(&mut ctx, tool_version) {
                drafts.push(d);
            }
            loaded_bases.push(base);
        }
        // A directory pack with the id of a built-in one replaces it.
        let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
        for (i, d) in drafts.iter().enumerate() {
            by_id.insert(d.pack.manifest.id.clone(), i);
        }
        let mut drafts: Vec<Draft> = drafts
            .into_iter()
            .enumerate()
            .filter(|(i, d)| by_id.get(&d.pack.manifest.id) == Some(i))
            .map(|(_, d)| d)
            .collect();
        drafts.sort_by(|a, b| a.pack.manifest.id.cmp(&b.pack.manifest.id));
        let mut disabled = Vec::new();
        let withdrawn = apply_layers(&mut drafts, &mut errors, &mut disabled);

        let mut set = PackSet {
            disabled,
            ..PackSet::default()
        };
        for (pi, d) in drafts.iter().enumerate() {
            for (ci, c) in d.pack.controls.iter().enumerate() {
                set.controls.insert(c.qualified(), (pi, ci));
            }
        }
        // Cross-pack checks: control ids, kind ids, duplicate rule ids and kinds.
        let kind_ids: HashMap<String, String> = drafts
            .iter()
            .flat_map(|d| d.pack.kinds.iter().map(|k| (k.id.clone(), k.pack.clone())))
            .collect();
        let mut seen_kinds: HashMap<&str, &str> = HashMap::new();
        let mut seen_rules: HashMap<&str, &str> = HashMap::new();
        for d in &drafts {
            let files = &d.pack.files;
            let err = |rel: &str, span: std::ops::Range<usize>, msg: String| {
                PackDiagnostic::new(
                    &files.display_path(rel),
                    files.text(rel).unwrap_or_default(),
                    Some(span),
                    msg,
                )
            };
            for (rel, span, q) in &d.control_refs {
                if !set.controls.contains_key(q) {
                    let pack = q.split(':').next().unwrap_or_default();
                    let known = drafts.iter().any(|x| x.pack.manifest.id == pack);
                    let msg = if known {
                        format!("unknown control `{q}`: pack {pack} has no control with that id")
                    } else {
                        format!("unknown control `{q}`: no loaded pack is called `{pack}`")
                    };
                    errors.push(err(rel, span.clone(), msg));
                }
            }
            for (rel, span, r, control) in &d.rule_refs {
                let rule = drafts
                    .iter()
                    .flat_map(|x| x.pack.rules.iter())
                    .find(|x| x.id == *r);
                match rule {
                    // A rule an organisation pack turned off or replaced is still a rule of its
                    // pack: the references to it were written against that one.
                    _ if withdrawn.contains(r) => {}
                    None => errors.push(err(rel, span.clone(), format!("unknown rule `{r}`"))),
                    Some(rule) if !rule.controls.contains(control) => errors.push(err(
                        rel,
                        span.clone(),
                        format!("rule `{r}` does not cite `{control}`: there is nothing to exclude from the pair"),
                    )),
                    Some(_) => {}
                }
            }
            for (rel, span, k) in &d.kind_refs {
                if !kind_ids.contains_key(k) {
                    let mut known: Vec<&String> = kind_ids.keys().collect();
                    known.sort();
                    errors.push(
                        err(rel, span.clone(), format!("unknown artifact kind `{k}`")).with_help(
                            format!(
                                "known kinds: {}",
                                known
                                    .iter()
                                    .map(|s| s.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        ),
                    );
                }
            }
            for k in &d.pack.kinds {
                if let Some(other) = seen_kinds.insert(&k.id, &k.pack)
                    && other != k.pack
                {
                    errors.push(PackDiagnostic::new(
                        &files.display_path(&format!("kinds/{}.toml", k.id)),
                        "",
                        None,
                        format!("kind `{}` is declared by both {other} and {}", k.id, k.pack),
                    ));
                }
            }
            for r in &d.pack.rules {
                if let Some(other) = seen_rules.insert(&r.id, &r.pack) {
                    errors.push(PackDiagnostic::new(
                        &files.display_path(&r.file),
                        files.text(&r.file).unwrap_or_default(),
                        None,
                        format!("duplicate rule id `{}` (also in pack {other})", r.id),
                    ));
                }
            }
        }
        if !errors.is_empty() {
            return Err(PackErrors(errors));
        }
        set.packs = drafts.into_iter().map(|d| d.pack).collect();
        Ok(set)
    }

    pub fn pack(&self, id: &str) -> Option<&Pack> {
        self.packs.iter().find(|p| p.manifest.id == id)
    }

    /// A control by qualified id.
    pub fn control(&self, qualified: &str) -> Option<&Control> {
        let (p, c) = self.controls.get(qualified)?;
        self.packs.get(*p)?.controls.get(*c)
    }

    /// Find a control by qualified id, or by a bare id in any pack (`A.7.5`).
    pub fn find_control(&self, id: &str) -> Option<&Control> {
        if let Some(c) = self.control(id) {
            return Some(c);
        }
        let norm = id.replace(' ', "-");
        self.packs
            .iter()
            .flat_map(|p| p.controls.iter())
            .find(|c| c.id.eq_ignore_ascii_case(&norm))
    }

    pub fn controls(&self) -> impl Iterator<Item = &Control> {
        self.packs.iter().flat_map(|p| p.controls.iter())
    }

    pub fn rules(&self) -> impl Iterator<Item = &Arc<Rule>> {
        self.packs.iter().flat_map(|p| p.rules.iter())
    }

    pub fn rule(&self, id: &str) -> Option<&Arc<Rule>> {
        self.rules().find(|r| r.id.eq_ignore_ascii_case(id))
    }

    pub fn kinds(&self) -> impl Iterator<Item = &Kind> {
        self.packs.iter().flat_map(|p| p.kinds.iter())
    }

    pub fn kind(&self, id: &str) -> Option<&Kind> {
        self.kinds().find(|k| k.id == id)
    }

    pub fn crosswalks(&self) -> impl Iterator<Item = &Crosswalk> {
        self.packs.iter().flat_map(|p| p.crosswalks.iter())
    }

    /// Rules that cite a control.
    pub fn rules_for_control(&self, qualified: &str) -> Vec<&Arc<Rule>> {
        self.rules()
            .filter(|r| r.controls.iter().any(|c| c == qualified))
            .collect()
    }
}
