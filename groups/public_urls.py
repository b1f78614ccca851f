"""Pages for residents without an account: the directory of groups and contacts,
and the printable posters (those need a login: see groups/poster_views.py)."""

from django.urls import path

from groups import poster_views, public_views

app_name = "directory"
urlpatterns = [
    path("", public_views.directory_index, name="index"),
    path("<int:ward_id>/", public_views.directory_ward, name="ward"),
    path("<int:ward_id>/posters.pdf", poster_views.ward_posters, name="ward_posters"),
    path("groups/<int:group_id>/poster.pdf", poster_views.group_poster, name="group_poster"),
]
