"""``python -m attendant`` does what the ``attendant`` command does."""

import sys

from attendant.cli import main

if __name__ == "__main__":
    sys.exit(main())
