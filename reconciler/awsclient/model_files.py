"""botocore's data files (service models, endpoint rules, ``endpoints.json``) decoded by
orjson.

Making a client decodes about 1.4 MB of JSON (``endpoints.json`` alone is 1.25 MB), which
botocore does with ``json.loads(..., object_pairs_hook=OrderedDict)``: about half the CPU of
making the chime client (24 of 52 ms). orjson decodes the same text to equal values, keys in
the same order (plain dicts: botocore only reads them). A file orjson refuses (NaN, an
integer beyond 64 bits, invalid UTF-8) is decoded by botocore's way, so it loads, or fails,
as before. ``tests/unit/providers/test_model_files.py`` compares the two on every file the
tool's clients load.
"""

from __future__ import annotations

import json
import logging
import os
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import orjson
from botocore.loaders import JSONFileLoader

logger = logging.getLogger("botocore.loaders")  # botocore's own debug line, as before


class OrjsonFileLoader(JSONFileLoader):  # type: ignore[misc]  # botocore is untyped
    """botocore's ``JSONFileLoader`` (``.json`` then ``.json.gz``), decoding with orjson."""

    def _load_file(self, full_path: str, open_method: Callable[..., Any]) -> Any:
        if not os.path.isfile(full_path):
            return None
        with open_method(full_path, "rb") as fp:
            payload = fp.read()
        logger.debug("Loading JSON file: %s", full_path)
        try:
            return orjson.loads(payload)
        except orjson.JSONDecodeError:
            return json.loads(payload.decode("utf-8"), object_pairs_hook=OrderedDict)


def use_orjson(loader: Any) -> None:
    """Have botocore's ``loader`` (a session's ``data_loader``) decode with orjson."""
    loader.file_loader = OrjsonFileLoader()
