"""``python -m qloom_server ARGS`` is ``qloom serve ARGS``."""

import sys

from qloom.cli import main

sys.exit(main(["serve", *sys.argv[1:]]))
