"""Parties, exchange rates, budgets."""
from common import add, assume, derive

JPY_FY26 = 9.04e12 / 58e9  # ~155.9 JPY per USD


def build():
    add("parties", id="US", name="United States (Department of Defense / War)", country="US",
        fiscal_year_start_month=10, fiscal_year_named_by="end", currency="USD", sector="government")
    add("parties", id="JP", name="Japan (Ministry of Defense / ATLA)", country="JP",
        fiscal_year_start_month=4, fiscal_year_named_by="start", currency="JPY", sector="government")

    d_rate = derive("jpy-fy2026", "JPY per USD for FY2026 implied by the FY2026 budget reporting",
                    f"JPY 9.04T / USD 58B = {JPY_FY26:.1f} JPY per USD (both figures from fb-P-07).")
    a_rate = assume("jpy-other-years", "JPY per USD for FY2024-25 and FY2027-30",
                    "Not in the fact base. FY2024-25 set near the observed 150-152 range; FY2027-30 held flat at the "
                    "FY2026 derived rate (~155.9). Sensitivity range 130-170.")
    a_aud = assume("aud-rate", "AUD per USD, all fiscal years",
                   "Not in the fact base; held at 1.52 (near the 2024-25 average) to price the A$200M Lynas offtake "
                   "(fb-X-27). Range 1.40-1.65.")
    for fy in range(2024, 2031):
        if fy == 2026:
            add("rates", currency="JPY", fiscal_year=fy, per_base=round(JPY_FY26, 2), source=f"{d_rate};fb-P-07")
        else:
            add("rates", currency="JPY", fiscal_year=fy, per_base={2024: 151.0, 2025: 150.0}.get(fy, round(JPY_FY26, 2)),
                source=a_rate)
        add("rates", currency="AUD", fiscal_year=fy, per_base=1.52, source=a_aud)

    add("budgets", party="JP", fiscal_year=2026, amount=9.04e12, currency="JPY", purpose="total", source="fb-P-07")
    a_us = assume("us-fy2026-total", "US FY2026 national-defense topline (order of magnitude)",
                  "Not in the fact base. USD 850B used as a round order-of-magnitude topline for the US budget "
                  "so the optimizer has a ceiling; range 800-1,000B.")
    add("budgets", party="US", fiscal_year=2026, amount=8.5e11, currency="USD", purpose="total", source=a_us)
    a_mit = assume("mitigation-budgets", "Mitigation budgets per party and fiscal year",
                   "Not public. Sized so that some but not all candidates fit in one year: US USD 500M/yr "
                   "(the Camden SRM campus alone, or the Boeing seeker line plus the James City JSM line); JP JPY 40B/yr "
                   "(the JOGMEC stockpiles plus either the MHI line expansion or both Lynas offtakes, not the MELCO line).")
    for fy in range(2026, 2031):
        add("budgets", party="US", fiscal_year=fy, amount=5.0e8, currency="USD", purpose="mitigation", source=a_mit)
        add("budgets", party="JP", fiscal_year=fy, amount=4.0e10, currency="JPY", purpose="mitigation", source=a_mit)
