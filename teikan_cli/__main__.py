"""`python -m teikan_cli` runs the CLI."""

from .cli import main

main()
