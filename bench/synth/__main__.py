"""``python -m bench.synth``: generate a synthetic corpus into a folder."""

from bench.synth.cli import main

raise SystemExit(main())
