"""The Terraform front end: `.tf` files, plans, state and container templates as subjects, with their IAM resources."""
