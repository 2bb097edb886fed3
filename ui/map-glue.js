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

  // Tiles come through the shell's tile scheme (see src-tauri/src/tiles.rs): fetched, so
  // the answer's X-ShareHub-Tile header says whether the tile is live or kept on the
  // device. onTiles hears "live", "kept" (some tiles of this view are kept ones) or
  // "offline" (no tile could be shown).
  var ProxiedTiles = L.TileLayer.extend({
    createTile: function (coords, done) {
      var img = document.createElement("img");
      img.alt = "";
      img.setAttribute("role", "presentation");
      var url = this.getTileUrl(coords);
      img.setAttribute("data-tile", url);
      fetch(url).then(function (response) {
        if (!response.ok) throw new Error("tile " + response.status);
        var source = response.headers.get("X-ShareHub-Tile") || "live";
        return response.blob().then(function (blob) {
          var objectUrl = URL.createObjectURL(blob);
          img.onload = function () {
            URL.revokeObjectURL(objectUrl);
            img.setAttribute("data-tile-source", source);
            done(null, img);
          };
          img.onerror = function () { URL.revokeObjectURL(objectUrl); done(new Error("tile image"), img); };
          img.src = objectUrl;
        });
      }).catch(function (error) { done(error, img); });
      return img;
    }
  });

  function addTiles(map, options, onTiles) {
    var tiles = new ProxiedTiles(options.tileUrl, { attribution: options.attribution, maxZoom: 19 });
    var state = null, kept = 0, live = 0;
    function report(next) { if (state !== next) { state = next; onTiles(next); } }
    function settle() { report(kept > 0 ? "kept" : live > 0 ? "live" : "offline"); }
    tiles.on("loading", function () { kept = 0; live = 0; });
    tiles.on("tileload", function (e) {
      if (e.tile.getAttribute("data-tile-source") === "kept") kept++; else live++;
      settle();
    });
    tiles.on("tileerror", settle);
    tiles.addTo(map);
    return tiles;
  }

  function clusterMarker(cluster, map) {
    var n = cluster.count;
    var size = n < 10 ? 36 : n < 100 ? 44 : n < 1000 ? 52 : 60;
    var html = el("div", "sh-cluster", n.toLocaleString("en-US"));
    html.setAttribute("data-test", "map-cluster");
    html.setAttribute("data-count", String(n));
    var icon = L.divIcon({ html: html, className: "sh-cluster-wrap sh-store-cluster", iconSize: [size, size] });
    var m = L.marker([cluster.lat, cluster.lon], { icon: icon, keyboard: true, title: cluster.label, alt: cluster.label });
    m.on("click", function () {
      var b = cluster.bounds;
      map.fitBounds([[b.south, b.west], [b.north, b.east]], { padding: [40, 40], maxZoom: map.getZoom() + 3 });
    });
    return m;
  }

  function create(element, options, onOpen, onPick, onTiles, onView) {
    var map = L.map(element, { zoomControl: true, attributionControl: true, preferCanvas: false })
      .setView([options.lat, options.lon], options.zoom);
    addTiles(map, options, onTiles);

    var boundaries = L.layerGroup().addTo(map);
    var selection = L.layerGroup().addTo(map);
    var near = L.layerGroup().addTo(map);
    var clusters = L.layerGroup().addTo(map);
    var markers = L.markerClusterGroup({
      iconCreateFunction: clusterIcon, showCoverageOnHover: false, maxClusterRadius: 50,
      spiderfyOnMaxZoom: true, chunkedLoading: true
    }).addTo(map);
    map.on("click", function (e) { onPick(e.latlng.lat, e.latlng.lng); });
    function reportView() {
      var b = map.getBounds();
      var clampLat = function (v) { return Math.max(-85, Math.min(85, v)); };
      var clampLon = function (v) { return Math.max(-180, Math.min(180, v)); };
      onView(clampLat(b.getSouth()), clampLon(b.getWest()), clampLat(b.getNorth()), clampLon(b.getEast()), map.getZoom());
    }
    map.on("moveend", reportView);
    var drawn = 0;
    element.shareHubDraws = [];

    var api = {
      map: map,
      reportView: reportView,
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
      // Clusters the device's store made for this view (many resources in view).
      setClusters: function (items) {
        clusters.clearLayers();
        items.forEach(function (c) { clusterMarker(c, map).addTo(clusters); });
      },
      // Marks the end of a redraw, for tests and benchmarks: data-drawn counts redraws,
      // shareHubDrawnAt is the page clock (performance.now()) of the last one and
      // shareHubDraws lists each one's time and number of store clusters.
      drawn: function () {
        drawn++;
        element.shareHubDrawnAt = performance.now();
        element.shareHubDraws.push({ at: element.shareHubDrawnAt, clusters: clusters.getLayers().length });
        element.setAttribute("data-drawn", String(drawn));
      },
      fitTo: function (south, west, north, east) {
        map.fitBounds([[south, west], [north, east]], { padding: [24, 24], maxZoom: 16 });
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
    // Tests and benchmarks reach the live map through its element (e.g. to pan it).
    element.shareHubMap = api;
    return api;
  }

  // A resource's own page: a small map of its place (a pin, or for a spot shown only after
  // booking, a circle around the approximate place).
  function createSpot(element, options, onTiles) {
    var map = L.map(element, { zoomControl: true, attributionControl: true, scrollWheelZoom: false })
      .setView([options.lat, options.lon], options.zoom);
    addTiles(map, options, onTiles);
    if (options.approximateM > 0) {
      L.circle([options.lat, options.lon], { radius: options.approximateM, color: "#1d4aa8", weight: 2, fillOpacity: 0.12, interactive: false, className: "sh-spot-area" }).addTo(map);
    } else {
      var icon = markerIcon(options.item);
      icon.options.html.setAttribute("data-test", "spot-marker");
      L.marker([options.lat, options.lon], { icon: icon, title: options.item.name, alt: options.item.name, keyboard: false, interactive: false }).addTo(map);
    }
    return { destroy: function () { map.remove(); } };
  }

  window.ShareHubMap = { create: create, createSpot: createSpot };
})();
