//! A plugin that misbehaves on request, for the host's tests: each rule is one behaviour.
//! `MIS-OK` finds one gap, `MIS-PANIC` panics, `MIS-HANG` never answers, `MIS-ABORT` ends its
//! process, `MIS-BADPARAMS` refuses its parameters, `MIS-NEEDS` declares needs the host must not
//! follow (a pointer 100,000 segments deep, a path out of the repository, a pointer without `/`)
//! beside one it follows.

use aimslint_plugin_sdk::{CheckRequest, Hit, Need, Plugin, RuleNeeds, export_plugin};

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
            "MIS-NEEDS",
        ]
    }

    fn needs(&self, rule: &str) -> RuleNeeds {
        let documents = if rule == "MIS-NEEDS" {
            vec![
                Need::Pointer {
                    pointer: "/a".repeat(100_000),
                },
                Need::Path {
                    path: "../../../etc/passwd".into(),
                },
                Need::Pointer {
                    pointer: "meta/license".into(),
                },
                Need::Path {
                    path: "aimslint.toml".into(),
                },
            ]
        } else {
            Vec::new()
        };
        RuleNeeds::reading(rule, documents)
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
            "MIS-NEEDS" => Ok(vec![Hit {
                pointer: String::new(),
                message: format!(
                    "given {}",
                    request
                        .related
                        .iter()
                        .map(|r| format!("{} found={}", r.path, r.found))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }]),
            _ => Ok(vec![Hit {
                pointer: "/meta/license".into(),
                message: format!("misbehave judged {} ({})", request.path, request.kind),
            }]),
        }
    }
}

export_plugin!(Misbehave);
