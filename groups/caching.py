"""Pages with personal data are kept by no browser cache or proxy.

Every app's signed-in pages use `private`; the public pages that a shared
computer must not keep use Django's `never_cache` instead.
"""

from django.views.decorators.cache import cache_control

private = cache_control(private=True, no_store=True)
