from rest_framework.routers import SimpleRouter

from groups.api.token_views import ApiTokenViewSet

app_name = "tokens_api"

router = SimpleRouter()
router.register("tokens", ApiTokenViewSet, basename="token")
urlpatterns = router.urls
