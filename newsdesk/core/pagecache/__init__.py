"""The page cache: whole public pages served before Django runs (issue 12, docs/caching.md).

- `keys`: which URLs are cached and under which key (path + normalised query);
- `policy`: which requests may be served from it and which responses may enter it;
- `entries`: a stored response and its freshness;
- `store`: the entries in the "pages" cache alias, with a per-process copy;
- `flights`: one render per key and process at a time (request coalescing);
- `layer`: the cache in front of any WSGI application (`newsdesk/wsgi.py`);
- `purge`: dropping the entries of given URLs, here and in the proxy, after the commit.
"""
