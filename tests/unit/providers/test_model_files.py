"""botocore's data files decoded by orjson (``model_files``) are the values botocore's own
loader gives, for every file a client of each service the tool calls loads; a file orjson
refuses loads as botocore loads it."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.loaders import JSONFileLoader, Loader

from reconciler.awsclient.aws import make_client
from reconciler.awsclient.model_files import OrjsonFileLoader, use_orjson

SERVICES = ("chime", "chime-sdk-messaging", "chime-sdk-identity", "chime-sdk-meetings")


def same_in_order(a: Any, b: Any) -> bool:
    """Equal, and every mapping's keys in the same order (botocore serialises in it)."""
    if isinstance(a, dict):
        return (
            isinstance(b, dict) and list(a) == list(b) and all(same_in_order(a[k], b[k]) for k in a)
        )
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(same_in_order, a, b))
    return type(a) is type(b) and a == b


def loaded_files(service: str) -> list[str]:
    """The files (paths without extension) that making a client of ``service`` loads."""
    session = botocore.session.get_session()
    loader = session.get_component("data_loader")
    seen: list[str] = []
    original = loader.file_loader.load_file

    def record(path: str) -> Any:
        data = original(path)
        if data is not None:
            seen.append(path)
        return data

    loader.file_loader.load_file = record
    session.create_client(service, region_name="us-east-1", endpoint_url="http://127.0.0.1:1")
    return seen


@pytest.mark.parametrize("service", SERVICES)
def test_every_file_a_client_loads_decodes_to_the_same_values(service: str) -> None:
    paths = loaded_files(service)
    names = {Path(p).name for p in paths}
    assert {"endpoints", "service-2", "endpoint-rule-set-1"} <= names
    for path in paths:
        theirs = JSONFileLoader().load_file(path)
        ours = OrjsonFileLoader().load_file(path)
        assert same_in_order(ours, theirs), path


def test_the_tool_s_clients_decode_with_orjson() -> None:
    client = make_client("chime", endpoint_url="http://127.0.0.1:1")
    loader = client._loader  # botocore keeps the session's loader on the client
    assert isinstance(loader.file_loader, OrjsonFileLoader)


@pytest.mark.parametrize("compress", [False, True])
def test_a_file_orjson_refuses_loads_as_botocore_loads_it(tmp_path: Path, compress: bool) -> None:
    text = b'{"b": NaN, "a": [1, 18446744073709551616], "c": {"z": 1, "y": 2}}'
    target = tmp_path / ("model.json.gz" if compress else "model.json")
    target.write_bytes(gzip.compress(text) if compress else text)
    ours = OrjsonFileLoader().load_file(str(tmp_path / "model"))
    theirs = JSONFileLoader().load_file(str(tmp_path / "model"))
    assert list(ours) == ["b", "a", "c"]
    assert ours["a"] == theirs["a"] == [1, 18446744073709551616]
    assert list(ours["c"]) == ["z", "y"]
    assert ours["b"] != ours["b"]  # NaN, as json.loads reads it


def test_invalid_utf8_fails_as_in_botocore(tmp_path: Path) -> None:
    (tmp_path / "model.json").write_bytes(b'{"a": "\xff"}')
    with pytest.raises(UnicodeDecodeError):
        JSONFileLoader().load_file(str(tmp_path / "model"))
    with pytest.raises(UnicodeDecodeError):
        OrjsonFileLoader().load_file(str(tmp_path / "model"))


def test_a_missing_file_is_none_as_in_botocore(tmp_path: Path) -> None:
    loader = Loader(extra_search_paths=[str(tmp_path)], include_default_search_paths=False)
    use_orjson(loader)
    assert loader.file_loader.load_file(str(tmp_path / "absent")) is None
    assert not loader.file_loader.exists(str(tmp_path / "absent"))
