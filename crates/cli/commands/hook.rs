use std::path::Path;

use crate::common::CliError;
use crate::exit;

const PRE_COMMIT: &str = r#"#!/bin/sh
# Installed by `aimslint hook install`: check exactly what is staged.
exec aimslint check --staged
"#;

const PRE_PUSH: &str = r#"#!/bin/sh
# Installed by `aimslint hook install --pre-push`: check the commits being pushed.
zero=0000000000000000000000000000000000000000
status=0
while read -r local_ref local_sha remote_ref remote_sha; do
  [ "$local_sha" = "$zero" ] && continue        # a deleted ref: nothing to check
  if [ "$remote_sha" = "$zero" ]; then
    aimslint check --rev "$local_sha" || status=$?
  else
    aimslint check --range "$remote_sha..$local_sha" || status=$?
  fi
done
exit $status
"#;

pub fn install(dir: &Path, pre_push: bool, force: bool) -> Result<i32, CliError> {
    let repo = aimslint_git::open(dir).map_err(|e| CliError::usage(e.to_string()))?;
    let hooks = repo.path().join("hooks");
    std::fs::create_dir_all(&hooks)?;
    let (name, text) = if pre_push {
        ("pre-push", PRE_PUSH)
    } else {
        ("pre-commit", PRE_COMMIT)
    };
    let path = hooks.join(name);
    if path.exists() && !force {
        return Err(CliError::usage(format!(
            "{} exists; pass --force to replace it (or add `aimslint check --staged` to it yourself)",
            path.display()
        )));
    }
    std::fs::write(&path, text)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
    }
    println!("installed {}", path.display());
    Ok(exit::CLEAN)
}
