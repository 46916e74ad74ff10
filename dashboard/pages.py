"""What every public page's response says to browsers, on top of the page cache.

`dashboard.caching.cached_page` keeps whole pages on the data version and answers a matching
If-None-Match with a 304. `public_page` wraps it so that:

- browsers revalidate every view (`Cache-Control: no-cache` with the ETag) instead of keeping a
  copy for a minute, so an editor's correction is seen on the next view, at the price of a 304;
- a 304 to an embed (`?embed=<chart id>`) keeps the framing an embed is sent with: a browser
  applies a 304's headers to the copy it holds, and `frame-ancestors 'none'` on the 304 would
  make it refuse the iframe it showed a minute before.
"""

from functools import wraps

from dashboard.caching import BROWSER_MAX_AGE, cached_page

REVALIDATE = "public, no-cache"


def allow_framing(response):
    """Embeds are meant to be framed by other sites; every other page refuses framing."""
    response.xframe_options_exempt = True
    response._csp_replace = {"frame-ancestors": ["*"]}
    return response


def public_page(view=None, *, params=None):
    """`params`: the query parameters the page reads (see cached_page)."""
    if view is None:
        return lambda view: public_page(view, params=params)
    cached = cached_page(view, params=params)

    @wraps(cached)
    def wrapper(request, *args, **kwargs):
        response = cached(request, *args, **kwargs)
        # Only what cached_page set: a download that sets its own (a frozen release) keeps it.
        if response.get("Cache-Control") == f"public, max-age={BROWSER_MAX_AGE}":
            response["Cache-Control"] = REVALIDATE
        if response.status_code == 304 and request.GET.get("embed"):
            allow_framing(response)
        return response

    return wrapper
