//! The crosswalk report and the Statement of Applicability as one self-contained HTML file each:
//! inline CSS and JavaScript, no external asset, readable offline. The coverage matrix has one row
//! (`tr.item`) per framework item, with filters by status, framework, function or chapter, and text.

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::RunInfo;
use crate::crosswalk_md::{applies, relation_symbol, rules_cell, short};
use crate::posture::{ControlPosture, Counts, Posture, Status};
use crate::soa::{rows, summary};

const CSS: &str = include_str!("assets/report.css");
const JS: &str = include_str!("assets/report.js");

/// Escape text for HTML content and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page(title: &str, info: &RunInfo<'_>, body: &str, out: &mut dyn Write) -> io::Result<()> {
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"aimslint {}\">\n<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<header>\n<h1>{}</h1>\n<p class=\"meta\">Derived from one lint run of {}, judged as of {}, by aimslint {} (packs: {}).</p>\n<p class=\"note\">A status says what the evidence in the repository shows; it is not a statement of conformity.</p>\n</header>\n{body}<script>\n{JS}</script>\n</body>\n</html>\n",
        esc(info.tool_version),
        esc(title),
        esc(title),
        esc(&info.source()),
        esc(&info.as_of),
        esc(info.tool_version),
        esc(&info.pack_list()),
    )
}

fn badge(s: Status) -> String {
    format!("<span class=\"st {s}\">{s}</span>")
}

fn bar(c: &Counts) -> String {
    let total = c.total().max(1);
    let mut s = String::from("<div class=\"bar\">");
    for st in Status::ALL {
        let n = c.get(st);
        if n > 0 {
            let pct = n as f64 * 100.0 / total as f64;
            let _ = write!(
                s,
                "<span class=\"{st}-bg\" style=\"width:{pct:.2}%\" title=\"{st}: {n}\"></span>"
            );
        }
    }
    s.push_str("</div>");
    s
}

fn card(title: &str, c: &Counts) -> String {
    let mut s = format!(
        "<div class=\"card\"><h3>{} <span class=\"dim\">({})</span></h3>{}<div class=\"counts\">",
        esc(title),
        c.total(),
        bar(c)
    );
    for st in Status::ALL {
        let _ = write!(
            s,
            "<span><span class=\"dot {st}-bg\"></span>{st} {}</span>",
            c.get(st)
        );
    }
    s.push_str("</div></div>\n");
    s
}

fn legend() -> String {
    let mut s = String::from("<ul class=\"legend\">");
    for st in Status::ALL {
        let _ = write!(s, "<li>{} {}</li>", badge(st), esc(st.meaning()));
    }
    s.push_str("</ul>\n<p class=\"dim\">A framework item takes the most severe status of the ISO/IEC 42001 controls it maps to (failing &gt; no-evidence &gt; warning &gt; waived &gt; evidence-present &gt; satisfied &gt; manual &gt; not-applicable); an item that maps to none is manual. Relations (NIST IR 8278): = equal, ⊂ subset-of, ⊃ superset-of, ∩ intersects-with. Evidence is path@commit, or path@worktree for a file not committed as it is; a finding is RULE path:line, with @commit when the report judged history.</p>\n");
    s
}

fn status_filters() -> String {
    let mut s = String::from("<fieldset><legend class=\"dim\">Status</legend>");
    for st in Status::ALL {
        let _ = write!(
            s,
            "<label><input type=\"checkbox\" class=\"f-status\" value=\"{st}\" checked> <span class=\"dot {st}-bg\"></span>{st}</label>"
        );
    }
    s.push_str("</fieldset>");
    s
}

fn evidence_cell(ev: &[String]) -> String {
    if ev.is_empty() {
        return "<span class=\"dim\">–</span>".into();
    }
    ev.iter()
        .map(|e| format!("<code>{}</code>", esc(e)))
        .collect()
}

/// Each finding as `RULE path:line` (`@commit` from history), its severity when not an error.
fn findings_cell(findings: &[crate::posture::FindingRef]) -> String {
    if findings.is_empty() {
        return "<span class=\"dim\">–</span>".into();
    }
    findings
        .iter()
        .map(|f| {
            let mut note = String::new();
            if f.severity != aimslint_packs::Severity::Error {
                note.push_str(&format!(" ({})", f.severity.as_str()));
            }
            if f.waived {
                note.push_str(" (waived)");
            }
            format!(
                "<div title=\"{}\">{} <code>{}</code>{}</div>",
                esc(&f.message),
                esc(&f.rule),
                esc(&f.place()),
                esc(&note)
            )
        })
        .collect()
}

