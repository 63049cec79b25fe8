"""Minerals (t, contained) and their mines/primary producers at public country shares."""
from common import item, site, process, assume, derive, S

D_MONTH = None


def srcs():
    global D_MONTH
    D_MONTH = derive("annual-to-monthly", "Monthly figures from annual rates",
                     "Final-assembly rates (and the delivery profiles built on them) become monthly by calendar days "
                     "(annual x days in the month / days in the year). Mine output is annual / 12: mines run at plant "
                     "scale far above the modelled draw and bind only through rules or events, so a day-weighted "
                     "profile would add 12 overrides a year per mine for no change in any answer.")
    return D_MONTH


# (item, name, groups)
MINERALS = [
    ("gallium", "Gallium, primary low-purity (contained Ga)", "ga_ge;dual_use"),
    ("germanium", "Germanium, primary (contained Ge)", "ga_ge;dual_use"),
    ("nd-pr", "Neodymium-praseodymium in ore (t REO)", "light_ree;rare_earth;dual_use"),
    ("dysprosium", "Dysprosium in ore (t REO)", "heavy_ree;rare_earth;dual_use"),
    ("terbium", "Terbium in ore (t REO)", "heavy_ree;rare_earth;dual_use"),
    ("samarium", "Samarium in ore (t REO)", "heavy_ree;rare_earth;dual_use"),
    ("tungsten", "Tungsten concentrate (contained W)", "w_mo;dual_use"),
    ("antimony", "Antimony, mine production (contained Sb)", "antimony;dual_use"),
    ("titanium-sponge", "Titanium sponge", "titanium"),
    ("beryllium", "Beryllium, mine production (contained Be)", "beryllium"),
    ("tantalum", "Tantalum, mine production (contained Ta)", "tantalum"),
    ("molybdenum", "Molybdenum, mine production (contained Mo)", "w_mo;dual_use"),
    ("graphite", "Natural graphite", "graphite;dual_use"),
]


def _ree_split():
    a = assume("ree-element-fractions", "Element fractions of national rare-earth mine output (REO basis)",
               "USGS reports total REO by country only; element splits are not in the fact base. Assumed: NdPr 20% of "
               "REO everywhere; Dy 0.6% (China), 3% (Burma ionic clays), 0.2% (Australia); Tb 0.1% / 0.5% / 0.05%; "
               "Sm 0.8% (China, US bastnaesite), 1% (Australia monazite). Ranges: +/-50% for each fraction.")
    d = derive("ree-element-output", "Element output = national REO output (fb-X-01) x assumed element fraction",
               "E.g. China NdPr 270,000 t x 0.20 = 54,000 t; Burma Dy 31,000 x 0.03 = 930 t; China Tb 270,000 x 0.001 = 270 t.",
               uncertain=True)
    reo = {"CN": 270000, "US": 45000, "MM": 31000, "AU": 13000}
    frac = {"nd-pr": {"CN": .20, "US": .20, "MM": .20, "AU": .20},
            "dysprosium": {"CN": .006, "MM": .03, "AU": .002},
            "terbium": {"CN": .001, "MM": .005, "AU": .0005},
            "samarium": {"CN": .008, "US": .008, "AU": .01}}
    out = {}
    for el, fr in frac.items():
        out[el] = [(c, reo[c] * f, S(d, a, "fb-X-01")) for c, f in fr.items()]
    return out


