"""The kinds of catalog entry (a module of its own so that the command line can list them
without loading the units registry)."""

#: The kinds of catalog, each kept in its own data files.
KINDS = ("accelerator", "model", "cluster", "price", "network", "reliability", "trend")
