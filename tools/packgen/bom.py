"""End-item BOM (inputs of final-assembly processes) and component/material lanes into plants."""
from common import add, S, T
from materials import L
import components as C

BOM = {  # final-assembly process -> [(item, qty, low, high)]
    "pac3": [("pac3-seeker", 1), ("srm-pac3", 1), ("cas-ndfeb", 1), ("tantalum-capacitor-set", 1),
             ("titanium-alloy", 15, 5, 40), ("tungsten-heavy-alloy", 2, 0.5, 5)],
    "amraam": [("rf-mmic-set", 1), ("srm-amraam", 1), ("cas-ndfeb", 1), ("tantalum-capacitor-set", 1),
               ("titanium-alloy", 8, 2, 25), ("tungsten-heavy-alloy", 1, 0.2, 3)],
    "sm6": [("sm6-guidance-section", 1), ("srm-sm", 1), ("titanium-alloy", 20, 5, 60)],
    "sm3": [("sm3-kw", 1), ("sm3-jp-sections", 1), ("srm-sm", 1), ("titanium-alloy", 20, 5, 60)],
    "tlam": [("smco-actuator-set", 1), ("srm-tomahawk-booster", 1), ("rf-mmic-set", 1), ("tantalum-capacitor-set", 1),
             ("titanium-alloy", 30, 10, 80), ("tungsten-heavy-alloy", 3, 0.5, 8)],
    "type12": [("srm-type12-booster", 1), ("rf-mmic-set", 1), ("cas-ndfeb", 1), ("tantalum-capacitor-set", 1),
               ("titanium-alloy", 20, 5, 60), ("molybdenum-powder", 2, 0.5, 5)],
    "jsm": [("jsm-subassembly", 1), ("ir-optic-set", 1), ("cas-ndfeb", 1), ("tantalum-capacitor-set", 1),
            ("titanium-alloy", 10, 3, 30)],
    "jassm": [("ir-optic-set", 1), ("cas-ndfeb", 1), ("tantalum-capacitor-set", 1), ("titanium-alloy", 40, 10, 100),
              ("tungsten-heavy-alloy", 3, 0.5, 8)],
}
FA_BOM = {"fa-pac3-camden": "pac3", "fa-pac3-mhi": "pac3", "fa-amraam-tucson": "amraam", "fa-amraam-melco": "amraam",
          "fa-sm6-huntsville": "sm6", "fa-sm3-huntsville": "sm3", "fa-tomahawk-v-tucson": "tlam",
          "fa-tomahawk-iv-tucson": "tlam", "fa-type12-mhi": "type12", "fa-jsm-kongsberg": "jsm",
          "fa-jsm-james-city": "jsm", "fa-jassm-troy": "jassm"}

