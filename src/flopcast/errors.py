"""User-facing errors, all in one place (as pint keeps its own).

Every error a user can cause is a :class:`FlopcastError` that also derives from a builtin
(``ValueError`` or ``LookupError``) so callers can catch it either way. The CLI turns any
``FlopcastError`` into a one-paragraph message, exit status 2 and no traceback. The message
names the file and the field (a dotted path such as ``outputs.compute.expr``) when they are
known; errors raised deep inside the evaluator get them attached on the way out through
:meth:`FlopcastError.located`.
"""

from __future__ import annotations


class FlopcastError(Exception):
    """Base of every error that bad input can cause."""

    def __init__(self, message: str, *, file: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.field = field

    def located(self, *, file: str | None = None, field: str | None = None) -> FlopcastError:
        """Fill in the file and field where they are still unknown; returns ``self``."""
        if self.file is None:
            self.file = file
        if self.field is None:
            self.field = field
        return self

    def nested(self, prefix: str) -> FlopcastError:
        """Put ``prefix`` in front of the field path (``inputs.a`` + ``range[0]``); returns
        ``self``."""
        self.field = f"{prefix}.{self.field}" if self.field else prefix
        return self

    def __str__(self) -> str:
        where = ": ".join(part for part in (self.file, self.field) if part)
        return f"{where}: {self.message}" if where else self.message


class InputError(FlopcastError, ValueError):
    """A file that is missing, unreadable, not YAML, or of the wrong shape."""


class UnitError(FlopcastError, ValueError):
    """An unknown unit, or two quantities whose dimensions do not fit together."""


class ExpressionError(FlopcastError, ValueError):
    """An expression that is not valid flopcast syntax or uses a forbidden construct."""


class UnknownNameError(FlopcastError, LookupError):
    """A name (input, output, function or catalog ID) that is not defined."""


class CycleError(FlopcastError, ValueError):
    """Outputs that depend on each other in a loop."""
