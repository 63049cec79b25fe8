"""Which adapter stores a result: by class for engine results, the generic protocols otherwise."""

from __future__ import annotations

import pandas as pd
import pytest

from allyforge.store import open_store, record_run
from allyforge.store.adapters import adapter_for, adapter_of_engine, adapters


def test_one_adapter_per_engine():
    assert [a.engine for a in adapters()] == ["simulate", "risk", "schedule", "optimize"]
    assert adapter_of_engine("risk").engine == "risk" and adapter_of_engine("nope") is None


def test_plain_results_have_no_adapter_and_need_an_engine_name(tmp_path):
    frames = {"t": pd.DataFrame({"x": [1.0]})}
    assert adapter_for(frames) is None
    with pytest.raises(TypeError, match="name the engine"):
        record_run(frames, store=open_store(tmp_path))
    assert open_store(tmp_path).runs() == []  # nothing was created
