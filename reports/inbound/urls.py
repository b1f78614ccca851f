from django.urls import path

from reports.inbound import views

app_name = "inbound"

urlpatterns = [
    path("sms/", views.sms_webhook, name="sms"),
    path("zalo/", views.zalo_webhook, name="zalo"),
]
