"""Device class of a browser user agent: bot, tablet, mobile, desktop, or unknown. Rules by substring,
in this order, because the strings overlap: crawlers often claim a browser ("... Googlebot ...
Chrome/..."), an Android tablet is an Android without "Mobile", and iPadOS 13+ Safari claims to be a
Mac (so it counts as desktop: the user agent alone cannot tell them apart)."""
import re

from .contract import REALTIME

DESKTOP, MOBILE, TABLET, BOT, UNKNOWN = "desktop", "mobile", "tablet", "bot", "unknown"
assert (DESKTOP, MOBILE, TABLET, BOT, UNKNOWN) == tuple(REALTIME["enrichment"]["deviceClasses"])

_BOT = re.compile(r"bot\b|bot/|crawl|spider|slurp|fetcher|scrapy|headlesschrome|phantomjs|lighthouse|pingdom|^curl/|^wget/|python-requests|python-urllib|^go-http-client|^java/|okhttp|axios/|node-fetch", re.I)
_TABLET = re.compile(r"ipad|tablet|kindle|silk/|playbook|nexus (7|9|10)\b|sm-t\d|android(?!.*mobile)", re.I)
_MOBILE = re.compile(r"mobi|iphone|ipod|android|windows phone|blackberry|bb10|opera mini|iemobile", re.I)
_DESKTOP = re.compile(r"windows nt|macintosh|mac os x|x11|linux x86_64|cros\b", re.I)


def device_class(user_agent):
    """One of REALTIME.enrichment.deviceClasses for a user agent string (blank -> unknown)."""
    ua = (user_agent or "").strip()
    if not ua:
        return UNKNOWN
    for pattern, device in ((_BOT, BOT), (_TABLET, TABLET), (_MOBILE, MOBILE), (_DESKTOP, DESKTOP)):
        if pattern.search(ua):
            return device
    return UNKNOWN
