"""Post-processing: extra citations, material prices, small fixes (runs after all modules)."""
from common import T, S, source, assume

EXTRA_LANE_SRC = {
    "pac3-seeker--boeing-huntsville--mhi-komaki": "fb-M-30;fb-M-01",
    "pac3-seeker--boeing-huntsville--lm-camden": "fb-M-01;fb-M-31",
    "srm-pac3--l3h-camden--lm-camden": "fb-M-01;fb-M-32",
    "germanium-refined--kr-korea-zinc--us-ir-optics": "fb-M-39",
    "germanium-refined--ca-ge-refinery--us-ir-optics": "fb-X-22",
    "germanium-refined--cn-ge-refiners--us-ir-optics": "fb-X-04",
    "gallium-hp--cn-ga-refiners--rtx-andover": "fb-X-21;fb-X-03",
    "gallium-hp--jp-ga-refiners--rtx-andover": "fb-X-21",
    "sm-metal--solvay-la-rochelle--us-smco-makers": "fb-M-38",
    "sm-metal--cn-ree-separators--us-smco-makers": "fb-M-38;fb-X-12",
    "smco-actuator-set--us-smco-makers--rtx-tucson": "fb-S-03;fb-M-38",
    "ammonium-perchlorate--ampac-cedar-city--l3h-camden": "fb-M-35",
    "ammonium-perchlorate--ampac-cedar-city--ng-srm": "fb-M-35",
    "ammonium-perchlorate--eu-energetics--nammo-raufoss": "fb-M-35",
    "black-powder--minden-black-powder--l3h-camden": "fb-M-37",
    "black-powder--minden-black-powder--ng-srm": "fb-M-37",
    "srm-amraam--ng-srm--rtx-tucson": "fb-M-34", "srm-amraam--nammo-raufoss--rtx-tucson": "fb-M-34",
    "ndfeb-magnet--jp-magnet-makers--us-actuator-makers": "fb-S-04",
    "ndfeb-magnet--de-magnet-maker--us-actuator-makers": "fb-S-04",
    "molybdenum-powder--cn-mo-powder--mhi-type12": "fb-S-11",
    "dy-oxide--cn-ree-separators--jp-magnet-makers": "fb-X-26;fb-X-02",
    "tb-oxide--cn-ree-separators--jp-magnet-makers": "fb-X-26;fb-X-02",
    "sm3-jp-sections--mhi-komaki--rtx-huntsville": "fb-M-04",
    "tungsten--vn-w-mine--us-wha-makers": "fb-S-06", "tungsten--bo-w-mines--us-wha-makers": "fb-S-06",
    "antimony--bo-sb-mines--us-antimony-corp": "fb-S-07",
    "antimony-trisulfide--us-antimony-corp--l3h-camden": "fb-S-07",
    "dysprosium--mm-ree-mines--cn-ree-separators": "fb-X-02",
    "terbium--mm-ree-mines--cn-ree-separators": "fb-X-02",
}
# Ti sponge lanes into US mills: only aerospace-qualified sponge (S-08)
PRICES = {  # material: (USD/kg, source)
    "gallium-hp": (370, "fb-Y-20"), "germanium-refined": (5000, "fb-Y-23"), "dy-oxide": (850, "fb-Y-26"),
    "tb-oxide": (3000, "fb-Y-26"), "antimony-trisulfide": (39, "fb-Y-24"),
}
PROGRAM_SRC = {"amraam-jp": "fb-P-01;fb-P-03;fb-P-05;fb-P-12", "pac3-mse-jp": "fb-P-03;fb-P-05;fb-P-09",
               "sm6-jp": "fb-P-01", "amraam-us": "fb-M-16", "sm6-us": "fb-M-18", "tomahawk-v-us": "fb-M-20",
               "pac3-mse-us": "fb-M-14", "type12-jp": "fb-P-08;fb-M-22"}
SITE_SRC = {"srf-jrmc-yokosuka": "fb-A-02;fb-A-03;fb-P-02", "mhi-yokohama": "fb-A-07;fb-A-08",
            "mhi-nagoya-f35": "fb-A-23;fb-A-25;fb-A-26", "ihi-mizuho-f135": "fb-A-26", "srf-jrmc-sasebo": "fb-P-02", "melco-kamakura": "fb-P-12", "jp-toho-titanium": "fb-S-08",
            "jp-osaka-titanium": "fb-S-08", "kz-ti-sponge": "fb-S-08", "sa-ti-sponge": "fb-S-08",
            "lynas-kuantan": "fb-X-27;fb-X-02", "us-spor-mountain": "fb-S-09", "rtx-andover": "fb-M-03"}

