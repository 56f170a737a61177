"""``python -m python_model.audit LOGFILE``: see :mod:`python_model.audit.cli`."""

import sys

from .cli import main

sys.exit(main())
