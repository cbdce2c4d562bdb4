"""`python -m app` runs the `newsarchive` command."""

from app.cli import main

main()
