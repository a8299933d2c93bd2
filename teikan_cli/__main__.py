"""`python -m teikan_cli` runs the CLI."""

from .entry import main

main()
