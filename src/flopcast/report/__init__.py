"""Present results: plain data for JSON, rich tables for the terminal, Markdown for posts."""
