"""Conditional GET for feeds, in front of the page cache (issue 10, "Feeds").

A feed served from the page cache never reaches its view, so the 304 is decided here, from
the ETag and Last-Modified that the feed view stored with the response. Scoped to feeds:
pages keep their current behaviour.
"""

import re

from django.http import HttpRequest, HttpResponseBase
from django.middleware.http import ConditionalGetMiddleware

FEED_PATH = re.compile(r"^/[a-zA-Z]{2}(?:-[a-zA-Z]{2,4})?/feeds/")


class FeedConditionalGetMiddleware(ConditionalGetMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if not FEED_PATH.match(request.path):
            return response
        return super().process_response(request, response)
