"""Live AWS through boto3, imported only for `--aws`: registered task definitions and the roles they name."""
