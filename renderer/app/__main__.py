"""`python -m renderer.app`: the `vizspec` script."""

import sys

from .entry import main

sys.exit(main())
