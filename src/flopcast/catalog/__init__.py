"""Sourced data: accelerators, models, clusters and prices (every number with unit and source)."""
