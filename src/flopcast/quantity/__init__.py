"""Units, uncertain values, distributions, summaries and sensitivity (no domain knowledge)."""
