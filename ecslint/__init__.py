"""ecslint: a linter for Amazon ECS task definitions and the IAM roles they use."""

# Kept as a literal so that `ecslint --version` needs no package metadata lookup.
__version__ = "0.1.0"

# Where the project and its per-rule documentation live; SARIF helpUri and informationUri point here.
HOMEPAGE = "https://github.com/ecslint/ecslint"
RULES_DOC_URL = f"{HOMEPAGE}/blob/main/docs/rules.md"
