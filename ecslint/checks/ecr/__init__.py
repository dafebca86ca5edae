"""ECS810-ECS814, the ECR repository and registry rules: imported only when a run meets an ECR subject
(ecslint.subjects.ecr.EcrSubject names this package as its `check_package`)."""
