"""Components, component makers (named bottlenecks) and the BOM of end items (per-run inputs)."""
from common import item, site, process, assume, S

A = {}


def qa(key, title, note):
    A[key] = assume(key, title, note)
    return A[key]


def build():
    qa("bom-qty", "Per-missile and per-component material quantities",
       "No public per-missile quantities exist (fb-S-23). Think-tank-plausible placeholders with wide ranges "
       "(low-high) that the simulation may sample: grams of Ga per RF module set, ~0.1-1.5 kg Ge optics per IR set, "
       "0.1-2 kg NdFeB per actuator set, kg-scale titanium/tungsten, notional propellant oxidizer masses.")
    qa("bom-structure", "Which components go into which end item",
       "Subsystem-level mapping from the fact base (fb-M-01..M-08, fb-S-01..S-12): seeker/RF electronics, IR optics, "
       "control actuation (NdFeB; SmCo for Tomahawk fins, fb-S-03), motors, capacitors, airframe metals. One unit "
       "per missile unless stated; not a design description.")
    qa("component-capacity", "Capacity of component lines whose output is not public",
       "Sized to 120% of the peak monthly need of the lines they supply in each year (computed by the pack "
       "generator), so the no-rules counterfactual delivers on time.")
    qa("notional-jp-lines", "Notional Japanese defense component lines",
       "The fact base does not name Japan's suppliers of RF modules, IR optics or control actuators for licence and "
       "domestic missiles. Modelled as notional military-sector lines so that the Jan 2026 ban on dual-use items to "
       "Japanese military end users (fb-Y-09) can bite on their direct Chinese inputs.")
    qa("notional-suppliers", "Generic (aggregate) suppliers not named in the fact base",
       "Magnet makers, capacitor makers, IR optics and actuator suppliers are aggregates per country; the fact base "
       "names countries (e.g. Japan and Germany as NdFeB sources after China, fb-S-04) but not plants.")
    bq, bs, cc = A["bom-qty"], A["bom-structure"], A["component-capacity"]

    assume("ttr", "Time to recover after loss of a site (months)",
           "Not public except the Minden precedent (>=22 months, fb-M-37). Energetics and SRM plants 18-24 months "
           "(AMPAC 24: single source, hazardous rebuild), seeker and GaN foundry lines 12-18 months, missile final-assembly "
           "plants 24 months. Range x0.5-x2.")
    from common import derive
    derive("minden-ttr", "Minden black-powder plant recovery >= 22 months",
           "Explosion June 2021; still offline April 2023 (fb-M-37): June 2021 -> April 2023 = 22 months (a lower bound).")
    comps = [("pac3-seeker", "PAC-3 MSE Ka-band seeker", 6e5), ("rf-mmic-set", "GaN/GaAs RF module set (one seeker/uplink)", 5e4),
             ("ir-optic-set", "Germanium IR optics set (one IR seeker/imager)", 3e4),
             ("ndfeb-magnet", "NdFeB permanent magnet", None), ("cas-ndfeb", "Electromechanical control actuation set (NdFeB)", 4e4),
             ("smco-actuator-set", "SmCo fin actuator set (Tomahawk)", 5e4), ("tantalum-capacitor-set", "Tantalum capacitor set (one missile)", 2e3),
             ("srm-pac3", "PAC-3 MSE solid rocket motor", 4e5), ("srm-amraam", "AMRAAM rocket motor", 1e5),
             ("srm-sm", "Standard Missile booster/dual-thrust motor set", 8e5), ("srm-tomahawk-booster", "Tomahawk booster motor", 1e5),
             ("srm-type12-booster", "Type-12 booster motor", 2e5), ("srm-sm3-stage2", "SM-3 IIA second-stage motor (Japanese share)", 1e6),
             ("sm6-guidance-section", "SM-6 guidance and control section", 1.5e6), ("sm3-kw", "SM-3 IIA kinetic warhead assembly", 5e6),
             ("sm3-jp-sections", "SM-3 IIA Japanese-built sections (nose cone, 2nd-stage propulsion)", 3e6),
             ("jsm-subassembly", "JSM US-built subassemblies (Johnstown)", 3e5)]
    a_val = assume("component-values", "Unit values of components", "Not public. Placeholders scaled to end-item cost "
                   "(e.g. seeker ~15% of a PAC-3 MSE); used only for holding costs (0.5%/month). Range x0.5-x2.")
    for cid, name, v in comps:
        unit = "kg" if cid == "ndfeb-magnet" else "each"
        groups = "ree_magnet;dual_use" if cid == "ndfeb-magnet" else ""
        if v:
            item(cid, name, unit, "component", groups=groups, unit_value=v, currency="USD", holding_cost=round(v * 0.005, 2),
                 source=S(a_val, "a-holding-cost"))
        else:
            item(cid, name, unit, "component", groups=groups)

    mil = dict(sector="military")
    site("boeing-huntsville", "Boeing PAC-3 seeker plant, Huntsville AL", "US", "plant", operator="Boeing", party="US",
         lat=34.70, lon=-86.62, ttr=12, source=S("fb-M-01;fb-M-31", "a-ttr"), **mil)
    site("l3h-camden", "L3Harris Aerojet Rocketdyne solid rocket motor plant, Camden AR", "US", "plant",
         operator="L3Harris (Aerojet Rocketdyne)", party="US", lat=33.60, lon=-92.78, ttr=18, source=S("fb-M-32", "a-ttr"), **mil)
    site("ng-srm", "Northrop Grumman (ex-ATK) AMRAAM motor plant (plant not stated)", "US", "plant",
         operator="Northrop Grumman", party="US", ttr=18, source=S("fb-M-34;fb-M-33", "a-ttr"), **mil)
    site("nammo-raufoss", "Nammo rocket motor plant, Raufoss", "NO", "plant", operator="Nammo", lat=60.72, lon=10.61,
         ttr=18, source=S("fb-M-34", "a-ttr"), **mil)
    site("ampac-cedar-city", "American Pacific ammonium perchlorate plant, Cedar City UT (single US source)", "US", "plant",
         operator="American Pacific Corp.", lat=37.68, lon=-113.06, ttr=24, source=S("fb-M-35", "a-ttr"))
    site("minden-black-powder", "Black-powder plant, Minden LA (sole US source)", "US", "plant", operator="GOEX",
         lat=32.62, lon=-93.29, ttr=22, source="fb-M-37;d-minden-ttr")
    site("eu-energetics", "European energetics supplier to Nammo (notional)", "FR", "plant", source=A["notional-suppliers"])
    site("jp-ap-maker", "Japanese ammonium perchlorate producer (aggregate)", "JP", "plant", source=A["notional-suppliers"])
    site("jp-black-powder", "Japanese igniter energetics producer (aggregate)", "JP", "plant", source=A["notional-suppliers"])
    site("ihi-aerospace", "IHI Aerospace solid rocket motor plant, Tomioka (Gunma)", "JP", "plant", operator="IHI Aerospace",
         party="JP", lat=36.25, lon=138.87, ttr=18, source=S(A["notional-jp-lines"], "a-ttr"), **mil)
    site("rtx-andover", "Raytheon GaN foundry, Andover MA", "US", "plant", operator="RTX (Raytheon)", party="US",
         lat=42.66, lon=-71.14, ttr=18, source=S("fb-S-01", "a-ttr"), **mil)
    site("us-mmic-foundry", "US merchant GaAs/GaN foundry (aggregate; supplies Boeing seekers)", "US", "plant",
         source=A["notional-suppliers"])
    site("melco-gan", "Mitsubishi Electric GaN device line (plant not stated)", "JP", "plant", operator="Mitsubishi Electric (MELCO)",
         party="JP", source=A["notional-jp-lines"], **mil)
    site("us-ir-optics", "US germanium IR optics makers (aggregate)", "US", "plant", source=S("fb-S-02", A["notional-suppliers"]))
    site("jp-ir-optics", "Japanese defense IR optics line (notional)", "JP", "plant", party="JP", source=A["notional-jp-lines"], **mil)
    site("cn-magnet-makers", "China NdFeB magnet makers (aggregate)", "CN", "plant", source="fb-X-02")
    site("jp-magnet-makers", "Japan NdFeB magnet makers (aggregate)", "JP", "plant", source="fb-S-04")
    site("de-magnet-maker", "Germany NdFeB magnet maker (aggregate)", "DE", "plant", source="fb-S-04")
    site("us-magnet-maker", "US NdFeB magnet makers (aggregate, small)", "US", "plant", source=A["notional-suppliers"])
    site("us-actuator-makers", "US missile control-actuation suppliers (aggregate)", "US", "plant", party="US",
         source=A["notional-suppliers"], **mil)
    site("jp-actuator-line", "Japanese defense control-actuator line (notional)", "JP", "plant", party="JP",
         source=A["notional-jp-lines"], **mil)
    site("us-smco-makers", "US SmCo magnet and fin-actuator suppliers to Raytheon (aggregate)", "US", "plant",
         source="fb-M-38")
    site("solvay-la-rochelle", "Solvay La Rochelle legacy samarium stock", "FR", "depot", operator="Solvay",
         lat=46.15, lon=-1.17, source="fb-M-38")
    site("us-cap-makers", "US tantalum capacitor makers (aggregate)", "US", "plant", source=S("fb-S-10", A["notional-suppliers"]))
    site("jp-cap-makers", "Japan tantalum capacitor makers (aggregate)", "JP", "plant", source=S("fb-S-10", A["notional-suppliers"]))

    def P(pid, site_id, out, ins, cap="auto", src=cc):
        process(pid, site_id, cap, src, [(out, 1)],
                inputs=[(i, q, lo, hi, S(bq if lo is not None else bs, "fb-S-23" if lo is not None else "")) for i, q, lo, hi in ins],
                out_src=bs)

    P("seeker-pac3-boeing", "boeing-huntsville", "pac3-seeker", [("rf-mmic-set", 1, None, None), ("tantalum-capacitor-set", 1, None, None)],
      cap=48, src=A["boeing-seeker"] if "boeing-seeker" in A else qa("boeing-seeker", "Boeing PAC-3 seeker capacity path",
      "2011 rate ~30/month (fb-M-31) was raised since (5,000th seeker, >USD 2B contracts). Assumed 48/month in 2024 and "
      "56 in 2025-26 (enough for Camden + MHI), x1.3 in early 2027 (fb-M-31), then tracking the PAC-3 framework (fb-M-14) "
      "with ~10% headroom, since seven-year subcontracts with key suppliers are planned."))
    for s_id in ("rtx-andover", "us-mmic-foundry", "melco-gan"):
        P(f"mmic-{s_id}", s_id, "rf-mmic-set", [("gallium-hp", 0.002, 0.0005, 0.01)])
    for s_id in ("us-ir-optics", "jp-ir-optics"):
        P(f"optics-{s_id}", s_id, "ir-optic-set", [("germanium-refined", 0.5, 0.1, 1.5), ("beryllium-metal", 0.2, 0.05, 0.5)])
    for s_id in ("cn-magnet-makers", "jp-magnet-makers", "de-magnet-maker", "us-magnet-maker"):
        P(f"magnet-{s_id}", s_id, "ndfeb-magnet", [("ndpr-oxide", 0.3, 0.25, 0.35), ("dy-oxide", 0.04, 0.01, 0.08),
                                                   ("tb-oxide", 0.01, 0.002, 0.03)])
    for s_id in ("us-actuator-makers", "jp-actuator-line"):
        P(f"cas-{s_id}", s_id, "cas-ndfeb", [("ndfeb-magnet", 0.5, 0.1, 2.0)])
    P("smco-us-smco-makers", "us-smco-makers", "smco-actuator-set", [("sm-metal", 0.3, 0.05, 1.0)])
    for s_id in ("us-cap-makers", "jp-cap-makers"):
        P(f"caps-{s_id}", s_id, "tantalum-capacitor-set", [("tantalum-powder", 0.02, 0.005, 0.1)])
    ign = [("black-powder", 0.05, 0.01, 0.2), ("antimony-trisulfide", 0.01, 0.002, 0.05)]
    for pid, s_id, out, ap, gr in [("srm-pac3-camden", "l3h-camden", "srm-pac3", (150, 80, 250), (2, 0.5, 5)),
                                   ("srm-sm-camden", "l3h-camden", "srm-sm", (500, 250, 900), (5, 1, 10)),
                                   ("srm-tlam-camden", "l3h-camden", "srm-tomahawk-booster", (150, 80, 250), (2, 0.5, 5)),
                                   ("srm-amraam-ng", "ng-srm", "srm-amraam", (40, 20, 70), (1, 0.2, 3)),
                                   ("srm-amraam-nammo", "nammo-raufoss", "srm-amraam", (40, 20, 70), (1, 0.2, 3)),
                                   ("srm-type12-ihi", "ihi-aerospace", "srm-type12-booster", (100, 50, 200), (2, 0.5, 5)),
                                   ("srm-sm3s2-ihi", "ihi-aerospace", "srm-sm3-stage2", (150, 80, 250), (2, 0.5, 5))]:
        P(pid, s_id, out, [("ammonium-perchlorate",) + ap, ("graphite-purified",) + gr] + ign)
    energetics()
    P("sm6-gs-tucson", "rtx-tucson", "sm6-guidance-section", [("rf-mmic-set", 1, None, None), ("cas-ndfeb", 1, None, None),
      ("tantalum-capacitor-set", 1, None, None), ("tungsten-heavy-alloy", 2, 0.5, 5)])
    P("sm3-kw-tucson", "rtx-tucson", "sm3-kw", [("ir-optic-set", 1, None, None), ("tantalum-capacitor-set", 1, None, None),
      ("beryllium-metal", 0.5, 0.1, 2)])
    P("sm3-jp-mhi", "mhi-komaki", "sm3-jp-sections", [("srm-sm3-stage2", 1, None, None), ("ir-optic-set", 1, None, None),
      ("titanium-alloy", 10, 3, 30)])
    P("jsm-sub-johnstown", "kongsberg-johnstown", "jsm-subassembly", [("titanium-alloy", 5, 1, 15),
      ("tantalum-capacitor-set", 1, None, None)])


