"""Open311 GeoReport v2 at /open311/v2/: categories as services, public-safe
reports as service requests, and filing by client systems with a key.

- keys.py: issuing and checking client systems' keys (model: reports.models.Open311Client);
- mapping.py: what a report shows as a service request, and what it never shows;
- formats.py: the specification's JSON and XML, errors included;
- views.py, urls.py: the endpoints; admin.py: the client systems in the admin.
"""
