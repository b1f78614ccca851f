// The "Now" panel replaces itself every 30 seconds (dashboard/_now.html). While an
// officer has an acknowledgement's confirmation open, the refresh waits: replacing
// the panel would close the step under their finger.
document.addEventListener("htmx:beforeRequest", function (event) {
  var panel = event.detail.elt;
  if (panel.id === "now" && panel.querySelector("details.acknowledge-step[open]")) {
    event.preventDefault();
  }
});
