"""End items, final-assembly sites and lines, public rates as capacity overrides, programs, customers."""
from common import item, site, process, capacity, add, assume, derive, S, MONTHS, month_share

DM = "d-annual-to-monthly"
# process -> [(period, annual rate, sources)]
RAMPS = {}
FA = {}  # process -> (site, end item)


def srcs():
    g = {}
    g["ramp"] = derive("linear-ramp", "Linear interpolation between public rate points",
                       "Where the public record gives a start and an end rate (e.g. PAC-3 MSE 650/yr in 2027 to 2,000/yr by "
                       "end-2030, fb-M-11, fb-M-14), intermediate years are linearly interpolated.", uncertain=True)
    g["amraam"] = assume("amraam-rate", "AMRAAM current production rate and ramp",
                         "Current rate not public (fb-M16 UNCERTAIN). Assumed 1,000/yr in 2024 rising linearly to the "
                         "framework's 1,900/yr (fb-M-16) by 2030. Range for 2024: 800-1,300/yr.".replace("M16", "M-16"))
    g["sm3"] = assume("sm3-rate", "SM-3 Block IIA baseline rate",
                      "Baseline not public (fb-M-19). Assumed 36/yr (2024-25) rising ~2.5x to 90/yr by 2030, inside the "
                      "framework's 2-4x. Range 24-60/yr baseline.")
    g["tlam"] = assume("tomahawk-ramp", "Tomahawk ramp timing",
                       "fb-M-20 gives ~60/yr now and 1,000+/yr 'over time' without dates. Assumed 60 (2024-25), 90 (2026), "
                       "150 (2027), 300 (2028), 500 (2029), 700 (2030). Block IV rounds for Japan (fb-M-05) assumed built/"
                       "recertified at ~11/month 2025-27 and 1/month otherwise.")
    g["type12"] = assume("type12-rate", "Type-12 (improved) production rate",
                         "Not disclosed (fb-M-22: 'gradually increase over five years'). Assumed 4/month from 2025-07 "
                         "(FY2026 deliveries, fb-M-06), 6 from 2027, 8 from 2028. Range x0.5-x2.")
    g["jsm"] = assume("jsm-rate", "JSM production rate at Kongsberg",
                      "Not public. Assumed 12/month of JSM-family output, of which Japan takes a small share; James City "
                      "candidate line 4/month. Range x0.5-x2.")
    g["jassm"] = assume("jassm-rate", "JASSM-ER production rate at Troy",
                        "Not in the fact base. Assumed 500/yr (2024-25), 600 (2026-27), 800 (2028+). Range +/-40%.")
    g["pac3-26"] = assume("pac3-2026", "PAC-3 MSE Camden rate in 2026",
                          "Between 620 delivered in 2025 (fb-M-12) and 650 by 2027 (fb-M-11): 635/yr.")
    g["melco"] = assume("melco-amraam-line", "MELCO AMRAAM co-production line (candidate)",
                        "Feasibility study only (fb-M-02; P-12). Assumed 60/yr (5/month) if invested; range 30-120/yr.")
    return g


def _annual_at(pts, month):
    """(annual rate, its source) in force in `month` (the last ramp point at or before it)."""
    cur = None
    for per, ann, s in pts:
        if per <= month:
            cur = (ann, s)
    return cur


def ramp(pid, pts, site_id, end_item, status="active"):
    """pts: [(period, annual, src)] -> process capacity + monthly overrides (annual rate by calendar days)."""
    RAMPS[pid] = pts
    FA[pid] = (site_id, end_item)
    first = pts[0]
    process(pid, site_id, cap_at(pid, MONTHS[0]), S(first[2], DM), [(end_item, 1)], status=status,
            out_src="d-unit-conversion")
    prev = cap_at(pid, MONTHS[0])
    for m in MONTHS[1:]:
        v = cap_at(pid, m)
        if v != prev:
            capacity(pid, m, v, S(_annual_at(pts, m)[1], DM))
            prev = v


def cap_at(pid, month):
    """Runs per month in `month`: the annual rate in force, by calendar days."""
    cur = _annual_at(RAMPS[pid], month)
    return round(cur[0] * month_share(month), 3) if cur else 0.0


