from rest_framework.routers import SimpleRouter

from groups.api import views

app_name = "groups_api"

router = SimpleRouter()
router.register("areas", views.AreaViewSet, basename="area")
router.register("model-kinds", views.ModelTypeViewSet, basename="model-kind")
router.register("groups", views.GroupViewSet, basename="group")
router.register("members", views.MemberViewSet, basename="member")
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("trainings", views.TrainingViewSet, basename="training")
router.register("group-documents", views.GroupDocumentViewSet, basename="group-document")
router.register("emergency-contacts", views.EmergencyContactViewSet, basename="emergency-contact")
router.register("police-contacts", views.PoliceContactViewSet, basename="police-contact")
urlpatterns = router.urls
