"""Scenario and claim files: load, check, evaluate safely, and judge claims."""
