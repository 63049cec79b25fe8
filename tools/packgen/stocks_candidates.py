"""JOGMEC stockpile, plant inventories, Solvay legacy samarium, and mitigation candidates."""
from common import add, site, assume, derive, S, T, MONTHS
from materials import L
import sizing

JOG = "jogmec-stockpile"
PRICE = {"gallium-hp": (370, "fb-Y-20"), "germanium-refined": (5000, "fb-Y-23"), "dy-oxide": (850, "fb-Y-26"),
         "tb-oxide": (3000, "fb-Y-26")}
JP_USERS = {"gallium-hp": ["melco-gan"], "germanium-refined": ["jp-ir-optics"], "dy-oxide": ["jp-magnet-makers"],
            "tb-oxide": ["jp-magnet-makers"]}


def jp_need(it):
    """peak monthly modelled need of the Japanese users of item."""
    allp = {r["id"] for r in T["processes"]}
    n = [0.0] * len(MONTHS)
    for s in JP_USERS[it]:
        v = sizing.need_at(s, it, allp) or [0.0] * len(MONTHS)
        n = [a + b for a, b in zip(n, v)]
    return max(n)


def build():
    site(JOG, "JOGMEC national rare-metal stockpile (locations undisclosed)", "JP", "stockpile", operator="JOGMEC",
         party="JP", sector="civil", source="fb-X-30")
    a_lvl = assume("jogmec-levels", "JOGMEC stockpile holdings and levels",
                   "Types and quantities are undisclosed (fb-X-30). Holdings assumed at 60 days of the modelled Japanese "
                   "defense need (the general target), level = initial; released on shortfall. Range 0-180 days.")
    a_inv = assume("plant-inventories", "Initial inventories at plants",
                   "Not public. About one month of the line's 2024 need for long-lead components and materials at final "
                   "assembly and SRM plants. Range 0-3 months.")
    a_sol = assume("solvay-stock", "Solvay La Rochelle legacy samarium stock",
                   "fb-M-38: 1970s-era stock, limited; size not public. Assumed 300 kg of Sm metal (about 3 years of "
                   "the modelled Tomahawk fin-actuator need at 2025 rates, far less after the ramp). Range 100-1,000 kg.")
    for it in PRICE:
        days60 = round(jp_need(it) * 60 / 30.44, 4)
        add("stocks", site=JOG, item=it, initial=days60, policy="stockpile", level=days60, release="on_shortfall",
            source=S(a_lvl, "fb-X-30"))
        for u in JP_USERS[it]:
            L(it, JOG, u, 0, 9, extra="fb-X-30")
    add("stocks", site="solvay-la-rochelle", item="sm-metal", initial=300, policy="none", release="never", source=a_sol)
    allp = {r["id"] for r in T["processes"]}
    for s_id, it in [("lm-camden", "pac3-seeker"), ("lm-camden", "srm-pac3"), ("mhi-komaki", "pac3-seeker"),
                     ("rtx-tucson", "srm-amraam"), ("rtx-tucson", "smco-actuator-set"), ("rtx-huntsville", "srm-sm"),
                     ("l3h-camden", "ammonium-perchlorate"), ("mhi-type12", "srm-type12-booster"),
                     ("jp-actuator-line", "ndfeb-magnet")]:
        n = sizing.need_at(s_id, it, allp)
        q = round(n[MONTHS.index("2024-06")], 2)
        if q > 0:
            add("stocks", site=s_id, item=it, initial=q, policy="none", source=a_inv)

    # ---- candidates ----
    a_c = assume("candidate-costs", "Costs and lead times of mitigation candidates without a public price",
                 "Boeing seeker expansion: USD 150M, 15 months (35,000 sq ft expansion, fb-M-31; cost not public). MHI "
                 "PAC-3 line to ~60/yr: JPY 30B, 24 months ('several years', fb-M-30). MELCO AMRAAM line: JPY 60B, 36 months. "
                 "James City JSM line: USD 150M, 24 months. Range x0.5-x2.")
    d_stock = derive("stockpile-cost", "Stockpile purchase cost = quantity x cited spot price",
                     "Quantities are 60 or 180 days (fb-X-30 targets) of modelled Japanese need; prices: Ga USD 370/kg "
                     "(fb-Y-20), Ge 5,000/kg (fb-Y-23), Dy oxide ~850/kg and Tb oxide ~3,000/kg (mid of Europe quotes, fb-Y-26).")
    d_lyn = derive("lynas-offtake-cost", "Lynas heavy-REE offtake: A$200M (fb-X-27)",
                   "JOGMEC/Sojitz investment A$200M; size = extra Dy/Tb per month equal to 30% of the modelled Japanese need.")
    mhi = 2.5
    cands = [
        ("boeing-seeker-expansion", "capacity", "seeker-pac3-boeing", None, 17, 1.5e8, "USD", "US", 15,
         "Boeing Huntsville PAC-3 seeker line +30% (35,000 sq ft)", S("fb-M-31", "fb-M-30", a_c)),
        ("mhi-pac3-line-60", "capacity", "fa-pac3-mhi", None, mhi, 3e10, "JPY", "JP", 24,
         "MHI PAC-3 licence line from ~30 to ~60/yr", S("fb-M-11", "fb-M-30", a_c)),
        ("l3h-camden-srm-campus", "capacity", "srm-sm-camden", None, 60, 4.5e8, "USD", "US", 24,
         "L3Harris Camden large-SRM campus (USD 400-500M, sixfold large-SRM capacity, production from 2027)", "fb-M-32"),
        ("melco-amraam-line", "substitute", "fa-amraam-melco", None, 1, 6e10, "JPY", "JP", 36,
         "Licensed AMRAAM co-production at MELCO (feasibility study under DICAS)", S("fb-M-02", "fb-P-11", a_c)),
        ("jsm-james-city-line", "substitute", "fa-jsm-james-city", None, 1, 1.5e8, "USD", "US", 24,
         "Kongsberg James City County VA missile plant", S("fb-M-07", a_c)),
    ]
    for it in PRICE:
        pr, ps = PRICE[it]
        for days in (60, 180):
            q = round(jp_need(it) * days / 30.44, 4)
            cands.append((f"jogmec-{it}-{days}d", "stockpile", it, JOG, q, round(q * pr, 2), "USD", "JP", 3,
                          f"JOGMEC stockpile of {it}: {days} days of modelled Japanese defense need", S(d_stock, ps, "fb-X-30")))
    for it in ("dy-oxide", "tb-oxide"):
        lid = f"{it}--lynas-kuantan--jp-magnet-makers--offtake"
        q = round(0.3 * jp_need(it), 4)
        L(it, "lynas-kuantan", "jp-magnet-makers", 1, 3, cap=q, cap_src=d_lyn, status="candidate", id=lid, extra="fb-X-27")
        cands.append((f"lynas-{it}-offtake", "second_source", lid, None, q, 1e8, "AUD", "JP", 6,
                      f"Expanded Lynas (Malaysia) {it} offtake to Japanese magnet makers (half of the A$200M)", S("fb-X-27", d_lyn)))
    for cid, kind, tgt, s_id, size, cost, cur, party, lt, det, src in cands:
        add("candidates", id=cid, kind=kind, target=tgt, site=s_id, size=size, cost=cost, currency=cur, party=party,
            lead_time=lt, details=det, source=src)
    more_candidates()


