"""tools/chaos.py loaded as a module, for the tests that reuse its pieces."""

import importlib.util
from pathlib import Path

PATH = Path(__file__).resolve().parents[2] / "tools" / "chaos.py"

_spec = importlib.util.spec_from_file_location("newsroom_chaos_script", PATH)
chaos = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(chaos)
