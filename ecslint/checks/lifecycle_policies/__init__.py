"""Checks of ECR lifecycle policies (ecslint.subjects.lifecycle_policy.LifecyclePolicy names this package as its `check_package`): imported only when a run meets one."""
