//! The MLflow adapter: an `MLmodel` file (the metadata MLflow writes beside every logged model) read
//! as the model-artifact view. Its fields are already what the rules read (`run_id`, `flavors`,
//! `signature`, `utc_time_created`, `model_uuid`, `mlflow_version`), so the view keeps them at their
//! own lines and adds `adapter: "mlflow"`; what the adapter adds is the format's rules.
//!
//! Field meanings, from MLflow's documentation of the MLmodel format (mlflow/mlflow,
//! `docs/source/models.rst`, "Storage Format") and `mlflow/models/model.py`:
//! - `flavors`: the ways the model can be loaded (`python_function`, `sklearn`, …), at least one;
//! - `run_id`: the tracking run that logged the model (32 hexadecimal digits);
//! - `signature`: `inputs` and `outputs` (and `params`), each a JSON string describing a schema;
//! - `utc_time_created`: when the model was logged, written `YYYY-MM-DD HH:MM:SS.ffffff` in UTC.
//!
//! Rules of the format checked here (each AL015 at its field when broken): `flavors` is a non-empty
//! mapping; `run_id`, when present, is 32 hexadecimal digits; each part of `signature` is a JSON
//! string; `utc_time_created` is a date and time as MLflow writes it.

use serde_json::Value;

use crate::Flavor;
use crate::adapt::{Adapted, FORMAT_NOTICE};
use crate::{Notice, Spans};

pub(crate) fn adapt(value: &Value, text: &str) -> Adapted {
    let spans: Spans = crate::yaml::spans(text, 0);
    let mut notices = Vec::new();
    let mut broken = |message: String, pointer: &str| {
        notices.push(Notice {
            code: FORMAT_NOTICE,
            message,
            offset: spans.locate(pointer).map_or(0, |(s, _)| s),
        });
    };
    match value.get("flavors") {
        Some(Value::Object(f)) if !f.is_empty() => {}
        Some(_) => broken(
            "MLflow: `flavors` names no flavour; an MLmodel lists at least one way to load the model (python_function, sklearn, …)".into(),
            "/flavors",
        ),
        None => broken(
            "MLflow: the MLmodel has no `flavors`; it lists at least one way to load the model (python_function, sklearn, …)".into(),
            "",
        ),
    }
    if let Some(run) = value.get("run_id").filter(|v| !v.is_null()) {
        let ok = run
            .as_str()
            .is_some_and(|r| r.len() == 32 && r.bytes().all(|b| b.is_ascii_hexdigit()));
        if !ok {
            broken(
                format!("MLflow: `run_id` is {run}, not a run id (32 hexadecimal digits)"),
                "/run_id",
            );
        }
    }
    if let Some(Value::Object(sig)) = value.get("signature") {
        for (part, v) in sig {
            let parses = v
                .as_str()
                .is_some_and(|s| serde_json::from_str::<Value>(s).is_ok());
            if !v.is_null() && !parses {
                broken(
                    format!(
                        "MLflow: `signature.{part}` is no JSON schema string, as MLflow writes it (e.g. '[{{\"type\": \"double\", \"name\": \"x\"}}]')"
                    ),
                    &format!("/signature/{}", crate::escape_token(part)),
                );
            }
        }
    }
    if let Some(t) = value.get("utc_time_created") {
        let ok = t.as_str().is_some_and(|s| {
            let s = s.trim();
            s.parse::<jiff::civil::DateTime>().is_ok()
                || jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M:%S%.f", s).is_ok()
                || jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M:%S", s).is_ok()
        });
        if !ok {
            broken(
                format!(
                    "MLflow: `utc_time_created` is {t}, not a date and time as MLflow writes it (2022-07-07 08:10:54.535647)"
                ),
                "/utc_time_created",
            );
        }
    }
    let mut view = value.clone();
    if let Value::Object(o) = &mut view {
        o.insert("adapter".into(), Value::String("mlflow".into()));
    }
    Adapted {
        view,
        spans,
        notices,
        flavor: Flavor::Mlflow,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapt::notice_lines;

    #[test]
    fn an_mlmodel_keeps_its_fields_and_its_format_rules_are_checked() {
        let text = "artifact_path: model\nflavors: {}\nrun_id: 35597932\nsignature:\n  inputs: '[{\"type\": \"double\"}]'\n  outputs: 12\nutc_time_created: 'yesterday'\n";
        let value: Value = crate::yaml::parse_value(text, 0).unwrap();
        let a = adapt(&value, text);
        assert_eq!(a.view["adapter"], "mlflow");
        assert_eq!(a.view["artifact_path"], "model");
        let got = notice_lines(text, &a);
        let lines: Vec<usize> = got.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [2, 3, 6, 7], "{got:#?}");
        assert!(got[0].1.contains("`flavors` names no flavour"));
        assert!(got[1].1.contains("not a run id"));
        assert!(got[2].1.contains("`signature.outputs`"));
        assert!(got[3].1.contains("`utc_time_created`"));
        let at = |p: &str| crate::adapt::line_of(text, a.spans.locate(p).unwrap().0);
        assert_eq!(at("/signature/inputs"), 5);
    }

    #[test]
    fn a_well_formed_mlmodel_breaks_no_rule() {
        let text = "flavors:\n  sklearn: {sklearn_version: 1.0.2}\nrun_id: 35597932c0fd452492a9cde534eccac3\nutc_time_created: '2022-07-07 08:10:54.535647'\n";
        let value: Value = crate::yaml::parse_value(text, 0).unwrap();
        assert!(adapt(&value, text).notices.is_empty());
    }
}
