// The dashboard map (dashboard/templates/dashboard/_map.html): fetches the points
// of the page's filters, draws reports as clustered markers by status and
// hotspots as circles, and lists the same points for keyboards and screen
// readers. Without tiles (offline, blocked server) the points are still drawn;
// without Leaflet the list still fills. Text comes from data- attributes, so it
// is translated by the template; nothing from the data is parsed as HTML.
(function () {
  "use strict";

  var OPEN_STATUSES = { new: true, acknowledged: true, in_progress: true };
  // On screen, so that a hotspot stays visible at every zoom.
  var HOTSPOT_RADIUS_PIXELS = 14;
  // Viet Nam as a whole, until the points say where to look.
  var FIRST_VIEW = { center: [16.0, 106.0], zoom: 5 };

  function start() {
    var container = document.getElementById("dashboard-map");
    if (!container) {
      return;
    }
    var section = container.closest(".dashboard-map");
    var text = container.dataset;
    var map = window.L ? createMap(container, text, section) : null;

    fetch(text.pointsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (points) {
        notice(section, "loading", false);
        var reports = points.reports.features;
        var hotspots = points.hotspots.features;
        notice(section, "truncated", points.reports.truncated);
        notice(section, "empty", reports.length === 0 && hotspots.length === 0);
        if (map) {
          drawPoints(map, points, text);
          fillLegend(section, points.reports.statuses, text);
        }
        fillList(section, reports, hotspots, text);
      })
      .catch(function () {
        notice(section, "loading", false);
        notice(section, "error", true);
      });
  }

  function createMap(container, text, section) {
    var map = L.map(container, { zoomControl: false }).setView(FIRST_VIEW.center, FIRST_VIEW.zoom);
    L.control
      .zoom({ zoomInTitle: text.textZoomIn, zoomOutTitle: text.textZoomOut })
      .addTo(map);
    var tiles = L.tileLayer(text.tileUrl, {
      // The setting is plain text; Leaflet would read it as HTML.
      attribution: escapeHtml(text.tileAttribution),
      maxZoom: 19,
    });
    tiles.on("tileerror", function () {
      notice(section, "tiles", true);
    });
    tiles.addTo(map);
    closePopupOnEscape(map, container);
    return map;
  }

  // Leaflet closes a popup on Escape only while the map itself has focus; a
  // keyboard user is on the marker (or in the popup) that opened it. Focus
  // goes back to that marker.
  function closePopupOnEscape(map, container) {
    var opener = null;
    map.on("popupopen", function () {
      opener = container.contains(document.activeElement) ? document.activeElement : null;
    });
    container.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || event.target === container) {
        return; // on the map itself Leaflet's own handler does it
      }
      map.closePopup();
      if (opener && document.body.contains(opener)) {
        opener.focus();
      }
    });
  }

  function drawPoints(map, points, text) {
    var cluster = L.markerClusterGroup({ showCoverageOnHover: false, chunkedLoading: true });
    var bounds = L.latLngBounds([]);
    points.reports.features.forEach(function (feature) {
      var where = latLng(feature);
      var report = feature.properties;
      var marker = L.marker(where, {
        icon: L.divIcon({
          className: pinClass(report.status),
          iconSize: [18, 18],
        }),
        title: report.category_name + " · " + report.status_label,
        keyboard: true,
      });
      marker.bindPopup(function () {
        return reportPopup(report, text);
      });
      cluster.addLayer(marker);
      bounds.extend(where);
    });
    cluster.addTo(map);

    points.hotspots.features.forEach(function (feature) {
      var where = latLng(feature);
      var hotspot = feature.properties;
      L.circleMarker(where, {
        radius: HOTSPOT_RADIUS_PIXELS,
        className: "map-hotspot map-hotspot-risk-" + hotspot.risk,
      })
        .bindPopup(function () {
          return hotspotPopup(hotspot, text);
        })
        .addTo(map);
      bounds.extend(where);
    });

    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 });
    }
  }

  function reportPopup(report, text) {
    var box = element("div", "map-popup");
    box.appendChild(element("strong", "", report.category_name));
    box.appendChild(element("p", "", report.status_label + " · " + report.severity_label));
    box.appendChild(element("p", "", text.textReceived + ": " + localDateTime(report.created_at)));
    if (report.tip) {
      box.appendChild(element("p", "map-popup-tip", text.textTip));
    }
    box.appendChild(link(report.url, text.textOpen));
    return box;
  }

  function hotspotPopup(hotspot, text) {
    var box = element("div", "map-popup");
    box.appendChild(element("strong", "", text.textHotspot + ": " + hotspot.name));
    var details = hotspot.kind_label + " · " + text.textRisk + ": " + hotspot.risk_label;
    box.appendChild(element("p", "", details));
    box.appendChild(link(hotspot.url, text.textOpenHotspot));
    return box;
  }

  function fillLegend(section, statuses, text) {
    var legend = section.querySelector(".map-legend");
    statuses.forEach(function (status) {
      var value = status[0];
      var item = element("li", "");
      var swatch = element("span", pinClass(value));
      swatch.setAttribute("aria-hidden", "true");
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(" " + status[1]));
      legend.appendChild(item);
    });
    var hotspotItem = element("li", "");
    var ring = element("span", "map-legend-hotspot");
    ring.setAttribute("aria-hidden", "true");
    hotspotItem.appendChild(ring);
    hotspotItem.appendChild(document.createTextNode(" " + text.textHotspot));
    legend.appendChild(hotspotItem);
    legend.hidden = false;
  }

  function fillList(section, reports, hotspots, text) {
    var list = section.querySelector(".map-list");
    var reportItems = section.querySelector("[data-map-list='reports']");
    reports.forEach(function (feature) {
      var report = feature.properties;
      var item = element("li", "");
      item.appendChild(link(report.url, "#" + report.id + " " + report.category_name));
      var details = " · " + report.status_label + " · " + localDateTime(report.created_at);
      item.appendChild(document.createTextNode(details + (report.tip ? " · " + text.textTip : "")));
      reportItems.appendChild(item);
    });
    var hotspotItems = section.querySelector("[data-map-list='hotspots']");
    hotspots.forEach(function (feature) {
      var hotspot = feature.properties;
      var item = element("li", "");
      item.appendChild(link(hotspot.url, hotspot.name));
      var details = " · " + hotspot.kind_label + " · " + text.textRisk + ": " + hotspot.risk_label;
      item.appendChild(document.createTextNode(details));
      hotspotItems.appendChild(item);
    });
    list.hidden = reports.length === 0 && hotspots.length === 0;
  }

  // Filled for open reports, a ring for closed ones: not colour alone.
  function pinClass(status) {
    return "map-pin map-pin-" + status + (OPEN_STATUSES[status] ? "" : " map-pin-closed");
  }

  function notice(section, name, visible) {
    section.querySelector("[data-map-notice='" + name + "']").hidden = !visible;
  }

  function latLng(feature) {
    var coordinates = feature.geometry.coordinates; // GeoJSON: longitude first
    return L.latLng(coordinates[1], coordinates[0]);
  }

  // "2026-03-05T14:07:00+07:00" as "05/03/2026 14:07": the server already gives
  // Viet Nam's local time, whatever the browser's own time zone.
  function localDateTime(iso) {
    return iso.slice(8, 10) + "/" + iso.slice(5, 7) + "/" + iso.slice(0, 4) + " " + iso.slice(11, 16);
  }

  function element(tag, className, content) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (content !== undefined) {
      node.textContent = content;
    }
    return node;
  }

  function link(href, content) {
    var anchor = element("a", "", content);
    anchor.href = href;
    return anchor;
  }

  function escapeHtml(value) {
    var node = document.createElement("span");
    node.textContent = value || "";
    return node.innerHTML;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