def more_candidates():
    """Second-source candidate lanes that relieve the Jan 2026 ban on Japanese military end users."""
    from common import assume
    a = assume("jp-second-source-costs", "Qualification cost and size of non-Chinese second sources for Japanese plants",
               "Not public. Size = 60% of the Japanese plant's peak modelled need; cost = qualification and contracting "
               "(USD 20M for Korea Zinc germanium, fb-M-39 precedent; JPY 2B for US molybdenum powder; JPY 1B for US "
               "antimony trisulfide); lead time 6-12 months. Range x0.5-x3.")
    allp = {r["id"] for r in T["processes"]}
    for it, o, d, lead, cost, cur, lt, extra, det in [
        ("germanium-refined", "kr-korea-zinc", "jp-ir-optics", 1, 2e7, "USD", 9, "fb-M-39",
         "Korea Zinc germanium for Japanese defense IR optics"),
        ("molybdenum-powder", "us-mo-powder", "mhi-type12", 2, 2e9, "JPY", 12, "fb-S-11",
         "US molybdenum powder qualified for the Type-12 line"),
        ("antimony-trisulfide", "us-antimony-corp", "ihi-aerospace", 2, 1e9, "JPY", 6, "fb-S-07",
         "US Antimony Corp. antimony trisulfide for IHI Aerospace igniters")]:
        q = round(0.6 * max(sizing.need_at(d, it, allp)), 4)
        lid = f"{it}--{o}--{d}--cand"
        L(it, o, d, lead, 3, cap=q, cap_src=a, status="candidate", id=lid, extra=extra)
        add("candidates", id=f"second-source-{it}-{d}", kind="second_source", target=lid, site=None, size=q, cost=cost,
            currency=cur, party="JP", lead_time=lt, details=det, source=S(a, extra))
