"""Whether a request wants a part of a page for htmx to swap in, or the whole page.

django-htmx's middleware reads htmx's request headers into ``request.htmx``; the
inbox, the patrol pages and the dashboard all decide here.
"""


def wants_partial(request) -> bool:
    # A history restore after a cache miss wants the whole page.
    return bool(request.htmx) and not request.htmx.history_restore_request
