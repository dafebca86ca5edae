"""Findings and what is made of them: located findings, the baseline, and the output formats."""