pub fn write_crosswalk(p: &Posture, info: &RunInfo<'_>, out: &mut dyn Write) -> io::Result<()> {
    let names: Vec<&str> = p.frameworks.iter().map(|f| f.framework.as_str()).collect();
    let title = format!("Crosswalk: ISO/IEC 42001 to {}", names.join(" and "));
    let mut b = String::new();
    b.push_str("<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"cards\">\n");
    b.push_str(&card("ISO/IEC 42001 controls", &p.counts));
    for f in &p.frameworks {
        b.push_str(&card(&format!("{} items", f.framework), &f.counts));
    }
    b.push_str("</div>\n");
    b.push_str(&legend());
    b.push_str("</section>\n<section id=\"coverage\">\n<h2>Coverage</h2>\n");
    for f in &p.frameworks {
        let _ = write!(
            b,
            "<h3>{} <span class=\"dim\">{} · pack {} {} · {} pairs to {}</span></h3>\n<table class=\"coverage\"><thead><tr><th>Group</th><th class=\"num\">Items</th><th class=\"num\">Mapped</th><th>Status</th>",
            esc(&f.framework),
            esc(&f.edition),
            esc(&f.id),
            esc(&f.version),
            f.pairs,
            esc(&f.target)
        );
        for st in Status::ALL {
            let _ = write!(b, "<th class=\"num\">{st}</th>");
        }
        b.push_str("</tr></thead><tbody>\n");
        for g in &f.coverage {
            let _ = write!(
                b,
                "<tr><td>{} {}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td style=\"min-width:160px\">{}</td>",
                esc(&g.id),
                esc(&g.title),
                g.items,
                g.mapped,
                bar(&g.counts)
            );
            for st in Status::ALL {
                let _ = write!(b, "<td class=\"num\">{}</td>", g.counts.get(st));
            }
            b.push_str("</tr>\n");
        }
        b.push_str("</tbody></table>\n");
    }
    b.push_str("</section>\n<section id=\"matrix\">\n<h2>Coverage matrix</h2>\n<div class=\"filters\">\n<label>Framework <select id=\"f-framework\"><option value=\"\">all</option>");
    for f in &p.frameworks {
        let _ = write!(
            b,
            "<option value=\"{}\">{}</option>",
            esc(&f.id),
            esc(&f.framework)
        );
    }
    b.push_str("</select></label>\n<label>Function or chapter <select id=\"f-group\"><option value=\"\">all</option>");
    for f in &p.frameworks {
        for g in &f.coverage {
            let _ = write!(
                b,
                "<option value=\"{}:{}\" data-framework=\"{}\">{} {}</option>",
                esc(&f.id),
                esc(&g.id),
                esc(&f.id),
                esc(&g.id),
                esc(&g.title)
            );
        }
    }
    b.push_str("</select></label>\n");
    b.push_str(&status_filters());
    b.push_str("\n<input type=\"search\" id=\"f-text\" placeholder=\"Filter by id, title, control, rule or file\" aria-label=\"Filter text\">\n<span id=\"count\"></span>\n</div>\n");
    b.push_str("<table id=\"matrix-table\"><thead><tr><th>Item</th><th>Title</th><th>Applies from</th><th>Status</th><th>ISO/IEC 42001 controls</th><th>Failing rules</th><th>Evidence</th></tr></thead>\n<tbody>\n");
    for f in &p.frameworks {
        for i in &f.items {
            let chips: String = if i.controls.is_empty() {
                "<span class=\"dim\">none mapped</span>".into()
            } else {
                i.controls
                    .iter()
                    .map(|m| {
                        format!(
                            "<span class=\"chip {}\" title=\"{} {} ({}, {})\">{} {}</span>",
                            m.status,
                            esc(&m.title),
                            m.relation.as_str(),
                            m.status,
                            esc(&m.source),
                            relation_symbol(m.relation),
                            esc(short(&m.control))
                        )
                    })
                    .collect()
            };
            let _ = writeln!(
                b,
                "<tr class=\"item\" data-framework=\"{}\" data-group=\"{}:{}\" data-status=\"{}\"><td class=\"id\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"ev\">{}</td></tr>",
                esc(&f.id),
                esc(&f.id),
                esc(&i.group),
                i.status,
                esc(short(&i.id)),
                esc(&i.title),
                esc(&applies(i)),
                badge(i.status),
                chips,
                findings_cell(&i.findings),
                evidence_cell(&i.evidence)
            );
        }
    }
    b.push_str("</tbody></table>\n</section>\n<section id=\"controls\">\n<h2>ISO/IEC 42001 controls</h2>\n");
    b.push_str(&controls_table(&p.controls));
    b.push_str("</section>\n");
    page(&title, info, &b, out)
}

