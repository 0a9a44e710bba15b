"""The exit codes every command shares, in a module of their own so the
command modules and the group read them from one place.

As pySHACL documents its own: 0 done; 1 done, but the result is a finding
(``--strict`` found unparsed passages or contradictions, ``validate`` a
violation, ``facts --compare`` differences); 2 error (bad input, bad option),
reported in one line without a traceback.

141 (128 + SIGPIPE, what a shell reports for a Unix tool killed by the
signal): the reader of standard output went away (``councilkg export |
head``); nothing is printed, as ``cat`` or ``grep`` print nothing.  Not 1,
which already means a finding.
"""

from __future__ import annotations

import signal

EXIT_OK, EXIT_STRICT, EXIT_ERROR = 0, 1, 2
EXIT_BROKEN_PIPE = 128 + int(signal.SIGPIPE)
