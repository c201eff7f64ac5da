"""Points the seed's unchanged tests/test_production.py at the stack under test.

The seed hard-codes BASE_URL = "http://localhost:8000" as a module constant and reads it at call
time, so replacing the module attribute before each test is enough; the seed file itself stays
byte-identical to the lesson (see ../extract.sh --check). SEED_BASE_URL unset = the seed's own URL.
For https, httpx trusts the CA named by SSL_CERT_FILE (the acceptance run's dev CA).
"""
import os

import pytest


@pytest.fixture(autouse=True)
def _seed_base_url(request, monkeypatch):
    url = os.environ.get("SEED_BASE_URL")
    module = request.module
    if url and module is not None and hasattr(module, "BASE_URL"):
        monkeypatch.setattr(module, "BASE_URL", url.rstrip("/"))
