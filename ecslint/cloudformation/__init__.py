"""The CloudFormation front end: templates (JSON or YAML) as subjects, with their intrinsics and IAM resources."""
