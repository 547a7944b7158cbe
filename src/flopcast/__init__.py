"""flopcast: estimate, plan and check AI training systems with units and uncertainty.

The package is layered (see DESIGN.md): ``quantity`` (units, distributions, summaries),
``scenario`` (scenario and claim files, a safe expression evaluator), ``report`` (tables,
JSON, Markdown) and ``cli`` (the ``flopcast`` command). A lower layer never imports a
higher one. Importing this package is cheap: heavy dependencies load on first use.
"""

__version__ = "0.1.0"

_API = ("Scenario", "Results", "Output", "evaluate", "predict", "search")
__all__ = ["__version__", *_API]


def __getattr__(name: str) -> object:
    """Load the Python API (:mod:`flopcast.api`) on first use, so ``import flopcast`` and
    ``flopcast --version`` stay free of NumPy and pint."""
    if name in _API:
        from flopcast import api

        return getattr(api, name)
    raise AttributeError(f"module 'flopcast' has no attribute {name!r}")
