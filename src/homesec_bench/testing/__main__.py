"""`python -m homesec_bench.testing [--port 0] [--accuracy 0.8] ...`: the fake server's command line.

It prints its base URL on stdout once it listens and serves until SIGTERM/SIGINT; see --help.
"""

import sys

from homesec_bench.testing.fake_server import main

sys.exit(main())
