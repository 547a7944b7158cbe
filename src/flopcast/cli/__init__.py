"""The ``flopcast`` command: thin wrappers that call the layers below."""
