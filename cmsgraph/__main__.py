"""``python -m cmsgraph``: the same as the ``cmsgraph`` command."""

import sys

from .cli import main

sys.exit(main())
