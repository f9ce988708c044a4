"""A local Chime API emulator: the rest-json ``chime`` API (and ``chime-sdk-meetings``, in
``meetings/``) over real HTTP, for tests, the demo and benchmarks. State (``models``) is
kept apart from HTTP (``urls``, ``responses``, ``app``, ``server``), as moto does."""

from reconciler.emulator.errors import ChimeError, FaultConfigError, SeedError
from reconciler.emulator.faults import FaultConfig
from reconciler.emulator.models import ChimeBackend
from reconciler.emulator.seed import Seed, load_seed, parse_seed
from reconciler.emulator.server import EmulatorServer
from reconciler.loopback import is_loopback

__all__ = [
    "ChimeBackend",
    "ChimeError",
    "EmulatorServer",
    "FaultConfig",
    "FaultConfigError",
    "Seed",
    "SeedError",
    "is_loopback",
    "load_seed",
    "parse_seed",
]