# (item, origin, destination, lead, priority, cap_frac)  cap_frac: lane capacity = frac x peak need (assumption)
LANES = [
    # --- US primes ---
    ("pac3-seeker", "boeing-huntsville", "lm-camden", 0, 1), ("srm-pac3", "l3h-camden", "lm-camden", 0, 1),
    ("cas-ndfeb", "us-actuator-makers", "lm-camden", 0, 1), ("tantalum-capacitor-set", "us-cap-makers", "lm-camden", 0, 1),
    ("titanium-alloy", "us-ti-mills", "lm-camden", 0, 1), ("tungsten-heavy-alloy", "us-wha-makers", "lm-camden", 0, 1),
    ("rf-mmic-set", "rtx-andover", "rtx-tucson", 0, 1), ("cas-ndfeb", "us-actuator-makers", "rtx-tucson", 0, 1),
    ("tantalum-capacitor-set", "us-cap-makers", "rtx-tucson", 0, 1), ("titanium-alloy", "us-ti-mills", "rtx-tucson", 0, 1),
    ("tungsten-heavy-alloy", "us-wha-makers", "rtx-tucson", 0, 1), ("smco-actuator-set", "us-smco-makers", "rtx-tucson", 0, 1),
    ("srm-tomahawk-booster", "l3h-camden", "rtx-tucson", 0, 1), ("ir-optic-set", "us-ir-optics", "rtx-tucson", 0, 1),
    ("beryllium-metal", "us-be-metal", "rtx-tucson", 0, 1),
    ("sm6-guidance-section", "rtx-tucson", "rtx-huntsville", 0, 1), ("sm3-kw", "rtx-tucson", "rtx-huntsville", 0, 1),
    ("sm3-jp-sections", "mhi-komaki", "rtx-huntsville", 2, 1), ("srm-sm", "l3h-camden", "rtx-huntsville", 0, 1),
    ("titanium-alloy", "us-ti-mills", "rtx-huntsville", 0, 1),
    ("ir-optic-set", "us-ir-optics", "lm-troy", 0, 1), ("cas-ndfeb", "us-actuator-makers", "lm-troy", 0, 1),
    ("tantalum-capacitor-set", "us-cap-makers", "lm-troy", 0, 1), ("titanium-alloy", "us-ti-mills", "lm-troy", 0, 1),
    ("tungsten-heavy-alloy", "us-wha-makers", "lm-troy", 0, 1),
    ("jsm-subassembly", "kongsberg-johnstown", "kongsberg-no", 2, 1), ("ir-optic-set", "us-ir-optics", "kongsberg-no", 2, 1),
    ("cas-ndfeb", "us-actuator-makers", "kongsberg-no", 2, 1), ("tantalum-capacitor-set", "us-cap-makers", "kongsberg-no", 2, 1),
    ("titanium-alloy", "us-ti-mills", "kongsberg-no", 2, 1),
    ("jsm-subassembly", "kongsberg-johnstown", "kongsberg-james-city", 0, 1), ("ir-optic-set", "us-ir-optics", "kongsberg-james-city", 0, 1),
    ("cas-ndfeb", "us-actuator-makers", "kongsberg-james-city", 0, 1),
    ("tantalum-capacitor-set", "us-cap-makers", "kongsberg-james-city", 0, 1), ("titanium-alloy", "us-ti-mills", "kongsberg-james-city", 0, 1),
    ("titanium-alloy", "us-ti-mills", "kongsberg-johnstown", 0, 1), ("tantalum-capacitor-set", "us-cap-makers", "kongsberg-johnstown", 0, 1),
    # --- US component makers ---
    ("rf-mmic-set", "us-mmic-foundry", "boeing-huntsville", 0, 1), ("tantalum-capacitor-set", "us-cap-makers", "boeing-huntsville", 0, 1),
    ("gallium-hp", "jp-ga-refiners", "rtx-andover", 2, 1), ("gallium-hp", "cn-ga-refiners", "rtx-andover", 2, 2),
    ("gallium-hp", "cn-ga-refiners", "us-mmic-foundry", 2, 1), ("gallium-hp", "jp-ga-refiners", "us-mmic-foundry", 2, 2),
    ("germanium-refined", "cn-ge-refiners", "us-ir-optics", 2, 1), ("germanium-refined", "ca-ge-refinery", "us-ir-optics", 1, 2),
    ("germanium-refined", "be-umicore-ge", "us-ir-optics", 2, 3), ("germanium-refined", "kr-korea-zinc", "us-ir-optics", 2, 4),
    ("beryllium-metal", "us-be-metal", "us-ir-optics", 0, 1),
    # no Chinese magnets for US defense actuators (DFARS, d-dfars-magnets); planned split over the next sources (fb-S-04)
    # (priority 2 keeps the US order in the same allocation class as Japan's own line at the Japanese makers, S8.2)
    ("ndfeb-magnet", "jp-magnet-makers", "us-actuator-makers", 2, 2, None, 0.6),
    ("ndfeb-magnet", "de-magnet-maker", "us-actuator-makers", 2, 3, None, 0.3), ("ndfeb-magnet", "us-magnet-maker", "us-actuator-makers", 0, 4, None, 0.1),
    ("sm-metal", "cn-ree-separators", "us-smco-makers", 2, 1), ("sm-metal", "solvay-la-rochelle", "us-smco-makers", 2, 2),
    ("tantalum-powder", "us-ta-powder", "us-cap-makers", 0, 1), ("tantalum-powder", "de-ta-powder", "us-cap-makers", 2, 2),
    ("ndpr-oxide", "cn-ree-separators", "cn-magnet-makers", 0, 1), ("dy-oxide", "cn-ree-separators", "cn-magnet-makers", 0, 1),
    ("tb-oxide", "cn-ree-separators", "cn-magnet-makers", 0, 1),
    ("ndpr-oxide", "cn-ree-separators", "de-magnet-maker", 2, 1), ("ndpr-oxide", "lynas-kuantan", "de-magnet-maker", 2, 2),
    ("dy-oxide", "cn-ree-separators", "de-magnet-maker", 2, 1), ("tb-oxide", "cn-ree-separators", "de-magnet-maker", 2, 1),
    ("ndpr-oxide", "lynas-kuantan", "us-magnet-maker", 2, 1), ("ndpr-oxide", "cn-ree-separators", "us-magnet-maker", 2, 2),
    ("dy-oxide", "cn-ree-separators", "us-magnet-maker", 2, 1), ("tb-oxide", "cn-ree-separators", "us-magnet-maker", 2, 1),
    # --- SRMs and energetics ---
    ("ammonium-perchlorate", "ampac-cedar-city", "l3h-camden", 0, 1), ("ammonium-perchlorate", "ampac-cedar-city", "ng-srm", 0, 1),
    ("ammonium-perchlorate", "eu-energetics", "nammo-raufoss", 1, 1), ("ammonium-perchlorate", "ampac-cedar-city", "nammo-raufoss", 2, 2),
    ("ammonium-perchlorate", "jp-ap-maker", "ihi-aerospace", 0, 1),
    ("black-powder", "minden-black-powder", "l3h-camden", 0, 1), ("black-powder", "minden-black-powder", "ng-srm", 0, 1),
    ("black-powder", "eu-energetics", "nammo-raufoss", 1, 1), ("black-powder", "jp-black-powder", "ihi-aerospace", 0, 1),
    ("graphite-purified", "us-graphite-makers", "l3h-camden", 0, 1), ("graphite-purified", "jp-graphite-makers", "l3h-camden", 2, 2),
    ("graphite-purified", "us-graphite-makers", "ng-srm", 0, 1), ("graphite-purified", "us-graphite-makers", "nammo-raufoss", 2, 1),
    ("antimony-trisulfide", "us-antimony-corp", "l3h-camden", 0, 1), ("antimony-trisulfide", "cn-sb-smelters", "l3h-camden", 2, 2),
    ("antimony-trisulfide", "us-antimony-corp", "ng-srm", 0, 1), ("antimony-trisulfide", "tj-sb-smelter", "nammo-raufoss", 2, 1),
    ("srm-amraam", "ng-srm", "rtx-tucson", 0, 1), ("srm-amraam", "nammo-raufoss", "rtx-tucson", 2, 1),
    # --- Japan ---
    ("pac3-seeker", "boeing-huntsville", "mhi-komaki", 2, 1), ("srm-pac3", "l3h-camden", "mhi-komaki", 2, 1),
    ("cas-ndfeb", "jp-actuator-line", "mhi-komaki", 0, 1), ("tantalum-capacitor-set", "jp-cap-makers", "mhi-komaki", 0, 1),
    ("titanium-alloy", "jp-ti-mills", "mhi-komaki", 0, 1), ("tungsten-heavy-alloy", "jp-w-processor", "mhi-komaki", 0, 1),
    ("srm-sm3-stage2", "ihi-aerospace", "mhi-komaki", 0, 1), ("ir-optic-set", "jp-ir-optics", "mhi-komaki", 0, 1),
    ("srm-type12-booster", "ihi-aerospace", "mhi-type12", 0, 1), ("rf-mmic-set", "melco-gan", "mhi-type12", 0, 1),
    ("cas-ndfeb", "jp-actuator-line", "mhi-type12", 0, 1), ("tantalum-capacitor-set", "jp-cap-makers", "mhi-type12", 0, 1),
    ("titanium-alloy", "jp-ti-mills", "mhi-type12", 0, 1),
    ("molybdenum-powder", "cn-mo-powder", "mhi-type12", 1, 1), ("molybdenum-powder", "jp-mo-powder", "mhi-type12", 0, 2, 0.5),
    ("rf-mmic-set", "melco-gan", "melco-kamakura", 0, 1), ("srm-amraam", "nammo-raufoss", "melco-kamakura", 2, 1),
    ("cas-ndfeb", "jp-actuator-line", "melco-kamakura", 0, 1), ("tantalum-capacitor-set", "jp-cap-makers", "melco-kamakura", 0, 1),
    ("titanium-alloy", "jp-ti-mills", "melco-kamakura", 0, 1), ("tungsten-heavy-alloy", "jp-w-processor", "melco-kamakura", 0, 1),
    ("gallium-hp", "cn-ga-refiners", "melco-gan", 1, 1), ("gallium-hp", "jp-ga-refiners", "melco-gan", 0, 2, 0.5),
    ("germanium-refined", "cn-ge-refiners", "jp-ir-optics", 1, 1), ("germanium-refined", "jp-ge-refiners", "jp-ir-optics", 0, 2, 0.4),
    ("beryllium-metal", "us-be-metal", "jp-ir-optics", 2, 1),
    ("ndfeb-magnet", "cn-magnet-makers", "jp-actuator-line", 1, 1), ("ndfeb-magnet", "jp-magnet-makers", "jp-actuator-line", 0, 2, 0.5),
    ("ndpr-oxide", "cn-ree-separators", "jp-magnet-makers", 1, 1), ("ndpr-oxide", "lynas-kuantan", "jp-magnet-makers", 1, 2),
    ("dy-oxide", "cn-ree-separators", "jp-magnet-makers", 1, 1), ("dy-oxide", "lynas-kuantan", "jp-magnet-makers", 1, 2, 0.3),
    ("tb-oxide", "cn-ree-separators", "jp-magnet-makers", 1, 1), ("tb-oxide", "lynas-kuantan", "jp-magnet-makers", 1, 2, 0.3),
    ("tantalum-powder", "jp-ta-powder", "jp-cap-makers", 0, 1), ("tantalum", "ng-ta-mines", "de-ta-powder", 2, 3), ("tantalum-powder", "cn-ta-powder", "jp-cap-makers", 1, 2),
    ("graphite-purified", "cn-graphite-processors", "ihi-aerospace", 1, 1), ("graphite-purified", "jp-graphite-makers", "ihi-aerospace", 0, 2, 0.5),
    ("antimony-trisulfide", "cn-sb-smelters", "ihi-aerospace", 1, 1), ("antimony-trisulfide", "tj-sb-smelter", "ihi-aerospace", 2, 2, 0.4),
]