def build():
    dm = srcs()
    for iid, name, groups in MINERALS:
        item(iid, name, "t", "mineral", groups=groups)

    # --- mine / primary-producer sites ------------------------------------------------
    site("cn-ree-mines", "China rare-earth mines (aggregate; Bayan Obo and southern ionic clays)", "CN", "mine",
         operator="China Northern / China Rare Earth Group (aggregate)", source="fb-X-01")
    site("us-mountain-pass", "Mountain Pass rare-earth mine, California", "US", "mine", operator="MP Materials",
         lat=35.48, lon=-115.53, source="fb-X-01")
    site("mm-ree-mines", "Burma (Myanmar) ionic-clay rare-earth mines (aggregate)", "MM", "mine", source="fb-X-01")
    site("au-mt-weld", "Mount Weld rare-earth mine, Western Australia", "AU", "mine", operator="Lynas Rare Earths",
         lat=-28.86, lon=122.55, source="fb-X-01;fb-X-27")
    ree = _ree_split()
    ree_site = {"CN": "cn-ree-mines", "US": "us-mountain-pass", "MM": "mm-ree-mines", "AU": "au-mt-weld"}
    for el, rows in ree.items():
        for c, t, s in rows:
            process(f"mine-{el}-{c.lower()}", ree_site[c], round(t / 12, 3), S(s, dm), [(el, 1)],
                    annual_output=round(t, 1))

    a_be = assume("beryllium-world", "Beryllium mine output by country",
                  "Fact base gives only shares (US 71% in 2017, >85% from Spor Mountain in 2010; fb-X-10). World mine "
                  "output assumed 250 t Be: US 71% = 178 t, China 20% = 50 t, Mozambique 9% = 22 t. Range: world 200-300 t.")
    a_ta = assume("tantalum-world", "Tantalum mine output by country",
                  "Fact base gives shares only (DRC ~40%, Africa ~70%; fb-X-11). World assumed 2,100 t Ta: DRC 840, "
                  "Rwanda 315, Nigeria 315 (rest of Africa 30% split evenly), Brazil 315, China 315. Range +/-30%.")
    a_mo = assume("molybdenum-world", "Molybdenum mine output by country",
                  "Not in the fact base (re-pull USGS MCS 2025). Assumed order of magnitude: China 110,000 t, Chile "
                  "38,000, US 33,000, Peru 33,000. Range +/-25%.")
    a_ti = assume("ti-sponge-japan-split", "Split of Japan's titanium sponge output between Toho and Osaka Titanium",
                  "Fact base gives Japan 55,000 t total (fb-X-09) but no company split; assumed 27,500 t each. Range 40-60%.")
    # (mineral, site id, name, country, operator, annual t, sources, lat, lon, kind)
    rows = [
        ("gallium", "cn-ga-primary", "China primary gallium producers (alumina refineries, aggregate)", "CN", "", 750, "fb-X-03", None, None),
        ("gallium", "ru-ga-primary", "Russia primary gallium (aggregate)", "RU", "", 6, "fb-X-03", None, None),
        ("gallium", "jp-ga-primary", "Japan primary gallium (aggregate)", "JP", "", 3, "fb-X-03", None, None),
        ("gallium", "kr-ga-primary", "South Korea primary gallium (aggregate)", "KR", "", 3, "fb-X-03", None, None),
        ("germanium", "cn-ge-primary", "China primary germanium (zinc/coal by-product, aggregate)", "CN", "", 180, "fb-X-04", None, None),
        ("germanium", "ca-ge-primary", "Canada germanium in zinc concentrates (aggregate)", "CA", "", 20, "fb-X-04;fb-X-22", None, None),
        ("germanium", "ru-ge-primary", "Russia primary germanium (aggregate)", "RU", "", 6, "fb-X-04", None, None),
        ("germanium", "be-ge-primary", "Belgium germanium recovery (aggregate)", "BE", "", 4, "fb-X-04", None, None),
        ("tungsten", "cn-w-mines", "China tungsten mines (aggregate)", "CN", "", 67000, "fb-X-07", None, None),
        ("tungsten", "vn-w-mine", "Vietnam tungsten mine (aggregate)", "VN", "", 3400, "fb-X-07", None, None),
        ("tungsten", "ru-w-mines", "Russia tungsten mines (aggregate)", "RU", "", 2000, "fb-X-07", None, None),
        ("tungsten", "kp-w-mines", "North Korea tungsten mines (aggregate)", "KP", "", 1700, "fb-X-07", None, None),
        ("tungsten", "bo-w-mines", "Bolivia tungsten mines (aggregate)", "BO", "", 1600, "fb-X-07", None, None),
        ("antimony", "cn-sb-mines", "China antimony mines (aggregate)", "CN", "", 60000, "fb-X-05", None, None),
        ("antimony", "tj-sb-mines", "Tajikistan antimony mines (aggregate)", "TJ", "", 17000, "fb-X-05", None, None),
        ("antimony", "ru-sb-mines", "Russia antimony mines (aggregate)", "RU", "", 13000, "fb-X-05", None, None),
        ("antimony", "mm-sb-mines", "Burma antimony mines (aggregate)", "MM", "", 4500, "fb-X-05", None, None),
        ("antimony", "bo-sb-mines", "Bolivia antimony mines (aggregate)", "BO", "", 3700, "fb-X-05", None, None),
        ("titanium-sponge", "cn-ti-sponge", "China titanium sponge producers (aggregate; not aerospace-qualified)", "CN", "", 220000, "fb-X-09;fb-S-08", None, None),
        ("titanium-sponge", "jp-toho-titanium", "Toho Titanium sponge plant (Chigasaki)", "JP", "Toho Titanium", 27500, S("fb-X-09", a_ti), 35.33, 139.40),
        ("titanium-sponge", "jp-osaka-titanium", "Osaka Titanium Technologies sponge plant (Amagasaki)", "JP", "OSAKA Titanium technologies", 27500, S("fb-X-09", a_ti), 34.70, 135.40),
        ("titanium-sponge", "kz-ti-sponge", "Kazakhstan titanium sponge (Ust-Kamenogorsk)", "KZ", "UKTMP", 19000, "fb-X-09", 49.95, 82.61),
        ("titanium-sponge", "sa-ti-sponge", "Saudi Arabia titanium sponge (Yanbu)", "SA", "", 15000, "fb-X-09", 24.09, 38.06),
        ("beryllium", "us-spor-mountain", "Spor Mountain beryllium mine, Utah", "US", "Materion", 178, S("fb-X-10", a_be), 39.72, -113.22),
        ("beryllium", "cn-be-mines", "China beryllium mines (aggregate)", "CN", "", 50, a_be, None, None),
        ("beryllium", "mz-be-mines", "Mozambique beryl mines (aggregate)", "MZ", "", 22, a_be, None, None),
        ("tantalum", "cd-ta-mines", "DRC tantalum (coltan) mines (aggregate)", "CD", "", 840, S("fb-X-11", a_ta), None, None),
        ("tantalum", "rw-ta-mines", "Rwanda tantalum mines (aggregate)", "RW", "", 315, S("fb-X-11", a_ta), None, None),
        ("tantalum", "ng-ta-mines", "Nigeria tantalum mines (aggregate)", "NG", "", 315, S("fb-X-11", a_ta), None, None),
        ("tantalum", "br-ta-mines", "Brazil tantalum mines (aggregate)", "BR", "", 315, a_ta, None, None),
        ("tantalum", "cn-ta-mines", "China tantalum mines (aggregate)", "CN", "", 315, a_ta, None, None),
        ("molybdenum", "cn-mo-mines", "China molybdenum mines (aggregate)", "CN", "", 110000, a_mo, None, None),
        ("molybdenum", "cl-mo-mines", "Chile molybdenum (copper by-product, aggregate)", "CL", "", 38000, a_mo, None, None),
        ("molybdenum", "us-mo-mines", "US molybdenum mines (aggregate)", "US", "", 33000, a_mo, None, None),
        ("molybdenum", "pe-mo-mines", "Peru molybdenum (aggregate)", "PE", "", 33000, a_mo, None, None),
        ("graphite", "cn-graphite-mines", "China natural graphite mines (aggregate)", "CN", "", 1270000, "fb-X-08", None, None),
        ("graphite", "mg-graphite-mines", "Madagascar graphite mines (aggregate)", "MG", "", 89000, "fb-X-08", None, None),
        ("graphite", "mz-graphite-mines", "Mozambique graphite mines (aggregate)", "MZ", "", 75000, "fb-X-08", None, None),
        ("graphite", "br-graphite-mines", "Brazil graphite mines (aggregate)", "BR", "", 68000, "fb-X-08", None, None),
    ]
    for mineral, sid, name, c, op, t, s, lat, lon in rows:
        kind = "refinery" if mineral in ("gallium", "germanium", "titanium-sponge") else "mine"
        site(sid, name, c, kind, operator=op, lat=lat, lon=lon, source=s)
        process(f"mine-{mineral}-{sid}", sid, round(t / 12, 4), S(s, dm), [(mineral, 1)], annual_output=t)
