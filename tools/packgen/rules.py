"""China's export-control timeline as trade rules (fb-Y-01..Y-10, corrected per fact base section 9)."""
from common import add, assume, S


def build():
    a_fr = assume("licence-fractions", "Licensed fraction of normal flow under Chinese licensing regimes",
                  "Not public as a number. Set from observed export drops: Ga/Ge 0.5 (zero exports the first month, "
                  "fb-Y-20, then partial recovery); graphite 0.7 (end-use review only); antimony 0.2 (exports -97% in Oct "
                  "2024, fb-Y-24); W/Mo 0.5; medium/heavy REE and magnets 0.62: magnet exports fell 18.9% y/y in H1 2025 "
                  "with the controls in force from April (fb-Y-25), about 38% below normal over April-June if Q1 was "
                  "normal (May's -74% was the trough); this also lets the 2025 backcast deliver the PAC-3 MSE plan "
                  "(620 delivered in 2025, fb-M-12). The simulator applies a fraction to each period's request, "
                  "backlog included (docs/simulation.md S5.2). Range: each fraction +/-0.2 (REE 0.26-1.0).")
    a_y10 = assume("y10-scope", "Broader de facto heavy-REE curbs on Japanese companies (fb-Y-10), licensed at 0.5",
                   "WSJ reported licence reviews halted for Japanese firms generally; Reuters could not confirm and MOFCOM "
                   "says civilian users are unaffected. Modelled as a 0.5 licensed fraction on heavy REE and magnets to "
                   "all Japanese sites; flagged uncertain, candidate for scenario toggling. Range 0.1-1.0.")
    a_res = assume("suspension-expiry", "Suspended measures resume when the suspensions expire",
                   "fb-Y-08 (corrected): No. 46 clause 2 suspended to 2026-11-27 and the Oct 2025 package (No. 70) to "
                   "2026-11-10. Whether they resume is unknown; modelled as resuming the next day, flagged uncertain.")
    a_dl = assume("licence-review-delay", "Added lead time from Chinese export-licence review (months)",
                  "The Export Control Law's statutory review is 45 working days (fb-Y-01, sec. 9), about 2 months; the fact "
                  "base reports 2-3 months for antimony (fb-Y-03). Modelled as +2 months. Range 1-3.")
    rules = [
        ("y01-ga-ge-licence", "CN", "*", "ga_ge", "2023-08-01", "license", None, "any", 0.5, None, S("fb-Y-01", a_fr)),
        ("y01-ga-ge-review-delay", "CN", "*", "ga_ge", "2023-08-01", "delay", None, "any", None, 2, S("fb-Y-01", a_dl)),
        ("y03-antimony-review-delay", "CN", "*", "antimony", "2024-09-15", "delay", None, "any", None, 2, S("fb-Y-03", a_dl)),
        ("y02-graphite-licence", "CN", "*", "graphite", "2023-12-01", "license", None, "any", 0.7, None, S("fb-Y-02", a_fr)),
        ("y03-antimony-licence", "CN", "*", "antimony", "2024-09-15", "license", None, "any", 0.2, None, S("fb-Y-03", "fb-Y-24", a_fr)),
        ("y04-c1-us-military", "CN", "US", "dual_use", "2024-12-03", "ban", None, "military", None, None, S("fb-Y-04", "fb-Y-08")),
        ("y04-c2-us-ga-ge-sb", "CN", "US", "ga_ge;antimony", "2024-12-03", "ban", "2025-11-08", "any", None, None, S("fb-Y-04", "fb-Y-08")),
        ("y04-c2-us-graphite-review", "CN", "US", "graphite", "2024-12-03", "license", "2025-11-08", "any", 0.5, None, S("fb-Y-04", "fb-Y-08", a_fr)),
        ("y04-c2-us-resumes", "CN", "US", "ga_ge;antimony", "2026-11-28", "ban", None, "any", None, None, S("fb-Y-08", a_res)),
        ("y04-c2-us-graphite-resumes", "CN", "US", "graphite", "2026-11-28", "license", None, "any", 0.5, None, S("fb-Y-08", a_res, a_fr)),
        ("y05-w-mo-licence", "CN", "*", "w_mo", "2025-02-04", "license", None, "any", 0.5, None, S("fb-Y-05", "fb-S-11", a_fr)),
        ("y06-hree-licence", "CN", "*", "heavy_ree;ree_magnet", "2025-04-04", "license", None, "any", 0.62, None, S("fb-Y-06", "fb-Y-25", "fb-M-12", a_fr)),
        ("y07-oct2025-military", "CN", "*", "rare_earth;ree_magnet", "2025-11-08", "ban", "2025-11-09", "military", None, None, S("fb-Y-07", "fb-Y-08")),
        ("y07-resumes-military", "CN", "*", "rare_earth;ree_magnet", "2026-11-11", "ban", None, "military", None, None, S("fb-Y-07", a_res)),
        ("y09-jp-military", "CN", "JP", "dual_use", "2026-01-06", "ban", None, "military", None, None, "fb-Y-09"),
        ("y10-jp-hree-defacto", "CN", "JP", "heavy_ree;ree_magnet", "2026-01-06", "license", None, "any", 0.5, None, S("fb-Y-10", a_y10)),
    ]
    for rid, o, d, items, start, eff, end, eu, fr, dl, s in rules:
        add("trade_rules", id=rid, origin_country=o, destination_country=d, items=items, start=start, effect=eff, end=end,
            end_use=eu, fraction=fr, delay=dl, source=s)
