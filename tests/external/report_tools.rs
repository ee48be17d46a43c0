//! Reports read by other tools: OSCAL by compliance-trestle (PyPI), the HTML in headless Chromium,
//! both installed by .ci/run.

use std::path::Path;
use std::process::Command;

use libtest_mimic::Trial;

use crate::util::*;
use crate::{Need, tool, trial};

pub fn trials() -> Vec<Trial> {
    vec![
        trial(
            "report_tools::oscal_loads_in_compliance_trestle",
            trestle,
            oscal_loads_in_compliance_trestle,
        ),
        trial(
            "report_tools::html_reports_render_in_headless_chromium",
            chromium_installed,
            html_reports_render_in_headless_chromium,
        ),
    ]
}

fn trestle() -> Need<()> {
    let probe = "from trestle.oscal.assessment_results import AssessmentResults";
    tool(
        "compliance-trestle (python3)",
        Command::new("python3").args(["-c", probe]),
        "pip install compliance-trestle==3.12.4",
    )
}

fn oscal_loads_in_compliance_trestle(_: ()) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("assessment-results.json");
    let ex = example();
    report(
        &[
            "soa",
            ex.to_str().unwrap(),
            "--format",
            "oscal",
            "--as-of",
            AS_OF,
            "--output",
            file.to_str().unwrap(),
        ],
        &ex,
    );
    let script = "import pathlib, sys\nfrom trestle.oscal.assessment_results import AssessmentResults\nar = AssessmentResults.oscal_read(pathlib.Path(sys.argv[1]))\nprint(ar.metadata.oscal_version.__root__, len(ar.results[0].findings))\n";
    let o = Command::new("python3")
        .args(["-c", script, file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "trestle rejects the document: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "1.1.2 37");
}

fn chromium_installed() -> Need<()> {
    tool(
        "chromium",
        Command::new("chromium").arg("--version"),
        "apt-get install chromium",
    )
}

fn chromium(args: &[&str], user_data: &Path) -> std::process::Output {
    Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", user_data.display()))
        .args(args)
        .output()
        .expect("chromium runs")
}

fn html_reports_render_in_headless_chromium(_: ()) {
    let dir = tempfile::tempdir().unwrap();
    let ex = example();
    for (kind, rows) in [("crosswalk", 72 + 43), ("soa", 38)] {
        let page = dir.path().join(format!("{kind}.html"));
        report(
            &[
                kind,
                ex.to_str().unwrap(),
                "--format",
                "html",
                "--as-of",
                AS_OF,
                "--output",
                page.to_str().unwrap(),
            ],
            &ex,
        );
        let html = std::fs::read_to_string(&page).unwrap();
        for external in ["<link", "src=\"http", "href=\"http", "@import", "url("] {
            assert!(
                !html.contains(external),
                "{kind}: external asset `{external}`"
            );
        }
        let url = format!("file://{}", page.display());
        let o = chromium(
            &["--dump-dom", &url],
            &dir.path().join(format!("{kind}-dom")),
        );
        let dom = String::from_utf8_lossy(&o.stdout);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(
            !stderr.contains("Uncaught"),
            "{kind}: console error:\n{stderr}"
        );
        assert_eq!(
            dom.matches("<tr class=\"item\"").count(),
            rows,
            "{kind} rows"
        );
        // The script ran: it counted the rows.
        assert!(
            dom.contains(&format!("{rows} of {rows} shown")),
            "{kind}: filters did not run"
        );
        let shot = dir.path().join(format!("{kind}.png"));
        let o = chromium(
            &[
                &format!("--screenshot={}", shot.display()),
                "--window-size=1400,2000",
                &url,
            ],
            &dir.path().join(format!("{kind}-shot")),
        );
        assert!(!String::from_utf8_lossy(&o.stderr).contains("Uncaught"));
        let png = std::fs::read(&shot).expect("a screenshot");
        assert!(
            png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 10_000,
            "{kind}: PNG"
        );
    }
}