def energetics():
    from common import capacity, assume
    a_en = assume("energetics-capacity", "Capacity of energetics plants (AP, black powder)",
                  "Not public. AMPAC (single US AP source, fb-M-35), Minden (sole US black powder, fb-M-37) and the "
                  "notional European/Japanese producers are sized at 120% of the modelled defense draw, so they bind only "
                  "through outages; Minden is assumed back online by 2024 (it was still offline in Apr 2023).")
    for pid, s_id, out in [("ap-ampac", "ampac-cedar-city", "ammonium-perchlorate"),
                           ("ap-eu", "eu-energetics", "ammonium-perchlorate"), ("bp-eu", "eu-energetics", "black-powder"),
                           ("ap-jp", "jp-ap-maker", "ammonium-perchlorate"), ("bp-jp", "jp-black-powder", "black-powder"),
                           ("bp-minden", "minden-black-powder", "black-powder")]:
        process(pid, s_id, "auto", a_en, [(out, 1000)], out_src="d-unit-conversion")
    sk = A["boeing-seeker"]
    for per, c, s in [("2025-01", 56, sk), ("2027-01", 73, S(sk, "fb-M-31")), ("2028-01", 95, S(sk, "fb-M-14")),
                      ("2029-01", 125, S(sk, "fb-M-14")), ("2030-01", 160, S(sk, "fb-M-14")), ("2030-12", 185, S(sk, "fb-M-14"))]:
        capacity("seeker-pac3-boeing", per, c, s)
