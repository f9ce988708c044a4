"""Regions, as AWS's regional endpoints see them: a Chime SDK messaging or identity call
is answered by the endpoint of one region (the one its request is signed for), which knows
only that region's app instances. The emulator answers every region at one address, so it
reads the region from the signature (``Credential=KEY/DATE/REGION/SERVICE/aws4_request``)
and refuses, as that endpoint would, a call about an ARN of another region: a client that
sends an app instance's calls to the wrong region fails here as it would on AWS. A call
without a signature (a hand-made request) is not checked."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import unquote

from reconciler.emulator.errors import NotFoundError

_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/([^/,\s]+)/")
_ARN = re.compile(r"arn:aws:chime:([a-z0-9-]+):\d{12}:app-instance/[^\s\"&?]+")


def signed_region(headers: Mapping[str, str]) -> str | None:
    """The region a request is signed for (``headers``: names in lower case)."""
    found = _SCOPE.search(headers.get("authorization", ""))
    return None if found is None else found[1]


def check_region(
    path: str, query: Mapping[str, str], body: bytes, headers: Mapping[str, str]
) -> None:
    """NotFoundException when the first ARN the call names (in its path, else its query,
    else its body) is of another region than the one the request is signed for
    (``path``: as sent, percent-encoded; ``query``: decoded)."""
    region = signed_region(headers)
    if region is None:
        return
    found = (
        _ARN.search(unquote(path))
        or _ARN.search(" ".join(query.values()))
        or _ARN.search(body.decode("utf-8", "replace"))
    )
    if found is not None and found[1] != region:
        raise NotFoundError(
            f"{found[0]} not found: the {region} endpoint knows only {region}'s resources "
            f"(this ARN is in {found[1]})."
        )
