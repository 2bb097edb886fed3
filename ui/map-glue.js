// Share Hub's thin glue over Leaflet and Leaflet.markercluster (both bundled from npm).
// The Rust UI owns state, words and rules; this file only draws what it is given and
// reports clicks. Text is always set with textContent (never parsed as HTML).
(function () {
  "use strict";

  var KIND_GLYPH = {
    bike_station: "🚲", bike: "🚲", car: "🚗", parking_space: "P", room: "🚪",
    workspace: "💻", tool: "🔧", meal: "🍚", other: "•"
  };

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function markerIcon(item) {
    var html = el("div", "sh-pin sh-pin-" + item.kind);
    html.appendChild(el("span", "sh-pin-glyph", KIND_GLYPH[item.kind] || "•"));
    html.setAttribute("data-test", "map-marker");
    html.setAttribute("data-id", item.id);
    html.setAttribute("data-kind", item.kind);
    return L.divIcon({ html: html, className: "sh-pin-wrap", iconSize: [34, 34], iconAnchor: [17, 17], popupAnchor: [0, -16] });
  }

  function clusterIcon(cluster) {
    var n = cluster.getChildCount();
    var size = n < 10 ? 36 : n < 100 ? 44 : 52;
    var html = el("div", "sh-cluster", String(n));
    html.setAttribute("data-test", "map-cluster");
    html.setAttribute("data-count", String(n));
    return L.divIcon({ html: html, className: "sh-cluster-wrap", iconSize: [size, size] });
  }

  function popupContent(item, onOpen) {
    var box = el("div", "sh-popup");
    box.setAttribute("data-test", "map-popup");
    box.setAttribute("data-id", item.id);
    box.appendChild(el("span", "kind-badge kind-" + item.kind, item.kindLabel));
    box.appendChild(el("strong", "sh-popup-name", item.name));
    if (item.availability) {
      var avail = el("span", "sh-popup-availability", item.availability);
      avail.setAttribute("data-test", "map-popup-availability");
      box.appendChild(avail);
    }
    box.appendChild(el("span", "sh-popup-price", item.price));
    var open = el("button", "sh-popup-open", item.openLabel);
    open.type = "button";
    open.setAttribute("data-test", "map-popup-open");
    open.addEventListener("click", function () { onOpen(item.id); });
    box.appendChild(open);
    return box;
  }

  function create(element, options, onOpen, onPick, onTiles) {
    var map = L.map(element, { zoomControl: true, attributionControl: true, preferCanvas: false })
      .setView([options.lat, options.lon], options.zoom);
    var tiles = L.tileLayer(options.tileUrl, { attribution: options.attribution, maxZoom: 19 });
    var tileState = null;
    function report(ok) { if (tileState !== ok) { tileState = ok; onTiles(ok); } }
    tiles.on("tileerror", function () { report(false); });
    tiles.on("tileload", function () { report(true); });
    tiles.addTo(map);

    var boundaries = L.layerGroup().addTo(map);
    var selection = L.layerGroup().addTo(map);
    var near = L.layerGroup().addTo(map);
    var markers = L.markerClusterGroup({
      iconCreateFunction: clusterIcon, showCoverageOnHover: false, maxClusterRadius: 50,
      spiderfyOnMaxZoom: true, chunkedLoading: true
    }).addTo(map);
    map.on("click", function (e) { onPick(e.latlng.lat, e.latlng.lng); });

    return {
      map: map,
      setBoundaries: function (geojsonText) {
        boundaries.clearLayers();
        L.geoJSON(JSON.parse(geojsonText), {
          interactive: false,
          style: { color: "#3d5a4c", weight: 1.5, opacity: 0.7, fill: true, fillColor: "#e7efe9", fillOpacity: 0.25 }
        }).addTo(boundaries);
      },
      setMarkers: function (items) {
        markers.clearLayers();
        var layers = items.map(function (item) {
          var m = L.marker([item.lat, item.lon], { icon: markerIcon(item), title: item.name, alt: item.name, keyboard: true });
          m.bindPopup(function () { return popupContent(item, onOpen); });
          return m;
        });
        markers.addLayers(layers);
      },
      openPopup: function (id) {
        var found = null;
        markers.eachLayer(function (m) { if (m.options.icon.options.html.getAttribute("data-id") === id) found = m; });
        if (found) markers.zoomToShowLayer(found, function () { found.openPopup(); });
        return !!found;
      },
      setSelection: function (geojsonText) {
        selection.clearLayers();
        if (!geojsonText) return;
        var layer = L.geoJSON(JSON.parse(geojsonText), {
          interactive: false, style: { color: "#0b6e4f", weight: 4, fillOpacity: 0.08, className: "sh-selection" }
        }).addTo(selection);
        map.fitBounds(layer.getBounds(), { padding: [20, 20] });
      },
      setNear: function (lat, lon, radius) {
        near.clearLayers();
        if (radius <= 0) return;
        var circle = L.circle([lat, lon], { radius: radius, color: "#1d4aa8", weight: 2, fillOpacity: 0.06, className: "sh-near", interactive: false }).addTo(near);
        L.circleMarker([lat, lon], { radius: 7, color: "white", weight: 3, fillColor: "#1d4aa8", fillOpacity: 1, interactive: false, className: "sh-near-center" }).addTo(near);
        map.fitBounds(circle.getBounds(), { padding: [20, 20] });
      },
      destroy: function () { map.remove(); }
    };
  }

  window.ShareHubMap = { create: create };
})();
