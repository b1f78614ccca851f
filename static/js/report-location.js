// "Use my location" on the public report form: fills the map point from the
// phone's position. Nothing leaves the page until the resident sends the form,
// and without JavaScript (or without geolocation) the button stays hidden.
(function () {
  "use strict";

  function start() {
    var button = document.getElementById("use-location");
    if (!button || !("geolocation" in navigator)) {
      return;
    }
    var status = document.getElementById("location-status");
    var latitude = document.getElementById(button.dataset.latitude);
    var longitude = document.getElementById(button.dataset.longitude);
    button.hidden = false;

    button.addEventListener("click", function () {
      button.setAttribute("aria-busy", "true");
      button.disabled = true;
      status.textContent = button.dataset.waiting;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          latitude.value = position.coords.latitude.toFixed(6);
          longitude.value = position.coords.longitude.toFixed(6);
          status.textContent = button.dataset.done;
          done();
        },
        function () {
          status.textContent = button.dataset.failed;
          done();
        },
        { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 }
      );
    });

    function done() {
      button.removeAttribute("aria-busy");
      button.disabled = false;
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
