"""How a run samples and decides unless told otherwise. A module that imports nothing, so
the command line can show these defaults without loading NumPy or the units registry."""

#: Samples drawn when none are asked for: enough for percentiles to ~1% at the tails.
DEFAULT_SAMPLES = 20_000

#: Memory a run may give its sample arrays unless told otherwise [byte].
DEFAULT_MAX_MEMORY = 4 * 2**30

#: Confidence at which a claim's verdict is decided unless told otherwise: HELD or FAILED
#: when that holds with at least this probability, UNDECIDED between.
DEFAULT_CONFIDENCE = 0.8
