"""``python -m qloom`` runs the ``qloom`` command."""

import sys

from qloom.cli import main

sys.exit(main())
