"""``python -m councilkg``: the command line, for environments without the script."""

from councilkg.cli import main

main()
