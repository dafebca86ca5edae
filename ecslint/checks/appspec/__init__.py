"""Checks of CodeDeploy AppSpec files (ecslint.subjects.appspec.AppSpec names this package as its `check_package`): imported only when a run meets one."""
