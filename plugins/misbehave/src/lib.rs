//! A plugin that misbehaves on request, for the host's tests: each rule is one behaviour.
//! `MIS-OK` finds one gap, `MIS-PANIC` panics, `MIS-HANG` never answers, `MIS-ABORT` ends its
//! process, `MIS-BADPARAMS` refuses its parameters.

use aimslint_plugin_sdk::{CheckRequest, Hit, Plugin, export_plugin};

#[derive(Debug, Default)]
pub struct Misbehave;

impl Plugin for Misbehave {
    fn name(&self) -> &'static str {
        "misbehave"
    }

    fn version(&self) -> &'static str {
        env!("CARGO_PKG_VERSION")
    }

    fn rules(&self) -> Vec<&'static str> {
        vec![
            "MIS-OK",
            "MIS-PANIC",
            "MIS-HANG",
            "MIS-ABORT",
            "MIS-BADPARAMS",
        ]
    }

    fn check(&self, request: &CheckRequest) -> Result<Vec<Hit>, String> {
        match request.rule.as_str() {
            "MIS-PANIC" => panic!("misbehave was asked to panic on {}", request.path),
            "MIS-HANG" => loop {
                std::thread::sleep(std::time::Duration::from_secs(3600));
            },
            "MIS-ABORT" => std::process::abort(),
            "MIS-BADPARAMS" => Err(format!(
                "`level` must be a number, not {}",
                request.params["level"]
            )),
            _ => Ok(vec![Hit {
                pointer: "/meta/license".into(),
                message: format!("misbehave judged {} ({})", request.path, request.kind),
            }]),
        }
    }
}

export_plugin!(Misbehave);
