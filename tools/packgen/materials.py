"""Refined materials (kg), their refiners and the mine -> refiner lanes."""
from common import item, site, process, lane, assume, derive, capacity, S

A_LEAD = A_GEN = D_CONV = A_ROUTE = None


def srcs():
    global A_LEAD, A_GEN, D_CONV, A_ROUTE
    A_LEAD = assume("lead-times", "Lane lead times (months)",
                    "Not public. 0 within a country, 1 month regional (e.g. China-Japan, Australia-Malaysia), 2 months "
                    "intercontinental or trans-Pacific, including customs. Range 0-3 months.")
    A_GEN = assume("generic-plant-capacity", "Capacity of refiners/processors whose output is not public",
                   "Set at plant scale (t of feed per month) well above the modelled defense draw, so these plants bind "
                   "only through trade rules or events; real capacities serve civil demand not modelled here.")
    D_CONV = derive("unit-conversion", "One run converts 1 t of contained mineral into 1,000 kg of refined material",
                    "Unit conversion on a contained-element basis; refining losses ignored (yield 1).")
    A_ROUTE = assume("routing", "Which refiner buys from which mine, and lane priorities",
                     "Trade routes at plant level are not public; routes follow national patterns in the fact base "
                     "(e.g. Burma HREE concentrate processed in China, fb-X-02; US germanium concentrate refined in "
                     "Canada, fb-X-22; DFARS keeps US tungsten heavy alloy off Chinese feed, fb-S-06).")
    return A_LEAD


def L(it, o, d, lead=0, pri=1, cap=None, cap_src="", share=None, status="active", extra="", id=None, cap_frac=None):
    s = S(A_ROUTE, A_LEAD if lead else "", cap_src if cap is not None or cap_frac is not None else "", extra)
    return lane(it, o, d, lead=lead, cap=cap, share=share, priority=pri, status=status, source=s, id=id,
                cap_frac=cap_frac)


MATERIALS = [
    ("gallium-hp", "Gallium metal, high purity (for GaN/GaAs)", "ga_ge;dual_use"),
    ("germanium-refined", "Germanium metal / optical-grade germanium", "ga_ge;dual_use"),
    ("ndpr-oxide", "NdPr oxide", "light_ree;rare_earth;dual_use"),
    ("dy-oxide", "Dysprosium oxide", "heavy_ree;rare_earth;dual_use"),
    ("tb-oxide", "Terbium oxide", "heavy_ree;rare_earth;dual_use"),
    ("sm-metal", "Samarium metal (for SmCo alloy)", "heavy_ree;rare_earth;dual_use"),
    ("tungsten-heavy-alloy", "Tungsten powder / heavy alloy", "w_mo;dual_use"),
    ("antimony-trisulfide", "Antimony trisulfide (primer/igniter grade)", "antimony;dual_use"),
    ("titanium-alloy", "Titanium alloy mill products (aerospace)", "titanium"),
    ("beryllium-metal", "Beryllium metal and alloys", "beryllium"),
    ("tantalum-powder", "Tantalum capacitor-grade powder", "tantalum"),
    ("molybdenum-powder", "Molybdenum powder", "w_mo;dual_use"),
    ("graphite-purified", "Purified / fine-grain graphite (nozzle grade)", "graphite;dual_use"),
    ("ammonium-perchlorate", "Ammonium perchlorate (SRM oxidizer)", "energetics"),
    ("black-powder", "Black powder (igniters)", "energetics"),
]