_MORE = [
    ("P-01", "Hegseth-Nakatani: expedite AMRAAM co-production under DICAS; Japan proposes SM-6 co-production", "Naval News", "2025-04", "https://www.navalnews.com/naval-news/2025/04/japan-proposes-co-production-of-sm-6-missiles-to-the-u-s/", "A", False),
    ("P-03", "July 2024 2+2: pursue co-production to expand AMRAAM and PAC-3 MSE capacity", "Naval News (quoting the 2+2)", "2024-07-28", "https://www.navalnews.com/naval-news/2025/04/japan-proposes-co-production-of-sm-6-missiles-to-the-u-s/", "A", False),
    ("P-05", "Koizumi-Hegseth: continue joint production of air-to-air and ground-to-air interceptors; supply-chain cooperation incl. critical minerals", "QNA via MENAFN", "2026-01-16", "https://menafn.com/1110608940/Japan-US-Agree-To-Strengthen-Joint-Defence-Production-And-Military-Presence", "B", False),
    ("P-12", "3rd DICAS: AMRAAM co-production feasibility study (ATLA, 2024-12-26)", "Janes", "2024-12-26", "https://janes.com/osint-insights/defence-news-details/industry/japan-us-discuss-feasibility-of-co-producing-aim-120-missiles", "A", False),
    ("A-02", "Yokosuka has 6 dry docks used for USN and JMSDF repair", "Japanese Wikipedia featured article; DVIDS", "2017-05-31", "https://ja.wikipedia.org/wiki/%E7%89%B9%E5%88%A5:%E3%83%95%E3%82%A3%E3%83%BC%E3%83%89%E9%A0%85%E7%9B%AE/featured/20170531000000/ja", "A", False),
    ("A-03", "GAO-20-86: Yokosuka surface ships maintained by contractors plus SRF-JRMC; ~70% of overseas periods late", "GAO", "2020-02-26", "https://gao.gov/products/GAO-20-86", "A", False),
    ("A-07", "Ship Repair Council Japan; MHI Yokohama serviced USS Milius; nuclear-powered ships excluded", "Stars and Stripes", "2024-01-19", "https://www.stripes.com/branches/navy/2024-01-19/navy-ship-repair-japanese-shipyards-12724715.html", "A", False),
    ("A-08", "SECNAV Del Toro toured MHI Yokohama (USNS Big Horn under repair)", "Defense Daily", "2024-03", "https://defensedaily.com/secnav-continues-asian-tour-to-attract-shipbuilding-investments/navy-usmc", "A", False),
    ("A-23", "LM USD 25.2M FMS contract for the F-35 regional MRO&U facility in Nagoya", "UPI via SpaceDaily", "2019-08-28", "https://spacedaily.com/reports/Lockheed_to_build_F-35_maintenance_repair_facility_for_Japanese_fleet_999.html", "A", False),
    ("P-02", "Hegseth-Nakatani also agreed to accelerate maintenance of US warships and warplanes in Japan", "GZERO Media", "2025-04", "https://www.gzeromedia.com/news/watching/japan-courts-both-the-us-and-china-on-security-and-trade", "B", False),
    ("A-26", "MHI and IHI service ~100 US F/A-18 and F-35 aircraft; USAF F-15/F-16 servicing planned from 2025 at the earliest", "Indo-Pacific Defense Forum", "2024-06", "https://ipdefenseforum.com/2024/06/japan-expanding-defense-industry-role-in-u-s-fighter-jet-maintenance/", "A", False),
    ("A-25", "DCMA: MHI Nagoya produces and does MRO&U on F-35As; USMC F-35Bs planned by 2029", "DCMA via EIN Presswire", "2024", "https://einpresswire.com/article-print/725899842/dcma-pacific-enhances-us-japanese-alignment-with-dod-visit", "A", False),
]


def build():
    for fid, title, pub, date, url, conf, unc in _MORE:
        source("fb-" + fid, title, publisher=pub, date=date, url=url, conf=conf, uncertain=unc)
    for ln in T["lanes"]:
        ex = EXTRA_LANE_SRC.get(ln["id"], "")
        if ln["item"] == "titanium-sponge" and ln["destination"] == "us-ti-mills":
            ex = S(ex, "fb-S-08")
        if ex:
            ln["source"] = S(ln["source"], ex)
    for it in T["items"]:
        if it["id"] in PRICES:
            p, s = PRICES[it["id"]]
            it.update(unit_value=p, currency="USD", holding_cost=round(p * 0.01, 3), source=S(s, "a-holding-cost"))
    for p in T["programs"]:
        if p["id"] in PROGRAM_SRC:
            p["source"] = S(p["source"], PROGRAM_SRC[p["id"]])
    for s in T["sites"]:
        if s["id"] in SITE_SRC:
            s["source"] = S(s["source"], SITE_SRC[s["id"]])
    for s in T["sites"]:
        if s["id"] in ("lm-camden", "rtx-tucson", "mhi-komaki", "rtx-huntsville") and s.get("ttr") is None:
            s["ttr"] = 24
            s["source"] = S(s["source"], "a-ttr")
    a_sp = assume("amraam-motor-split", "Split of AMRAAM motor orders between Northrop Grumman and Nammo",
                  "Raytheon keeps two motor suppliers (fb-M-34); the split is not public. Assumed 50/50; range 30-70%.")
    for ln in T["lanes"]:
        if ln["item"] == "srm-amraam" and ln["destination"] == "rtx-tucson":
            ln["share"] = 0.5
            ln["source"] = S(ln["source"], a_sp)
    for st in T["stocks"]:
        if st["policy"] != "stockpile":
            st["release"] = None
