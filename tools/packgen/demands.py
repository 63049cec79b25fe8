"""Final-assembly -> customer lanes and monthly demands (planned delivery profiles)."""
from common import add, assume, derive, S, MONTHS, month_share
from materials import L
import programs as P

DEM_MONTHS = [m for m in MONTHS if m >= "2025-01"]
JPY = 155.86


def _lagmin(pid, m, lag=3):
    """The lowest annual rate of the month and the `lag` before it, as this month's runs (by calendar days)."""
    i = MONTHS.index(m)
    annual = min((P._annual_at(P.RAMPS[pid], MONTHS[j]) or (0.0, ""))[0] for j in range(max(0, i - lag), i + 1))
    return annual * month_share(m)


def build():
    a_prof = assume("delivery-profile", "Planned delivery profile = 90% of the public production rate, lagged 3 months",
                    "Demand profiles are not public. Deliveries are taken as 90% of the line's rate (the month's rate and "
                    "the 3 preceding months, whichever is lowest), so that with no trade rules capacity exceeds demand. "
                    "The US customer takes what the Japanese program does not and stands in for all other (FMS) customers of "
                    "the US lines. Annual rates become monthly by calendar days. Range 80-100%.")
    a_jp = assume("jp-quantities", "Japanese monthly quantities where only totals are public",
                  "AMRAAM (JASDF FMS) 3/month; SM-6 (JMSDF) 0.5/month from 2027; SM-3 IIA 0.6/month (73 rounds over "
                  "~10 years, fb-M-04); JSM 1/month; JASSM-ER up to 50 over 2027-28 (fb-M-08) = 2.08/month; Tomahawk "
                  "Block IV 200 over 2026-03..2027-12 and Block V 200 over 2027-04..2029-03 (fb-M-05). Range x0.5-x1.5.")
    a_bo = assume("backorder-cost", "Backorder penalty per unit short per month",
                  "Not public. 5% of the end item's unit value per unit-month (JP rows converted at ~155.9 JPY/USD); "
                  "priority 1 for all programs. Range 1-20%.")
    a_p09 = assume("p09-export-lane", "Capacity of the JP->US licence-built PAC-3 export lane",
                   "fb-P-10: first transfer ~USD 19.5M, quantity undisclosed (~5 rounds at ~USD 4M, fb-M-40). Lane capped "
                   "at 1/month, used only as spill behind Camden (priority 2).")
    for lid_item, o, d, lead, pri, extra in [
        ("pac3-mse", "lm-camden", "us-army", 0, 1, "fb-M-01"), ("pac3-mse", "mhi-komaki", "jasdf", 0, 1, "fb-M-11"),
        ("amraam", "rtx-tucson", "usaf", 0, 1, "fb-M-02"), ("amraam", "rtx-tucson", "jasdf", 2, 1, "fb-M-17"),
        ("sm-6", "rtx-huntsville", "us-navy", 0, 1, "fb-M-03"), ("sm-6", "rtx-huntsville", "jmsdf", 2, 1, "fb-M-03"),
        ("sm-3-iia", "rtx-huntsville", "us-navy", 0, 1, "fb-M-04"), ("sm-3-iia", "rtx-huntsville", "jmsdf", 2, 1, "fb-M-04"),
        ("tomahawk-blk-v", "rtx-tucson", "us-navy", 0, 1, "fb-M-05"), ("tomahawk-blk-v", "rtx-tucson", "jmsdf", 2, 1, "fb-M-05"),
        ("tomahawk-blk-iv", "rtx-tucson", "jmsdf", 2, 1, "fb-M-05"),
        ("type-12-improved", "mhi-type12", "jgsdf", 0, 1, "fb-M-06"),
        ("jsm", "kongsberg-no", "jasdf", 2, 1, "fb-M-07"), ("jsm", "kongsberg-james-city", "jasdf", 2, 2, "fb-M-07"),
        ("jassm-er", "lm-troy", "usaf", 0, 1, "fb-M-08"), ("jassm-er", "lm-troy", "jasdf", 2, 1, "fb-M-08"),
        ("amraam", "melco-kamakura", "jasdf", 0, 2, "fb-M-02")]:
        L(lid_item, o, d, lead, pri, extra=extra)
    L("pac3-mse", "mhi-komaki", "us-army", 2, 2, cap=1, cap_src=a_p09, extra="fb-P-09;fb-P-10")

    uv = {"pac3-mse": 4e6, "amraam": 1e6, "sm-6": 4.3e6, "sm-3-iia": 15e6, "tomahawk-blk-iv": 1.5e6,
          "tomahawk-blk-v": 1.7e6, "type-12-improved": 3e6, "jsm": 2.5e6, "jassm-er": 2.08e6}

    def dem(site, it, party, m, q, s):
        if q <= 1e-9:
            return
        cur = "USD" if party == "US" else "JPY"
        bc = uv[it] * 0.05 * (1 if party == "US" else JPY)
        add("demands", site=site, item=it, party=party, period=m, quantity=round(q, 3), priority=1, backorder=True,
            backorder_cost=round(bc), currency=cur, source=S(s, a_bo))

    def jp_q(it, m):
        if it == "amraam":
            return 3.0
        if it == "sm-6":
            return 0.5 if m >= "2027-01" else 0
        if it == "sm-3-iia":
            return 0.6
        if it == "jassm-er":
            return 50 / 24 if "2027-01" <= m <= "2028-12" else 0
        if it == "tomahawk-blk-v":
            return 200 / 24 if "2027-04" <= m <= "2029-03" else 0
        return 0

    src_prof = S(a_prof, "d-annual-to-monthly")
    for m in DEM_MONTHS:
        dem("us-army", "pac3-mse", "US", m, 0.9 * _lagmin("fa-pac3-camden", m), S(src_prof, "fb-M-13"))
        dem("jasdf", "pac3-mse", "JP", m, 0.9 * _lagmin("fa-pac3-mhi", m), S(src_prof, "fb-M-11"))
        for pid, it, us_site, jp_site in [("fa-amraam-tucson", "amraam", "usaf", "jasdf"),
                                          ("fa-sm6-huntsville", "sm-6", "us-navy", "jmsdf"),
                                          ("fa-sm3-huntsville", "sm-3-iia", "us-navy", "jmsdf"),
                                          ("fa-tomahawk-v-tucson", "tomahawk-blk-v", "us-navy", "jmsdf"),
                                          ("fa-jassm-troy", "jassm-er", "usaf", "jasdf")]:
            tot = 0.9 * _lagmin(pid, m)
            j = jp_q(it, m)
            assert tot - j >= 0, (it, m)
            dem(jp_site, it, "JP", m, j, S(src_prof, a_jp))
            dem(us_site, it, "US", m, tot - j, src_prof)
        if "2026-03" <= m <= "2027-12":
            dem("jmsdf", "tomahawk-blk-iv", "JP", m, 200 / 22, S(a_jp, "fb-M-05"))
        if m >= "2026-04":
            dem("jgsdf", "type-12-improved", "JP", m, 0.9 * _lagmin("fa-type12-mhi", m), S(src_prof, "fb-M-06"))
        dem("jasdf", "jsm", "JP", m, 1.0, a_jp)