def build():
    from common import assume
    a_cap = assume("non-cn-lane-caps", "Caps on non-Chinese lanes into Japanese plants",
                   "What Japanese plants can get outside China is not public. Non-Chinese lanes are capped at a fraction "
                   "of the destination's peak need (Lynas Dy/Tb 30%, per fb-X-27 'about 30% of Japanese demand'; domestic "
                   "Japanese Ga/graphite/Mo/magnet 50%; Ge 40%; Tajik Sb 40%) so that a Chinese cut-off leaves a shortfall. Range +/-50%.")
    from common import derive
    d_mag = derive("dfars-magnets", "No Chinese-made magnets in US defense actuators",
                   "The Crowell & Moring alert cited for fb-S-10 (2024-06-21) describes DoD's DFARS restriction on NdFeB and "
                   "SmCo magnets melted or produced in China (and, from 2027, on their mined and refined rare earths). The "
                   "model therefore gives the US actuator makers no Chinese magnet lane. Verify against DFARS 252.225-7052.",
                   uncertain=True)
    a_split = assume("us-magnet-split", "How US actuator makers split their NdFeB orders",
                     "Not public. After China, Japan and Germany were the next NdFeB sources for US weapons makers (fb-S-04): "
                     "planned shares Japan 0.6, Germany 0.3, US makers 0.1. Range: each share +/-0.2.")
    for pid, key in FA_BOM.items():
        for row in BOM[key]:
            it, q = row[0], row[1]
            lo, hi = (row[2], row[3]) if len(row) > 2 else (None, None)
            s = S(C.A["bom-qty"], "fb-S-23") if lo is not None else C.A["bom-structure"]
            add("process_inputs", process=pid, item=it, quantity=q, low=lo, high=hi, source=s)
    for row in LANES:
        it, o, d, lead, pri = row[:5]
        frac = row[5] if len(row) > 5 else None
        share = row[6] if len(row) > 6 else None
        extra = "fb-X-27" if o == "lynas-kuantan" and d.startswith("jp") else ""
        if share is not None:
            extra = S(extra, "fb-S-04", d_mag, a_split)
        L(it, o, d, lead, pri, cap_frac=frac, cap_src=a_cap, extra=extra, share=share)
