"""Check the step-time model against published runs (the ``validate`` command)."""
