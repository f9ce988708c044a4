"""botocore's loader, told to answer whether it has a service's model from that service's
directories (``service_names``), answers as botocore's whole listing does, for every
service it has and others; the tool's clients are made without that listing."""

from __future__ import annotations

import os
from pathlib import Path

import botocore.session
import pytest
from botocore.exceptions import UnknownServiceError
from botocore.loaders import Loader

from reconciler.awsclient.aws import make_client, make_session
from reconciler.awsclient.service_names import ServiceNames, answer_directly

TYPES = ("service-2", "endpoint-rule-set-1", "paginators-1", "waiters-2")


def loaders() -> tuple[Loader, Loader]:
    """botocore's loader as it is, and one answering directly."""
    theirs = botocore.session.get_session().get_component("data_loader")
    ours = botocore.session.get_session().get_component("data_loader")
    answer_directly(ours)
    return theirs, ours


@pytest.mark.parametrize("type_name", TYPES)
def test_every_name_is_found_as_in_botocore_s_listing(type_name: str) -> None:
    theirs, ours = loaders()
    listed = theirs.list_available_services(type_name)
    names = ours.list_available_services(type_name)
    assert isinstance(names, ServiceNames)
    data = Path(botocore.__file__).parent / "data"
    every = sorted(p.name for p in data.iterdir())  # also those without this file
    others = ["nope", "CHIME", "chime/..", "..", "", "chime ", "_retry", "endpoints.json"]
    for name in [*every, *others]:
        assert (name in names) == (name in listed), name
    assert list(names) == listed and len(names) == len(listed) and names == listed
    assert names[0] == listed[0] and names[-2:] == listed[-2:]
    assert repr(names) == repr(listed)


def test_a_data_path_of_the_user_s_is_searched_too(tmp_path: Path) -> None:
    model = tmp_path / "made-up" / "2020-01-01" / "service-2.json"
    model.parent.mkdir(parents=True)
    model.write_text("{}")
    (tmp_path / "empty" / "2020-01-01").mkdir(parents=True)  # no model in it
    theirs = Loader(extra_search_paths=[str(tmp_path)])
    ours = Loader(extra_search_paths=[str(tmp_path)])
    answer_directly(ours)
    names = ours.list_available_services("service-2")
    assert "made-up" in names and "made-up" in theirs.list_available_services("service-2")
    assert "empty" not in names and "empty" not in theirs.list_available_services("service-2")


def test_an_unknown_service_is_refused_as_botocore_refuses_it() -> None:
    with pytest.raises(UnknownServiceError) as theirs:
        botocore.session.get_session().create_client("nope", region_name="us-east-1")
    with pytest.raises(UnknownServiceError) as ours:
        make_session(None, "us-east-1").create_client("nope", region_name="us-east-1")
    assert str(ours.value) == str(theirs.value)
    assert "chime" in str(ours.value)  # the whole list, as botocore names it


def test_the_tool_s_clients_are_made_without_listing_every_service(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The ~17 ms this saves of a plan's start: no data directory but the service's own is
    listed (botocore's listing lists each of its ~440)."""
    listed: list[str] = []
    real = os.listdir

    def listdir(path: str = ".") -> list[str]:
        listed.append(str(path))
        return real(path)

    monkeypatch.setattr(os, "listdir", listdir)
    session = make_session(None, "us-east-1")
    for service in ("chime", "chime-sdk-messaging", "chime-sdk-identity", "chime-sdk-meetings"):
        make_client(service, endpoint_url="http://127.0.0.1:1", session=session)
    data = str(Path(botocore.__file__).parent / "data")
    services = {p for p in listed if os.path.dirname(p) == data}
    assert services <= {
        os.path.join(data, s)
        for s in ("chime", "chime-sdk-messaging", "chime-sdk-identity", "chime-sdk-meetings")
    }
