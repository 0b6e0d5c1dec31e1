/* Maps with Leaflet, as progressive enhancement: every map has a text alternative on
   the page (the list, the address field), so nothing depends on this script. */
(function () {
  "use strict";
  if (!window.L) { return; }

  function baseMap(element, zoom) {
    element.hidden = false;
    var note = element.nextElementSibling;
    if (note && note.hasAttribute("data-map-note")) { note.hidden = false; }
    var map = L.map(element, { scrollWheelZoom: false });
    map.setView([parseFloat(element.dataset.lat), parseFloat(element.dataset.lng)], zoom);
    if (element.dataset.tiles) {
      L.tileLayer(element.dataset.tiles, {
        maxZoom: 19,
        attribution: element.dataset.attribution || ""
      }).addTo(map);
    }
    return map;
  }

  function showPoints(element) {
    var source = document.getElementById("map-points");
    var points = source ? JSON.parse(source.textContent) : [];
    var map = baseMap(element, 13);
    var bounds = [];
    points.forEach(function (point) {
      var link = document.createElement("a");
      link.href = point.url;
      link.textContent = point.title;
      var popup = document.createElement("div");
      popup.appendChild(link);
      var status = document.createElement("div");
      status.textContent = point.status;
      popup.appendChild(status);
      L.marker([point.lat, point.lng], { title: point.title, alt: point.title })
        .bindPopup(popup).addTo(map);
      bounds.push([point.lat, point.lng]);
    });
    if (bounds.length > 1) { map.fitBounds(bounds, { padding: [30, 30], maxZoom: 16 }); }
    else if (bounds.length === 1) { map.setView(bounds[0], 16); }
  }

  function showShapes(element) {
    var source = document.getElementById("map-shapes");
    var shapes = source ? JSON.parse(source.textContent) : [];
    var map = baseMap(element, 12);
    var group = L.featureGroup().addTo(map);
    shapes.forEach(function (shape) {
      var style = { color: "#5a2d82", weight: 2, fillOpacity: 0.15 };
      if (shape.colour !== undefined) {
        /* A map coloured by a figure: each area in its class's colour, white without one. */
        style = { color: "#333333", weight: 1, fillColor: shape.colour || "#ffffff", fillOpacity: 0.8 };
      }
      var layer = L.geoJSON(shape.boundary, { style: style });
      layer.bindTooltip(shape.name, { sticky: true });
      if (shapes.length > 1 && shape.url) {
        layer.on("click", function () { window.location.href = shape.url; });
      }
      layer.addTo(group);
    });
    if (shapes.length) { map.fitBounds(group.getBounds(), { padding: [10, 10] }); }
  }

  function picker(element) {
    var latitude = document.getElementById("id_latitude");
    var longitude = document.getElementById("id_longitude");
    var clear = document.getElementById("location-clear");
    var status = document.getElementById("location-status");
    if (!latitude || !longitude) { return; }
    var hint = document.querySelector(".portal-map-hint");
    if (hint) { hint.hidden = false; }
    var map = baseMap(element, 13);
    var marker = null;
    function place(lat, lng, announce) {
      if (marker) { marker.setLatLng([lat, lng]); }
      else { marker = L.marker([lat, lng], { alt: element.dataset.markerLabel || "" }).addTo(map); }
      latitude.value = lat.toFixed(6);
      longitude.value = lng.toFixed(6);
      if (clear) { clear.hidden = false; }
      if (status && announce) { status.textContent = status.dataset.chosen; }
    }
    if (latitude.value && longitude.value) {
      place(parseFloat(latitude.value), parseFloat(longitude.value), false);
      map.setView([parseFloat(latitude.value), parseFloat(longitude.value)], 16);
    }
    map.on("click", function (event) { place(event.latlng.lat, event.latlng.lng, true); });
    if (clear) {
      clear.addEventListener("click", function () {
        if (marker) { map.removeLayer(marker); marker = null; }
        latitude.value = "";
        longitude.value = "";
        clear.hidden = true;
        if (status) { status.textContent = status.dataset.cleared; }
      });
    }
  }

  document.querySelectorAll("[data-map]").forEach(function (element) {
    if (element.dataset.map === "points") { showPoints(element); }
    if (element.dataset.map === "picker") { picker(element); }
    if (element.dataset.map === "shapes") { showShapes(element); }
  });
})();
