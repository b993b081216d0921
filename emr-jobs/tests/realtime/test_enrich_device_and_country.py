"""Device class from the user agent and country from the address (realtime_jobs.enrich_device,
enrich_geo), on real user agents and on addresses whose registry is documented; the bundled database
read from a jobs zip as EMR gets it; and the live view's breakdowns folded from hand-made partials."""
import os
import subprocess
import sys
import zipfile

import pytest

from realtime_jobs import enrich, enrich_device, enrich_geo, live

USER_AGENTS = [
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", "desktop"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15", "desktop"),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", "desktop"),
    ("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", "desktop"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1", "mobile"),
    ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36", "mobile"),
    ("Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/52.0.2743.116 Mobile Safari/537.36 Edge/15.14977", "mobile"),
    ("Opera/9.80 (J2ME/MIDP; Opera Mini/9.80 (S60; SymbOS; Opera Mobi/23.348; U; en) Presto/2.5.25 Version/10.54", "mobile"),
    ("Mozilla/5.0 (iPad; CPU OS 12_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.1 Mobile/15E148 Safari/604.1", "tablet"),
    ("Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", "tablet"),
    ("Mozilla/5.0 (Linux; U; Android 4.0.3; en-us; KFTT Build/IML74K) AppleWebKit/537.36 (KHTML, like Gecko) Silk/3.68 like Chrome/39.0.2171.93 Safari/537.36", "tablet"),
    ("Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.129 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "bot"),
    ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", "bot"),
    ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36", "bot"),
    ("curl/8.5.0", "bot"),
    ("python-requests/2.31.0", "bot"),
    ("Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/4.0 Chrome/76.0.3809.146 TV Safari/537.36", "unknown"),
    ("Nokia6300/2.0 (05.00) Profile/MIDP-2.0 Configuration/CLDC-1.1", "unknown"),
    ("   ", "unknown"),
]


@pytest.mark.parametrize("user_agent,device", USER_AGENTS, ids=[d + ":" + ua[:40] for ua, d in USER_AGENTS])
def test_user_agents_get_their_device_class(user_agent, device):
    assert enrich_device.device_class(user_agent) == device


# Addresses whose registry allocation is public record, and the blocks no registry allocates.
ADDRESSES = [
    ("193.0.6.139", "NL"),  # www.ripe.net, RIPE NCC's own block in Amsterdam
    ("8.8.8.8", "US"),  # Google Public DNS, ARIN
    ("1.0.16.1", "JP"),  # APNIC block delegated to Japan
    ("200.160.2.3", "BR"),  # NIC.br, LACNIC
    ("2001:200::1", "JP"),  # WIDE project, the first APNIC IPv6 block
    ("::ffff:8.8.8.8", "US"),  # IPv4-mapped IPv6 reads as the IPv4 address
    ("192.0.2.1", "unknown"),  # TEST-NET-1 (RFC 5737), documentation only
    ("198.51.100.7", "unknown"),  # TEST-NET-2
    ("203.0.113.200", "unknown"),  # TEST-NET-3
    ("2001:db8::1", "unknown"),  # IPv6 documentation prefix (RFC 3849)
    ("10.1.2.3", "unknown"),  # private (RFC 1918)
    ("127.0.0.1", "unknown"),
    ("fe80::1", "unknown"),  # link-local
    ("not an address", "unknown"),
]


@pytest.mark.parametrize("ip,country", ADDRESSES, ids=[a for a, _ in ADDRESSES])
def test_addresses_get_the_country_their_registry_assigned(ip, country):
    assert enrich_geo.country_of(ip) == country


def test_the_bundle_holds_both_families_and_reads_from_a_jobs_zip(tmp_path):
    families = enrich_geo.ranges().families
    assert len(families[4][0]) > 100_000 and len(families[6][0]) > 50_000
    # EMR gets the jobs as a zip on --py-files: the data must load from inside it, as contract.json does.
    jobs = os.path.join(os.path.dirname(__file__), "..", "..")
    bundle = tmp_path / "jobs.zip"
    with zipfile.ZipFile(bundle, "w") as z:
        for package in ("realtime_jobs", "recstream_jobs"):
            for folder, _, files in os.walk(os.path.join(jobs, package)):
                for name in files:
                    if name.endswith((".py", ".json", ".gz")):
                        path = os.path.join(folder, name)
                        z.write(path, os.path.relpath(path, jobs))
    code = "import sys; sys.path[:0] = [sys.argv[1]]; from realtime_jobs import enrich_geo; assert enrich_geo.__file__.startswith(sys.argv[1]); print(enrich_geo.country_of('193.0.6.139'))"
    out = subprocess.run([sys.executable, "-c", code, str(bundle)], capture_output=True, text=True, cwd=str(tmp_path), env={"PATH": os.environ["PATH"]})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "NL"


MINUTE = 60_000
T0 = 1_764_237_600_000  # 2025-11-27 10:00 UTC


def partial(batch_id, minute, devices=(), countries=(), kind_counts=1):
    """A partial with one view event at `minute` (so as_of moves) and the given breakdown rows."""
    return {
        "batch_id": batch_id,
        "offsets": {},
        "produced_ms": None,
        "unreadable": 0,
        "minutes": [[minute, "view", kind_counts, "0"]],
        "orders": [],
        "sessions": [],
        "products": [],
        "devices": [[minute, d, n] for d, n in devices],
        "countries": [[minute, c, n] for c, n in countries],
    }


def test_the_live_view_counts_devices_and_countries_of_the_last_minutes_with_the_late_rule():
    state = live.empty_state()
    live.fold(state, partial(0, T0, devices=[("mobile", 3), ("desktop", 1)], countries=[("NL", 2), ("unknown", 2)]))
    live.fold(state, partial(1, T0 + 5 * MINUTE, devices=[("mobile", 1), ("bot", 2)], countries=[("US", 3)]))
    view = live.view(state, T0 + 6 * MINUTE)
    assert view["by_device"] == [{"device": "mobile", "events": 4}, {"device": "bot", "events": 2}, {"device": "desktop", "events": 1}]
    assert view["by_country"] == [{"country": "US", "events": 3}, {"country": "NL", "events": 2}, {"country": "unknown", "events": 2}]
    # 16 minutes on, the first minute has left the 15-minute window (and is older than the watermark).
    live.fold(state, partial(2, T0 + 16 * MINUTE, devices=[("tablet", 1)]))
    assert live.view(state, 0)["by_device"] == [{"device": "bot", "events": 2}, {"device": "mobile", "events": 1}, {"device": "tablet", "events": 1}]
    # An event of a minute older than the watermark counts in no window.
    live.fold(state, partial(3, T0 + 2 * MINUTE, devices=[("desktop", 9)], countries=[("NL", 9)]))
    after = live.view(state, 0)
    assert {d["device"] for d in after["by_device"]} == {"bot", "mobile", "tablet"}
    assert after["by_country"] == [{"country": "US", "events": 3}]


def test_an_empty_state_or_a_partial_from_before_the_enrichment_gives_empty_breakdowns():
    state = live.empty_state()
    assert (live.view(state, 0)["by_device"], live.view(state, 0)["by_country"]) == ([], [])
    old = partial(0, T0)
    del old["devices"], old["countries"]
    live.fold(state, old)
    assert live.view(state, 0)["by_device"] == []


def test_a_batch_classifies_each_distinct_value_once_per_minute():
    batch = enrich.BatchEnrichment()
    batch.add(enrich.AGENT, T0, "curl/8.5.0", 2)
    batch.add(enrich.AGENT, T0, "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", 1)
    batch.add(enrich.ADDRESS, T0, "8.8.8.8", 4)
    batch.add(enrich.ADDRESS, T0 + MINUTE, "192.0.2.1", 1)
    assert batch.partial() == {"devices": [[T0, "bot", 3]], "countries": [[T0, "US", 4], [T0 + MINUTE, "unknown", 1]]}
