"""`python -m backrelief` runs the CLI."""

from backrelief.cli import main

main()
