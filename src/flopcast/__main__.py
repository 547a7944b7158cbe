"""``python -m flopcast`` runs the command line."""

from flopcast.cli.main import main

main()
