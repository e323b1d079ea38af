from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The reader's address: REMOTE_ADDR, or the one our own proxies saw.

    Each of the TRUSTED_PROXY_COUNT proxies in front of the app appends the address it saw to
    X-Forwarded-For; anything further left was written by the client and is not trusted. With
    fewer entries than trusted proxies the header is not ours, so REMOTE_ADDR stands.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    return hops[-proxies] if len(hops) >= proxies else remote
