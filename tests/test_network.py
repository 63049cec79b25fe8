"""Network money helpers both engines call (DESIGN: money converted through `rates` per fiscal year).
Reference: the tiny pack's rates (150 JPY per USD in FY2026 and FY2027) and the US fiscal year
(October to September, named by its end)."""

from __future__ import annotations

import numpy as np
import pytest

import allyforge


@pytest.fixture(scope="module")
def tiny():  # noqa: ANN201
    from tests.conftest import FIXTURES

    return allyforge.load_pack(FIXTURES / "tiny")


def test_base_fiscal_years_follow_the_base_currency_party(tiny) -> None:
    # USD is the base; the US party's FY2027 starts in October 2026
    assert list(tiny.base_fiscal_years(["2026-09", "2026-10", "2027-09"])) == [2026, 2027, 2027]


def test_to_base_and_blank_currencies(tiny) -> None:
    np.testing.assert_allclose(tiny.to_base("JPY", np.array([2026, 2027, 2026])), [1 / 150] * 3)
    np.testing.assert_allclose(tiny.to_base("USD", np.array([2026])), [1.0])
    for blank in (None, "", float("nan")):
        assert tiny.currency_or_base(blank) == "USD"
    out = tiny.in_base(np.array([300.0, 2.0, np.nan]), ["JPY", float("nan"), "JPY"], np.array([2026, 2027]))
    np.testing.assert_allclose(out, [[2.0, 2.0], [2.0, 2.0], [0.0, 0.0]])


def test_convert_between_party_currencies(tiny) -> None:
    assert tiny.convert(2000, "USD", "JPY", 2026) == pytest.approx(300_000)
    assert tiny.convert(1.5e9, "JPY", None, 2027) == pytest.approx(1e7)
