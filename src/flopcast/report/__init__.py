"""Present results: plain data for JSON, rich tables for the terminal, Markdown for posts."""

from typing import Any

from flopcast.scenario.display import RENDERERS


def _scenario_html(result: Any) -> str:
    """A run's HTML tables (loads the HTML report module on first use)."""
    from flopcast.report.html import scenario_tables_html

    return scenario_tables_html(result)


RENDERERS["text/html"] = _scenario_html
