"""The three verdicts a claim can reach (see :mod:`flopcast.scenario.claims`), in a module
that imports nothing, so the command line can name them without loading NumPy."""

#: The three verdicts.
HELD, FAILED, UNDECIDED = "held", "failed", "undecided"

#: The verdicts in the order ``check`` counts them.
VERDICTS = (HELD, FAILED, UNDECIDED)
