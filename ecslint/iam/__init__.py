"""IAM analysis: the roles and policies a task definition's roles hold, read from `--iam` files and judged by the (P) rules."""
