"""``python -m councilkg.cli``: the command line, for environments without the script."""

from councilkg.cli import main

main()
