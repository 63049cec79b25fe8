import sys
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))
import common
import sources_fb, sources_fb2, parties_money, minerals, materials, programs, demands, components, bom, sizing, rules, stocks_candidates, maintenance_sites, enrich

META = """name: us-japan-2026
version: 2026.1.0
description: >-
  US-Japan defense-industrial co-production and critical-mineral supply chains as of January 2026:
  interceptor and strike-missile programs (PAC-3 MSE, AMRAAM, SM-6, SM-3 Block IIA, Tomahawk, Type-12,
  JSM, JASSM-ER), their final-assembly lines and named bottlenecks (seekers, solid rocket motors,
  ammonium perchlorate, GaN, IR optics, rare-earth magnets), mines and refiners of 13 critical minerals
  at public USGS shares, China's 2023-2026 export controls, JOGMEC stockpiles, mitigation candidates and
  US maintenance sites in Japan. Public, cited, high-level facts only; every non-public figure is a
  labelled assumption with a rationale.
calendar: {kind: month, start: 2024-01, end: 2030-12}
base_currency: USD
default_scenario: as-of-2026-01
"""

MODULES = [minerals, materials, programs, demands, components, bom]


def main():
    sources_fb.register()
    sources_fb2.register()
    parties_money.build()
    for m in MODULES:
        m.build()
    sizing.resolve()
    for m in (rules, stocks_candidates, maintenance_sites, enrich):
        m.build()
    sizing.check()
    counts = common.write(META)
    for k, v in counts.items():
        print(f"{k:16s} {v}")


if __name__ == "__main__":
    main()
