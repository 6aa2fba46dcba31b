"""Serve the app in its own process: ``python -m tests.ops.serve PORT DIR CONFIG_JSON``.

The degraded-mode tests run the server apart from the test process (as gunicorn would), so
process-wide state — Flask-Limiter's storage, logging handlers — is that of one deployment.
JSON log lines go to standard error; "ready" is printed on standard output when serving.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from werkzeug.serving import make_server

from tests.conftest import TEST_RULES
from tests.live import make_test_app


def main() -> None:
    port, directory, config = int(sys.argv[1]), Path(sys.argv[2]), json.loads(sys.argv[3])
    seed = config.pop("_seed", True)
    app = make_test_app(directory, TEST_RULES if seed else (), config, defaults=seed)
    server = make_server("127.0.0.1", port, app, threaded=True)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