def build():
    g = srcs()
    ends = [("pac3-mse", "PAC-3 MSE interceptor", 4e6, "fb-M-40"), ("amraam", "AIM-120 AMRAAM", 1e6, "fb-M-41"),
            ("sm-6", "Standard Missile-6 (SM-6)", 4.3e6, "fb-M-42"), ("sm-3-iia", "SM-3 Block IIA", 15e6, "fb-M-44"),
            ("tomahawk-blk-iv", "Tomahawk Block IV", 1.5e6, "fb-M-45"), ("tomahawk-blk-v", "Tomahawk Block V", 1.7e6, "fb-M-45"),
            ("type-12-improved", "Type-12 surface-to-ship missile (improved)", 3e6, "a-unit-value-undisclosed"),
            ("jsm", "Joint Strike Missile (JSM)", 2.5e6, "a-unit-value-undisclosed"),
            ("jassm-er", "JASSM-ER", 104e6 / 50, "d-jassm-unit-value")]
    assume("unit-value-undisclosed", "Unit value of Type-12 (improved) and JSM",
           "No reliable public unit cost (fb-M-48). Assumed USD 3M (Type-12) and 2.5M (JSM) as cruise-missile-class "
           "placeholders; range 1.5-6M.")
    derive("jassm-unit-value", "JASSM-ER unit value = USD 104M / 50 missiles", "Upper bound: the FMS case includes "
           "related equipment (fb-M-47), so 2.08M overstates the missile alone.", uncertain=True)
    a_hold = assume("holding-cost", "Holding cost of items",
                    "Not public. 0.5% of unit value per month (~6%/yr capital + storage) for end items and components; "
                    "for materials 1% of the cited price per month. Range x0.5-x2.")
    for iid, name, uv, s in ends:
        item(iid, name, "each", "end_item", unit_value=uv, currency="USD", holding_cost=round(uv * 0.005, 2),
             source=S(s, a_hold, "fb-M-48" if s.startswith("a-unit") else ""))

    mil = dict(sector="military")
    site("lm-camden", "Lockheed Martin PAC-3 MSE final assembly (AUR I-III), Camden AR", "US", "plant",
         operator="Lockheed Martin Missiles and Fire Control", party="US", lat=33.62, lon=-92.73, source="fb-M-01", **mil)
    site("mhi-komaki", "MHI missile works, Komaki (PAC-3 licence line; SM-3 IIA Japanese sections)", "JP", "plant",
         operator="Mitsubishi Heavy Industries", party="JP", lat=35.29, lon=136.91, source="fb-M-01;fb-M-04", **mil)
    site("rtx-tucson", "RTX Raytheon Missiles & Defense, Tucson AZ", "US", "plant", operator="RTX (Raytheon)", party="US",
         lat=32.13, lon=-110.93, source="fb-M-02;fb-M-03;fb-M-05", **mil)
    site("rtx-huntsville", "Raytheon Redstone Missile Integration Facility, Huntsville AL (SM-3/SM-6 final assembly)",
         "US", "plant", operator="RTX (Raytheon)", party="US", lat=34.68, lon=-86.65, source="fb-M-03", **mil)
    site("lm-troy", "Lockheed Martin Pike County Operations, Troy AL (JASSM)", "US", "plant", operator="Lockheed Martin",
         party="US", lat=31.86, lon=-85.97, source="fb-M-08", **mil)
    site("kongsberg-no", "Kongsberg Defence & Aerospace missile plant, Kongsberg", "NO", "plant",
         operator="Kongsberg Defence & Aerospace", lat=59.67, lon=9.65, source="fb-M-07", **mil)
    site("kongsberg-johnstown", "Kongsberg plant, Johnstown PA", "US", "plant", operator="Kongsberg Defence & Aerospace",
         lat=40.33, lon=-78.92, source="fb-M-07", **mil)
    site("kongsberg-james-city", "Kongsberg missile plant (announced 2024), James City County VA", "US", "plant",
         operator="Kongsberg Defence & Aerospace", lat=37.31, lon=-76.75, source="fb-M-07", **mil)
    site("mhi-type12", "MHI Type-12 (improved) production (plant not stated in sources)", "JP", "plant",
         operator="Mitsubishi Heavy Industries", party="JP", source="fb-M-06", **mil)
    site("melco-kamakura", "Mitsubishi Electric Kamakura Works (candidate AMRAAM co-production)", "JP", "plant",
         operator="Mitsubishi Electric (MELCO)", party="JP", lat=35.35, lon=139.53, source="fb-M-02", **mil)
    for cid, name, c, party in [("us-army", "US Army (Patriot units; delivery point)", "US", "US"),
                                ("us-navy", "US Navy / MDA (delivery point)", "US", "US"),
                                ("usaf", "US Air Force (delivery point)", "US", "US"),
                                ("jasdf", "Japan Air Self-Defense Force (delivery point)", "JP", "JP"),
                                ("jmsdf", "Japan Maritime Self-Defense Force (delivery point)", "JP", "JP"),
                                ("jgsdf", "Japan Ground Self-Defense Force (delivery point)", "JP", "JP")]:
        site(cid, name, c, "customer", operator=name.split(" (")[0], party=party, sector="military")

    m11, m12, m14 = "fb-M-11", "fb-M-12", "fb-M-14"
    ramp("fa-pac3-camden", [("2024-01", 500, S(m11, m12)), ("2025-01", 620, m12), ("2026-01", 635, g["pac3-26"]),
                            ("2027-01", 650, m11), ("2028-01", 1000, S(g["ramp"], m14)), ("2029-01", 1350, S(g["ramp"], m14)),
                            ("2030-01", 1700, S(g["ramp"], m14)), ("2030-12", 2000, m14)], "lm-camden", "pac3-mse")
    ramp("fa-pac3-mhi", [("2024-01", 30, m11)], "mhi-komaki", "pac3-mse")
    a = g["amraam"]
    ramp("fa-amraam-tucson", [("2024-01", 1000, a), ("2025-01", 1100, a), ("2026-01", 1200, a), ("2027-01", 1400, a),
                              ("2028-01", 1600, a), ("2029-01", 1750, a), ("2030-01", 1900, S(a, "fb-M-16"))],
         "rtx-tucson", "amraam")
    ramp("fa-amraam-melco", [("2024-01", 60, g["melco"])], "melco-kamakura", "amraam", status="candidate")
    r, m18 = g["ramp"], "fb-M-18"
    ramp("fa-sm6-huntsville", [("2024-01", 125, m18), ("2026-01", 150, S(r, m18)), ("2027-01", 200, S(r, m18)),
                               ("2028-01", 300, S(r, m18)), ("2029-01", 400, S(r, m18)), ("2030-01", 500, m18)],
         "rtx-huntsville", "sm-6")
    s3 = S(g["sm3"], "fb-M-19")
    ramp("fa-sm3-huntsville", [("2024-01", 36, s3), ("2026-01", 40, s3), ("2027-01", 50, s3), ("2028-01", 60, s3),
                               ("2029-01", 75, s3), ("2030-01", 90, s3)], "rtx-huntsville", "sm-3-iia")
    t = S(g["tlam"], "fb-M-20")
    ramp("fa-tomahawk-v-tucson", [("2024-01", 60, "fb-M-20"), ("2026-01", 90, t), ("2027-01", 150, t), ("2028-01", 300, t),
                                  ("2029-01", 500, t), ("2030-01", 700, t)], "rtx-tucson", "tomahawk-blk-v")
    t4 = S(g["tlam"], "fb-M-05")
    ramp("fa-tomahawk-iv-tucson", [("2024-01", 12, t4), ("2025-01", 132, t4), ("2028-01", 12, t4)], "rtx-tucson",
         "tomahawk-blk-iv")
    ty = S(g["type12"], "fb-M-22")
    ramp("fa-type12-mhi", [("2024-01", 24, ty), ("2025-07", 48, ty), ("2027-01", 72, ty), ("2028-01", 96, ty)],
         "mhi-type12", "type-12-improved")
    ramp("fa-jsm-kongsberg", [("2024-01", 144, g["jsm"])], "kongsberg-no", "jsm")
    ramp("fa-jsm-james-city", [("2024-01", 48, g["jsm"])], "kongsberg-james-city", "jsm", status="candidate")
    j = g["jassm"]
    ramp("fa-jassm-troy", [("2024-01", 500, j), ("2026-01", 600, j), ("2028-01", 800, j)], "lm-troy", "jassm-er")

    for pid, it, party, name, s in [
        ("pac3-mse-us", "pac3-mse", "US", "PAC-3 MSE (US Army)", "fb-M-01;fb-M-13"),
        ("pac3-mse-jp", "pac3-mse", "JP", "PAC-3 (MSE) licence-built for JASDF", "fb-M-01;fb-M-11"),
        ("amraam-us", "amraam", "US", "AIM-120 AMRAAM (USAF)", "fb-M-02"),
        ("amraam-jp", "amraam", "JP", "AIM-120 AMRAAM (JASDF, FMS)", "fb-M-02;fb-M-17"),
        ("sm6-us", "sm-6", "US", "SM-6 (US Navy)", "fb-M-03"), ("sm6-jp", "sm-6", "JP", "SM-6 (JMSDF)", "fb-M-03"),
        ("sm3-iia-us", "sm-3-iia", "US", "SM-3 Block IIA (MDA / US Navy)", "fb-M-04"),
        ("sm3-iia-jp", "sm-3-iia", "JP", "SM-3 Block IIA (JMSDF, FMS)", "fb-M-04"),
        ("tomahawk-v-us", "tomahawk-blk-v", "US", "Tomahawk Block V (US Navy)", "fb-M-05;fb-M-20"),
        ("tomahawk-iv-jp", "tomahawk-blk-iv", "JP", "Tomahawk Block IV (JMSDF, FMS)", "fb-M-05"),
        ("tomahawk-v-jp", "tomahawk-blk-v", "JP", "Tomahawk Block V (JMSDF, FMS)", "fb-M-05"),
        ("type12-jp", "type-12-improved", "JP", "Type-12 SSM improved (JGSDF)", "fb-M-06"),
        ("jsm-jp", "jsm", "JP", "JSM Joint Strike Missile (JASDF F-35A)", "fb-M-07"),
        ("jassm-er-us", "jassm-er", "US", "JASSM-ER (USAF)", "fb-M-08"),
        ("jassm-er-jp", "jassm-er", "JP", "JASSM-ER (JASDF F-15 upgrade, FMS)", "fb-M-08")]:
        add("programs", id=pid, item=it, party=party, name=name, source=s)
