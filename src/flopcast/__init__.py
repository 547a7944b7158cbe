"""flopcast: estimate, plan and check AI training systems with units and uncertainty.

The package is layered (see DESIGN.md): ``quantity`` (units, distributions, summaries),
``scenario`` (scenario and claim files, a safe expression evaluator), ``report`` (tables,
JSON, Markdown) and ``cli`` (the ``flopcast`` command). A lower layer never imports a
higher one. Importing this package is cheap: heavy dependencies load on first use.
"""

__version__ = "0.1.0"
