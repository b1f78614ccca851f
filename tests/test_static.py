from django.core.management import call_command


def test_collectstatic_with_the_production_manifest_storage(settings, tmp_path):
    # Manifest storage fails on any url() or sourcemap a vendored file names but does not ship.
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = (tmp_path / "staticfiles.json").read_text()
    for name in ("vendor/htmx/htmx.min.js", "vendor/pico/pico.min.css", "css/tuquan.css"):
        assert f'"{name}"' in manifest
    assert list(tmp_path.glob("vendor/htmx/htmx.min.*.js.gz"))
