"""US ship and aircraft maintenance sites in Japan (no processes)."""
from common import site


def build():
    for sid, name, kind, op, party, lat, lon, src in [
        ("srf-jrmc-yokosuka", "SRF-JRMC Yokosuka (US Naval Ship Repair Facility and Japan Regional Maintenance Center)",
         "shipyard", "US Navy SRF-JRMC", "US", 35.29, 139.67, "fb-A-01"),
        ("srf-jrmc-sasebo", "SRF-JRMC Sasebo detachment", "shipyard", "US Navy SRF-JRMC", "US", 33.16, 129.72, "fb-A-01"),
        ("mhi-yokohama", "MHI Yokohama shipyard (USN overhauls, e.g. USS Miguel Keith 2025)", "shipyard",
         "Mitsubishi Heavy Industries", "JP", 35.43, 139.65, "fb-A-09"),
        ("mhi-nagoya-f35", "MHI Nagoya Aerospace Systems Works, Komaki (F-35 airframe MRO&U)", "depot",
         "Mitsubishi Heavy Industries", "JP", 35.26, 136.92, "fb-A-22"),
        ("ihi-mizuho-f135", "IHI Mizuho plant (F135 engine MRO&U regional depot)", "depot", "IHI", "JP", 35.77, 139.35,
         "fb-A-22;fb-A-24")]:
        site(sid, name, "JP", kind, operator=op, party=party, sector="military", lat=lat, lon=lon, source=src)
