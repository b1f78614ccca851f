from pathlib import Path

from django.conf import settings as django_settings
from django.core.management import call_command

VENDOR = Path(django_settings.BASE_DIR) / "static" / "vendor"
# The vendored files the templates load; each library's folder ships its licence.
VENDORED = {
    "htmx": ["htmx.min.js"],
    "pico": ["pico.min.css"],
    "leaflet": ["leaflet.js", "leaflet.css"],
    "leaflet.markercluster": [
        "leaflet.markercluster.js",
        "MarkerCluster.css",
        "MarkerCluster.Default.css",
    ],
    "chartjs": ["chart.umd.js"],
}
# Where a page would fetch a library from someone else's server instead of ours.
CDN_HOSTS = ("cdn.", "unpkg.com", "jsdelivr", "cdnjs")


def test_collectstatic_with_the_production_manifest_storage(settings, tmp_path):
    # Manifest storage fails on any url() or sourcemap a vendored file names but does not ship.
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = (tmp_path / "staticfiles.json").read_text()
    vendored = [f"vendor/{library}/{name}" for library, names in VENDORED.items() for name in names]
    for name in [*vendored, "css/tuquan.css"]:
        assert f'"{name}"' in manifest
    assert list(tmp_path.glob("vendor/htmx/htmx.min.*.js.gz"))


def test_every_vendored_library_is_the_one_we_list_and_ships_its_licence():
    assert {folder.name for folder in VENDOR.iterdir() if folder.is_dir()} == set(VENDORED)
    for library in VENDORED:
        assert list((VENDOR / library).glob("LICENSE*")), library


def test_no_template_loads_anything_from_a_cdn():
    base = Path(django_settings.BASE_DIR)
    templates = [*base.glob("templates/**/*.html"), *base.glob("*/templates/**/*.html")]
    assert len(templates) > 10
    loading_from_a_cdn = [
        str(template.relative_to(base))
        for template in templates
        if any(host in template.read_text().lower() for host in CDN_HOSTS)
    ]
    assert loading_from_a_cdn == []
