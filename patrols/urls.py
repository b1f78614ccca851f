from django.urls import path

from patrols import coverage_views, hotspot_views, log_views, views

app_name = "patrols"
urlpatterns = [
    path("", views.home, name="home"),
    path("calendar/link/", views.rotate_feed, name="rotate_feed"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
    path("groups/<int:group_pk>/calendar/", views.calendar, name="calendar"),
    path("groups/<int:group_pk>/schedules/", views.schedule_list, name="schedules"),
    path("groups/<int:group_pk>/schedules/new/", views.schedule_new, name="schedule_new"),
    path("groups/<int:group_pk>/logs/new/", log_views.group_afterwards, name="group_afterwards"),
    path("schedules/<int:pk>/edit/", views.schedule_edit, name="schedule_edit"),
    path("schedules/<int:pk>/delete/", views.schedule_delete, name="schedule_delete"),
    path("shifts/<int:pk>/", views.shift_detail, name="shift"),
    path("shifts/<int:pk>/edit/", views.shift_edit, name="shift_edit"),
    path("shifts/<int:pk>/cancel/", views.shift_cancel, name="shift_cancel"),
    path("shifts/<int:pk>/restore/", views.shift_restore, name="shift_restore"),
    path("shifts/<int:pk>/crew/", views.shift_assign, name="shift_assign"),
    path("shifts/<int:pk>/swap/", views.shift_swap, name="shift_swap"),
    path("shifts/<int:pk>/partners/", views.partner_add, name="partner_add"),
    path("shifts/<int:pk>/start/", views.shift_start, name="shift_start"),
    path("shifts/<int:pk>/log/", log_views.shift_afterwards, name="shift_afterwards"),
    path("partners/<int:pk>/remove/", views.partner_remove, name="partner_remove"),
    path("logs/", log_views.log_list, name="logs"),
    path("logs/<int:pk>/", log_views.log_detail, name="log"),
    path("logs/<int:pk>/attendance/", log_views.log_attendance, name="log_attendance"),
    path("logs/<int:pk>/checkins/", log_views.log_checkin, name="log_checkin"),
    path("logs/<int:pk>/notes/", log_views.log_notes, name="log_notes"),
    path("logs/<int:pk>/finish/", log_views.log_finish, name="log_finish"),
    path("logs/<int:pk>/incident/", log_views.log_incident, name="log_incident"),
    path("hotspots/", hotspot_views.hotspot_list, name="hotspots"),
    path("hotspots/new/", hotspot_views.hotspot_new, name="hotspot_new"),
    path("hotspots/<int:pk>/", hotspot_views.hotspot_detail, name="hotspot"),
    path("hotspots/<int:pk>/edit/", hotspot_views.hotspot_edit, name="hotspot_edit"),
    path("coverage/", coverage_views.coverage_page, name="coverage"),
]