fn controls_table(controls: &[ControlPosture]) -> String {
    let mut b = String::from(
        "<table class=\"controls\"><thead><tr><th>Control</th><th>Title</th><th>Status</th><th>Rules</th><th>Findings</th><th>Evidence</th></tr></thead><tbody>\n",
    );
    for c in controls {
        let status = match &c.justification {
            Some(j) => format!(
                "{}<br><span class=\"dim\">{}</span>",
                badge(c.status),
                esc(j)
            ),
            None => badge(c.status),
        };
        let _ = writeln!(
            b,
            "<tr class=\"control\" data-status=\"{}\"><td class=\"id\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"ev\">{}</td></tr>",
            c.status,
            esc(short(&c.id)),
            esc(&c.title),
            status,
            esc(&rules_cell(&c.rules, c.status)),
            findings_cell(&c.findings),
            evidence_cell(&c.evidence)
        );
    }
    b.push_str("</tbody></table>\n");
    b
}

pub fn write_soa(p: &Posture, info: &RunInfo<'_>, out: &mut dyn Write) -> io::Result<()> {
    let title = "Statement of Applicability: ISO/IEC 42001:2023 Annex A";
    let rows = rows(p, info);
    let sum = summary(&rows);
    let mut b = String::new();
    let _ = write!(
        b,
        "<section id=\"summary\">\n<h2>Summary</h2>\n<p>{} Annex A controls: {} applicable, {} excluded; {} with a declared state the evidence contradicts.</p>\n<div class=\"cards\">\n{}</div>\n{}</section>\n",
        sum.controls,
        sum.applicable,
        sum.excluded,
        sum.claim_gaps,
        card("Verdict", &sum.counts),
        legend()
    );
    b.push_str("<section id=\"soa\">\n<h2>Controls</h2>\n<div class=\"filters\">\n");
    b.push_str(&status_filters());
    b.push_str("\n<input type=\"search\" id=\"f-text\" placeholder=\"Filter by id, title, rule or file\" aria-label=\"Filter text\">\n<span id=\"count\"></span>\n</div>\n");
    b.push_str("<table><thead><tr><th>Control</th><th>Title</th><th>Area</th><th>Applicable</th><th>Owner</th><th>Declared state</th><th>Verdict</th><th>Findings</th><th>Rules</th><th>Evidence</th></tr></thead>\n<tbody>\n");
    for r in &rows {
        let applicable = match (r.justification, r.inclusion) {
            (Some(j), _) => format!("no: {}", esc(j)),
            (None, Some(i)) if r.inclusion_default => {
                format!("yes: {} <span class=\"dim\">(default)</span>", esc(i))
            }
            (None, Some(i)) => format!("yes: {}", esc(i)),
            (None, None) => "yes".into(),
        };
        let declared = match (r.declared_state, r.declared_date) {
            (Some(s), Some(d)) => format!("{} ({})", s.as_str(), esc(d)),
            (Some(s), None) => s.as_str().to_string(),
            _ => "<span class=\"dim\">–</span>".into(),
        };
        let verdict = match r.claim_gap {
            Some(gap) => format!(
                "{}<br><strong class=\"gap\">⚠ {}</strong>",
                badge(r.status),
                esc(gap)
            ),
            None => badge(r.status),
        };
        let _ = writeln!(
            b,
            "<tr class=\"item\" data-status=\"{}\"><td class=\"id\">{}</td><td>{}</td><td>{} {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"ev\">{}</td></tr>",
            r.status,
            esc(short(r.id)),
            esc(r.title),
            esc(r.area),
            esc(&r.area_title),
            applicable,
            r.owner
                .map_or_else(|| "<span class=\"dim\">–</span>".to_string(), esc),
            declared,
            verdict,
            findings_cell(r.findings),
            esc(&rules_cell(r.rules, r.status)),
            evidence_cell(r.evidence)
        );
    }
    b.push_str("</tbody></table>\n</section>\n");
    page(title, info, &b, out)
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<script>\"a\" & 'b'</script>"),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
    }
}
