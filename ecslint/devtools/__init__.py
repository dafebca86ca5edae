"""Maintenance tools: schema generation and the benchmark; never imported by a lint run."""