# refiner site id, name, country, operator, [(process suffix, mineral in, material out, capacity runs/mo, src)], lat, lon
REFINERS = [
    ("cn-ga-refiners", "China high-purity gallium refiners (aggregate)", "CN", "", [("ga", "gallium", "gallium-hp", 20, "gen")], None, None),
    ("jp-ga-refiners", "Japan high-purity gallium refiners and recyclers (aggregate)", "JP", "", [("ga", "gallium", "gallium-hp", 5, "gen")], None, None),
    ("cn-ge-refiners", "China germanium refiners (aggregate)", "CN", "", [("ge", "germanium", "germanium-refined", 15, "gen")], None, None),
    ("ca-ge-refinery", "Germanium refinery, Trail BC", "CA", "Teck", [("ge", "germanium", "germanium-refined", 1.5, "gen")], 49.10, -117.71),
    ("be-umicore-ge", "Umicore germanium refinery, Olen", "BE", "Umicore", [("ge", "germanium", "germanium-refined", 1, "gen")], 51.14, 4.86),
    ("kr-korea-zinc", "Korea Zinc germanium recovery, Onsan", "KR", "Korea Zinc", [("ge", "germanium", "germanium-refined", 0.5, "gen")], 35.42, 129.33),
    ("jp-ge-refiners", "Japan germanium refiners (aggregate)", "JP", "", [("ge", "germanium", "germanium-refined", 0.3, "gen")], None, None),
    ("cn-ree-separators", "China rare-earth separation and metal plants (aggregate)", "CN", "", [
        ("ndpr", "nd-pr", "ndpr-oxide", 5600, "gen"), ("dy", "dysprosium", "dy-oxide", 200, "gen"),
        ("tb", "terbium", "tb-oxide", 35, "gen"), ("sm", "samarium", "sm-metal", 200, "gen")], None, None),
    ("lynas-kuantan", "Lynas Advanced Materials Plant, Kuantan", "MY", "Lynas Rare Earths", [
        ("ndpr", "nd-pr", "ndpr-oxide", 210, "gen"), ("dy", "dysprosium", "dy-oxide", 2, "lynas"),
        ("tb", "terbium", "tb-oxide", 0.5, "lynas")], 3.97, 103.39),
    ("cn-w-processors", "China tungsten APT/powder processors (aggregate)", "CN", "", [("w", "tungsten", "tungsten-heavy-alloy", 5000, "gen")], None, None),
    ("vn-w-processor", "Vietnam tungsten chemicals/powder plant", "VN", "", [("w", "tungsten", "tungsten-heavy-alloy", 250, "gen")], None, None),
    ("us-wha-makers", "US tungsten powder and heavy-alloy makers (aggregate)", "US", "", [("w", "tungsten", "tungsten-heavy-alloy", 50, "gen")], None, None),
    ("jp-w-processor", "Japan tungsten powder/alloy makers (aggregate)", "JP", "", [("w", "tungsten", "tungsten-heavy-alloy", 50, "gen")], None, None),
    ("cn-sb-smelters", "China antimony smelters (aggregate)", "CN", "", [("sb", "antimony", "antimony-trisulfide", 4000, "gen")], None, None),
    ("tj-sb-smelter", "Tajikistan antimony smelter (aggregate)", "TJ", "", [("sb", "antimony", "antimony-trisulfide", 500, "gen")], None, None),
    ("ru-sb-smelter", "Russia antimony smelter (aggregate)", "RU", "", [("sb", "antimony", "antimony-trisulfide", 400, "gen")], None, None),
    ("us-antimony-corp", "United States Antimony Corp. plant, Thompson Falls MT", "US", "United States Antimony Corp.", [("sb", "antimony", "antimony-trisulfide", 20, "gen")], 47.60, -115.34),
    ("us-ti-mills", "US titanium melters and mills (aggregate)", "US", "", [("ti", "titanium-sponge", "titanium-alloy", 300, "gen")], None, None),
    ("jp-ti-mills", "Japan titanium melters and mills (aggregate)", "JP", "", [("ti", "titanium-sponge", "titanium-alloy", 200, "gen")], None, None),
    ("us-be-metal", "Beryllium metal and alloy plant, Elmore OH", "US", "Materion", [("be", "beryllium", "beryllium-metal", 10, "gen")], 41.48, -83.30),
    ("cn-be-metal", "China beryllium metal producers (aggregate)", "CN", "", [("be", "beryllium", "beryllium-metal", 4, "gen")], None, None),
    ("us-ta-powder", "US tantalum powder producer (aggregate)", "US", "", [("ta", "tantalum", "tantalum-powder", 20, "gen")], None, None),
    ("de-ta-powder", "Germany tantalum powder producer (aggregate)", "DE", "", [("ta", "tantalum", "tantalum-powder", 20, "gen")], None, None),
    ("cn-ta-powder", "China tantalum powder producers (aggregate)", "CN", "", [("ta", "tantalum", "tantalum-powder", 40, "gen")], None, None),
    ("jp-ta-powder", "Japan tantalum powder producers (aggregate)", "JP", "", [("ta", "tantalum", "tantalum-powder", 10, "gen")], None, None),
    ("cn-mo-powder", "China molybdenum powder producers (aggregate)", "CN", "", [("mo", "molybdenum", "molybdenum-powder", 500, "gen")], None, None),
    ("us-mo-powder", "US molybdenum powder producers (aggregate)", "US", "", [("mo", "molybdenum", "molybdenum-powder", 100, "gen")], None, None),
    ("jp-mo-powder", "Japan molybdenum powder producers (aggregate)", "JP", "", [("mo", "molybdenum", "molybdenum-powder", 20, "gen")], None, None),
    ("cn-graphite-processors", "China graphite purification plants (aggregate)", "CN", "", [("gr", "graphite", "graphite-purified", 20000, "gen")], None, None),
    ("jp-graphite-makers", "Japan specialty graphite makers (aggregate)", "JP", "", [("gr", "graphite", "graphite-purified", 500, "gen")], None, None),
    ("us-graphite-makers", "US specialty graphite makers (aggregate)", "US", "", [("gr", "graphite", "graphite-purified", 500, "gen")], None, None),
]

