"""The README's Python tour, run for real on the bundled pack (small sample counts to stay quick).

Run: .venv/bin/python examples/readme_tour.py
"""

from __future__ import annotations

import allyforge

net = allyforge.load_pack("us-japan-2026")
sc = allyforge.load_scenario("china-export-ban-2026")
res = allyforge.simulate(net, sc, samples=50, seed=7)
print(res.summary())
rep = allyforge.risk(net, at="2026-02")
print(rep.top_risks().head(10).to_string(index=False))
sched = allyforge.schedule(net)
print(f"schedule objective {sched.objective:g}, gap {sched.gap:.1%}")
print(sched.availabilities.head(8).to_string(index=False))
