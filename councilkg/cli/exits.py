"""The exit codes every command shares, in a module of their own so the
command modules and the group read them from one place.

As pySHACL documents its own: 0 done; 1 done, but the result is a finding
(``--strict`` found unparsed passages or contradictions, ``validate`` a
violation, ``facts --compare`` differences); 2 error (bad input, bad option),
reported in one line without a traceback.
"""

from __future__ import annotations

EXIT_OK, EXIT_STRICT, EXIT_ERROR = 0, 1, 2