MINE_LANES = [  # (mineral, origin, destination, lead, priority)
    ("gallium", "cn-ga-primary", "cn-ga-refiners", 0, 1), ("gallium", "jp-ga-primary", "jp-ga-refiners", 0, 1),
    ("gallium", "cn-ga-primary", "jp-ga-refiners", 1, 2), ("gallium", "kr-ga-primary", "jp-ga-refiners", 1, 3),
    ("germanium", "cn-ge-primary", "cn-ge-refiners", 0, 1), ("germanium", "ca-ge-primary", "ca-ge-refinery", 0, 1),
    ("germanium", "be-ge-primary", "be-umicore-ge", 0, 1), ("germanium", "cn-ge-primary", "be-umicore-ge", 2, 2),
    ("germanium", "ca-ge-primary", "kr-korea-zinc", 2, 1), ("germanium", "cn-ge-primary", "jp-ge-refiners", 1, 1),
    ("nd-pr", "cn-ree-mines", "cn-ree-separators", 0, 1), ("nd-pr", "mm-ree-mines", "cn-ree-separators", 1, 2),
    ("nd-pr", "us-mountain-pass", "cn-ree-separators", 2, 3), ("nd-pr", "au-mt-weld", "lynas-kuantan", 1, 1),
    ("dysprosium", "cn-ree-mines", "cn-ree-separators", 0, 1), ("dysprosium", "mm-ree-mines", "cn-ree-separators", 1, 2),
    ("dysprosium", "au-mt-weld", "lynas-kuantan", 1, 1),
    ("terbium", "cn-ree-mines", "cn-ree-separators", 0, 1), ("terbium", "mm-ree-mines", "cn-ree-separators", 1, 2),
    ("terbium", "au-mt-weld", "lynas-kuantan", 1, 1),
    ("samarium", "cn-ree-mines", "cn-ree-separators", 0, 1), ("samarium", "us-mountain-pass", "cn-ree-separators", 2, 2),
    ("tungsten", "cn-w-mines", "cn-w-processors", 0, 1), ("tungsten", "vn-w-mine", "vn-w-processor", 0, 1),
    ("tungsten", "vn-w-mine", "us-wha-makers", 2, 1), ("tungsten", "bo-w-mines", "us-wha-makers", 2, 2),
    ("tungsten", "cn-w-mines", "jp-w-processor", 1, 1), ("tungsten", "vn-w-mine", "jp-w-processor", 1, 2),
    ("antimony", "cn-sb-mines", "cn-sb-smelters", 0, 1), ("antimony", "mm-sb-mines", "cn-sb-smelters", 1, 2),
    ("antimony", "tj-sb-mines", "tj-sb-smelter", 0, 1), ("antimony", "ru-sb-mines", "ru-sb-smelter", 0, 1),
    ("antimony", "bo-sb-mines", "us-antimony-corp", 2, 1), ("antimony", "tj-sb-mines", "us-antimony-corp", 2, 2),
    ("titanium-sponge", "jp-toho-titanium", "us-ti-mills", 2, 1), ("titanium-sponge", "jp-osaka-titanium", "us-ti-mills", 2, 2),
    ("titanium-sponge", "kz-ti-sponge", "us-ti-mills", 2, 3), ("titanium-sponge", "sa-ti-sponge", "us-ti-mills", 2, 4),
    ("titanium-sponge", "jp-toho-titanium", "jp-ti-mills", 0, 1), ("titanium-sponge", "jp-osaka-titanium", "jp-ti-mills", 0, 2),
    ("beryllium", "us-spor-mountain", "us-be-metal", 0, 1), ("beryllium", "mz-be-mines", "us-be-metal", 2, 2),
    ("beryllium", "cn-be-mines", "cn-be-metal", 0, 1),
    ("tantalum", "rw-ta-mines", "us-ta-powder", 2, 1), ("tantalum", "br-ta-mines", "us-ta-powder", 2, 2),
    ("tantalum", "cd-ta-mines", "us-ta-powder", 2, 3), ("tantalum", "cd-ta-mines", "de-ta-powder", 2, 1),
    ("tantalum", "rw-ta-mines", "de-ta-powder", 2, 2), ("tantalum", "cd-ta-mines", "cn-ta-powder", 2, 1),
    ("tantalum", "cn-ta-mines", "cn-ta-powder", 0, 2), ("tantalum", "rw-ta-mines", "jp-ta-powder", 2, 1),
    ("tantalum", "br-ta-mines", "jp-ta-powder", 2, 2),
    ("molybdenum", "cn-mo-mines", "cn-mo-powder", 0, 1), ("molybdenum", "us-mo-mines", "us-mo-powder", 0, 1),
    ("molybdenum", "cl-mo-mines", "jp-mo-powder", 2, 1), ("molybdenum", "cn-mo-mines", "jp-mo-powder", 1, 2),
    ("graphite", "cn-graphite-mines", "cn-graphite-processors", 0, 1), ("graphite", "cn-graphite-mines", "jp-graphite-makers", 1, 1),
    ("graphite", "mz-graphite-mines", "jp-graphite-makers", 2, 2), ("graphite", "mz-graphite-mines", "us-graphite-makers", 2, 1),
    ("graphite", "mg-graphite-mines", "us-graphite-makers", 2, 2), ("graphite", "br-graphite-mines", "us-graphite-makers", 2, 3),
]


def build():
    srcs()
    for iid, name, groups in MATERIALS:
        item(iid, name, "kg", "material", groups=groups)
    a_lynas = assume("lynas-hree-capacity", "Lynas Malaysia Dy/Tb separation capacity and start",
                     "Fact base: Sojitz began importing Lynas Dy/Tb processed in Malaysia around Oct 2025 (fb-X-27). "
                     "Capacity not in the fact base: assumed 2 t Dy and 0.5 t Tb oxide per month from 2025-10, zero before.")
    for sid, name, c, op, procs, lat, lon in REFINERS:
        site(sid, name, c, "refinery", operator=op, lat=lat, lon=lon)
        for suf, mn, mat, cap, sk in procs:
            pid = f"refine-{suf}-{sid}"
            s = a_lynas if sk == "lynas" else A_GEN
            process(pid, sid, cap, s, [(mat, 1000)], inputs=[(mn, 1, None, None, D_CONV)], out_src=D_CONV)
            if sk == "lynas":
                capacity(pid, "2024-01", 0, a_lynas)
                capacity(pid, "2025-10", cap, a_lynas)
    for mn, o, d, lead, pri in MINE_LANES:
        L(mn, o, d, lead, pri)
