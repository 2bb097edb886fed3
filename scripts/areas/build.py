#!/usr/bin/env python3
"""Builds the bundled Seoul boundaries: assets/geo/seoul-gu.geojson and seoul-dong.geojson.

Input: the KOSTAT 2013 TopoJSON of southkorea/seoul-maps (vendored, gzipped, in source/;
see README.md). Steps, all deterministic (Python 3.11 standard library only):

1. decode the topology (shared arcs, quantised integers);
2. move every vertex from the Korean 1985 (Bessel) datum to WGS84: the upstream files carry
   Bessel longitudes/latitudes labelled as WGS84, about 190 m east and 310 m south of the
   truth;
3. simplify each shared arc once (Douglas-Peucker in metres, end points fixed), so
   neighbouring areas keep exactly the same border: no gaps, no overlaps;
4. round to 6 decimals, rebuild the 행정동 rings and dissolve them into the 25 gu (an arc
   used by two dong of the same gu is interior and dropped), so every dong lies inside its gu
   by construction;
5. orient rings as RFC 7946 asks (exterior counter-clockwise, holes clockwise), check
   validity (closure, no self-intersections, Seoul's bounding box) and write the files.

Usage: python3 scripts/areas/build.py [--out DIR] [--fixtures DIR]
  --fixtures: optionally cross-check codes and names with the upstream simplified GeoJSON
  (e.g. /work/shared/fixtures/seoul-maps); not needed to build.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from romanize import romanize_dong, romanize_gu, self_test  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SOURCE_DONG = HERE / "source" / "kostat_2013_seoul_submunicipalities_topo.json.gz"
SOURCE_GU = HERE / "source" / "kostat_2013_seoul_municipalities_topo.json.gz"
# sha256 of the uncompressed upstream files (southkorea/seoul-maps @ dbb1dcd).
SOURCE_SHA256 = {
    SOURCE_DONG: "484c4e4ee0fac5dcf9856a47c6f675a4ba05aeb41ba9ecd199b57f34e64198e6",
    SOURCE_GU: "a3f119e401c35d25bc8defe038bb2cbc7e382323ea5970e11369281beb17b0b4",
}

# Douglas-Peucker tolerance in metres. The source is quantised to about 3.5 m and the KOSTAT
# census boundaries are not more exact than a few metres, so this keeps the shape true.
TOLERANCE_M = 13.0
DECIMALS = 6
SEOUL_BBOX = (126.7, 37.4, 127.3, 37.75)  # lon min, lat min, lon max, lat max

# Korean 1985 (Bessel 1841) → WGS84, the 7-parameter Helmert set PROJ/EPSG use for the
# Korean 1985 TM grids (EPSG:5174 and neighbours): tx, ty, tz [m], rx, ry, rz [arc-seconds,
# position-vector convention], scale [ppm].
HELMERT_KOREAN_1985_TO_WGS84 = (-115.80, 474.99, 674.11, 1.16, -2.31, -1.63, 6.43)
BESSEL_1841 = (6377397.155, 1 / 299.1528128)
WGS_84 = (6378137.0, 1 / 298.257223563)


# ---------------------------------------------------------------------------------------
# Datum


def geodetic_to_ecef(lon: float, lat: float, ellipsoid: tuple[float, float]) -> tuple[float, float, float]:
    a, f = ellipsoid
    e2 = f * (2 - f)
    phi, lam = math.radians(lat), math.radians(lon)
    n = a / math.sqrt(1 - e2 * math.sin(phi) ** 2)
    return (
        n * math.cos(phi) * math.cos(lam),
        n * math.cos(phi) * math.sin(lam),
        n * (1 - e2) * math.sin(phi),
    )


def ecef_to_geodetic(x: float, y: float, z: float, ellipsoid: tuple[float, float]) -> tuple[float, float]:
    a, f = ellipsoid
    e2 = f * (2 - f)
    lam = math.atan2(y, x)
    p = math.hypot(x, y)
    phi = math.atan2(z, p * (1 - e2))
    for _ in range(8):  # converges to far below a millimetre
        n = a / math.sqrt(1 - e2 * math.sin(phi) ** 2)
        phi = math.atan2(z + e2 * n * math.sin(phi), p)
    return math.degrees(lam), math.degrees(phi)


def korean1985_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    tx, ty, tz, rx, ry, rz, ppm = HELMERT_KOREAN_1985_TO_WGS84
    arcsec = math.pi / 180 / 3600
    rx, ry, rz = rx * arcsec, ry * arcsec, rz * arcsec
    m = 1 + ppm * 1e-6
    x, y, z = geodetic_to_ecef(lon, lat, BESSEL_1841)
    return ecef_to_geodetic(
        tx + m * (x - rz * y + ry * z),
        ty + m * (rz * x + y - rx * z),
        tz + m * (-ry * x + rx * y + z),
        WGS_84,
    )


# ---------------------------------------------------------------------------------------
# Topology


def read_source(path: Path) -> dict:
    raw = gzip.decompress(path.read_bytes())
    digest = hashlib.sha256(raw).hexdigest()
    if digest != SOURCE_SHA256[path]:
        raise SystemExit(f"{path.name}: sha256 {digest} is not the pinned upstream file")
    return json.loads(raw)


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Absolute WGS84 positions of every arc (delta-decoded, de-quantised, datum-shifted)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    shifted: dict[tuple[int, int], tuple[float, float]] = {}
    arcs = []
    for arc in topology["arcs"]:
        qx = qy = 0
        points = []
        for dx, dy in arc:
            qx += dx
            qy += dy
            key = (qx, qy)
            if key not in shifted:
                shifted[key] = korean1985_to_wgs84(tx + qx * sx, ty + qy * sy)
            if not points or points[-1] != shifted[key]:
                points.append(shifted[key])
        arcs.append(points)
    return arcs


def single_object(topology: dict) -> list[dict]:
    (obj,) = topology["objects"].values()
    return obj["geometries"]


# ---------------------------------------------------------------------------------------
# Simplification


def to_metres(p: tuple[float, float]) -> tuple[float, float]:
    # Local equirectangular projection around Seoul's centre: plenty for a tolerance test.
    return p[0] * 111_320.0 * math.cos(math.radians(37.55)), p[1] * 110_950.0


def point_segment_distance(p, a, b) -> float:
    (px, py), (ax, ay), (bx, by) = to_metres(p), to_metres(a), to_metres(b)
    vx, vy = bx - ax, by - ay
    length2 = vx * vx + vy * vy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * vx + (py - ay) * vy) / length2))
    return math.hypot(px - ax - t * vx, py - ay - t * vy)


def douglas_peucker(points: list, tolerance: float) -> list:
    if len(points) <= 2:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, worst_index = -1.0, -1
        for i in range(first + 1, last):
            d = point_segment_distance(points[i], points[first], points[last])
            if d > worst:
                worst, worst_index = d, i
        if worst > tolerance:
            keep[worst_index] = True
            stack.append((first, worst_index))
            stack.append((worst_index, last))
    return [p for p, k in zip(points, keep) if k]


def simplify_arc(points: list, tolerance: float) -> list:
    if len(points) > 2 and points[0] == points[-1]:
        # A closed arc (a whole ring): split at the vertex farthest from the start so the
        # loop keeps at least a triangle.
        far = max(range(len(points)), key=lambda i: math.dist(to_metres(points[0]), to_metres(points[i])))
        head = douglas_peucker(points[: far + 1], tolerance)
        tail = douglas_peucker(points[far:], tolerance)
        return head + tail[1:]
    return douglas_peucker(points, tolerance)


def rounded(points: list) -> list:
    out = []
    for lon, lat in points:
        p = (round(lon, DECIMALS), round(lat, DECIMALS))
        if not out or out[-1] != p:
            out.append(p)
    return out


# ---------------------------------------------------------------------------------------
# Validity


def segments_cross(a, b, c, d) -> bool:
    """True when segments ab and cd share any point other than a common end point."""

    def orient(p, q, r):
        v = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
        return (v > 0) - (v < 0)

    def on_segment(p, q, r):  # r collinear with pq: is it within pq?
        return min(p[0], q[0]) <= r[0] <= max(p[0], q[0]) and min(p[1], q[1]) <= r[1] <= max(p[1], q[1])

    shared = {a, b} & {c, d}
    o1, o2, o3, o4 = orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
    if shared:
        if len(shared) == 2:
            return True  # the same segment twice
        # Touching at the shared end is fine; overlapping along a line is not.
        s = shared.pop()
        other1 = b if a == s else a
        other2 = d if c == s else c
        if orient(s, other1, other2) != 0:
            return False
        v1 = (other1[0] - s[0], other1[1] - s[1])
        v2 = (other2[0] - s[0], other2[1] - s[1])
        return v1[0] * v2[0] + v1[1] * v2[1] > 0
    if o1 != o2 and o3 != o4:
        return True
    return (
        (o1 == 0 and on_segment(a, b, c))
        or (o2 == 0 and on_segment(a, b, d))
        or (o3 == 0 and on_segment(c, d, a))
        or (o4 == 0 and on_segment(c, d, b))
    )


def crossing_arcs(arcs: list[list]) -> set[int]:
    """Indices of arcs whose segments cross a segment of the same or another arc."""
    cell = 0.002
    grid: dict[tuple[int, int], list[tuple[int, int]]] = {}
    segments = []
    for arc_index, arc in enumerate(arcs):
        for i in range(len(arc) - 1):
            seg_index = len(segments)
            a, b = arc[i], arc[i + 1]
            segments.append((arc_index, i, a, b))
            for gx in range(math.floor(min(a[0], b[0]) / cell), math.floor(max(a[0], b[0]) / cell) + 1):
                for gy in range(math.floor(min(a[1], b[1]) / cell), math.floor(max(a[1], b[1]) / cell) + 1):
                    grid.setdefault((gx, gy), []).append(seg_index)
    bad: set[int] = set()
    seen: set[tuple[int, int]] = set()
    for members in grid.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                s, t = members[x], members[y]
                if (s, t) in seen:
                    continue
                seen.add((s, t))
                arc1, i1, a, b = segments[s]
                arc2, i2, c, d = segments[t]
                if arc1 == arc2 and abs(i1 - i2) == 1:
                    continue  # consecutive segments of one arc share their joint
                if arc1 == arc2 and {i1, i2} == {0, len(arcs[arc1]) - 2} and arcs[arc1][0] == arcs[arc1][-1]:
                    continue  # first and last segment of a closed arc
                if segments_cross(a, b, c, d):
                    bad.update((arc1, arc2))
    return bad


def signed_area(ring: list) -> float:
    return sum(ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1] for i in range(len(ring) - 1)) / 2


def contains(ring: list, p) -> bool:
    inside = False
    for i in range(len(ring) - 1):
        (x1, y1), (x2, y2) = ring[i], ring[i + 1]
        if (y1 > p[1]) != (y2 > p[1]) and p[0] < (x2 - x1) * (p[1] - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


# ---------------------------------------------------------------------------------------
# Rings and polygons


def ring_from_arcs(arc_refs: list[int], arcs: list[list]) -> list:
    ring: list = []
    for ref in arc_refs:
        points = arcs[ref] if ref >= 0 else arcs[~ref][::-1]
        ring.extend(points if not ring else points[1:])
    if ring[0] != ring[-1]:
        raise ValueError("ring does not close")
    return ring


def polygon_from_rings(rings: list[list]) -> list[list[list]]:
    """Groups rings into polygons: outer rings counter-clockwise, holes clockwise inside."""
    ordered = sorted(rings, key=lambda r: -abs(signed_area(r)))
    polygons: list[list] = []
    for ring in ordered:
        host = next((poly for poly in polygons if contains(poly[0], ring[0]) and ring[0] not in poly[0]), None)
        if host is None:
            polygons.append([ring if signed_area(ring) > 0 else ring[::-1]])
        else:
            host.append(ring if signed_area(ring) < 0 else ring[::-1])
    return polygons


def dissolve(member_rings: list[list[int]]) -> list[list[int]]:
    """Chains the arcs on the outside of a set of areas (given as signed arc lists) into rings."""
    uses: dict[int, list[int]] = {}
    for ring in member_rings:
        for ref in ring:
            uses.setdefault(ref if ref >= 0 else ~ref, []).append(ref)
    boundary = sorted(refs[0] for refs in uses.values() if len(refs) == 1)
    return boundary


def chain(boundary: list[int], arcs: list[list]) -> list[list]:
    def start(ref):
        return arcs[ref][0] if ref >= 0 else arcs[~ref][-1]

    def end(ref):
        return arcs[ref][-1] if ref >= 0 else arcs[~ref][0]

    outgoing: dict = {}
    for ref in boundary:
        outgoing.setdefault(start(ref), []).append(ref)
    for refs in outgoing.values():
        if len(refs) > 1:
            raise ValueError("dissolved boundary touches itself at a vertex; not handled")
    rings, used = [], set()
    for first in boundary:
        if first in used:
            continue
        refs, ref = [], first
        while ref not in used:
            used.add(ref)
            refs.append(ref)
            ref = outgoing[end(ref)][0]
        rings.append(ring_from_arcs(refs, arcs))
    return rings


# ---------------------------------------------------------------------------------------
# Output


def feature_json(properties: dict, polygons: list[list[list]]) -> str:
    def ring_text(ring):
        return "[" + ",".join(f"[{lon!r},{lat!r}]" for lon, lat in ring) + "]"

    def polygon_text(poly):
        return "[" + ",".join(ring_text(r) for r in poly) + "]"

    if len(polygons) == 1:
        geometry = '{"type":"Polygon","coordinates":' + polygon_text(polygons[0]) + "}"
    else:
        geometry = '{"type":"MultiPolygon","coordinates":[' + ",".join(polygon_text(p) for p in polygons) + "]}"
    props = json.dumps(properties, ensure_ascii=False, separators=(",", ":"))
    return '{"type":"Feature","properties":' + props + ',"geometry":' + geometry + "}"


def write_collection(path: Path, features: list[str]) -> None:
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(features) + "\n]}\n"
    path.write_text(text, encoding="utf-8")


def check_polygons(label: str, polygons: list[list[list]]) -> None:
    for poly in polygons:
        for i, ring in enumerate(poly):
            if len(ring) < 4 or ring[0] != ring[-1]:
                raise ValueError(f"{label}: ring not closed or too short")
            if (signed_area(ring) > 0) != (i == 0):
                raise ValueError(f"{label}: ring {i} wrongly oriented")
            for lon, lat in ring:
                if not (SEOUL_BBOX[0] <= lon <= SEOUL_BBOX[2] and SEOUL_BBOX[1] <= lat <= SEOUL_BBOX[3]):
                    raise ValueError(f"{label}: position {lon},{lat} outside Seoul")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=REPO / "assets" / "geo")
    parser.add_argument("--fixtures", type=Path, help="upstream simplified GeoJSON dir, to cross-check names")
    args = parser.parse_args()
    self_test()

    dong_topology = read_source(SOURCE_DONG)
    gu_topology = read_source(SOURCE_GU)
    raw_arcs = decode_arcs(dong_topology)

    # Simplify every shared arc once; where the result crosses itself or a neighbour, halve
    # the tolerance for the arcs involved until nothing crosses.
    tolerance = [TOLERANCE_M] * len(raw_arcs)
    arcs = [rounded(simplify_arc(a, t)) for a, t in zip(raw_arcs, tolerance)]
    for _ in range(12):
        bad = crossing_arcs(arcs)
        if not bad:
            break
        for i in sorted(bad):
            tolerance[i] /= 2
            arcs[i] = rounded(simplify_arc(raw_arcs[i], tolerance[i]))
    else:
        raise SystemExit("simplified arcs still cross after refining")
    refined = sum(1 for t in tolerance if t < TOLERANCE_M)

    gu_names = {}
    for geometry in single_object(gu_topology):
        props = geometry["properties"]
        gu_names[props["code"]] = props["name"]

    dong_features, dong_rings_by_gu = [], {}
    names_seen = {}
    for geometry in sorted(single_object(dong_topology), key=lambda g: g["properties"]["code"]):
        props = geometry["properties"]
        code, name = props["code"], props["name"]
        gu_code = code[:5]
        if gu_code not in gu_names:
            raise SystemExit(f"dong {code} {name}: no gu {gu_code}")
        refs = geometry["arcs"] if geometry["type"] == "Polygon" else [r for p in geometry["arcs"] for r in p]
        dong_rings_by_gu.setdefault(gu_code, []).extend(refs)
        polygons = polygon_from_rings([ring_from_arcs(r, arcs) for r in refs])
        check_polygons(f"dong {code} {name}", polygons)
        names_seen[code] = name
        dong_features.append(
            feature_json(
                {"code": code, "name_ko": name, "name_en": romanize_dong(name), "gu_code": gu_code},
                polygons,
            )
        )

    gu_features = []
    for gu_code in sorted(gu_names):
        name = gu_names[gu_code]
        rings = chain(dissolve(dong_rings_by_gu[gu_code]), arcs)
        polygons = polygon_from_rings(rings)
        check_polygons(f"gu {gu_code} {name}", polygons)
        names_seen[gu_code] = name
        gu_features.append(feature_json({"code": gu_code, "name_ko": name, "name_en": romanize_gu(name)}, polygons))

    if len(gu_features) != 25:
        raise SystemExit(f"expected 25 gu, got {len(gu_features)}")

    if args.fixtures:
        for file in ("kostat_2013_json_seoul_municipalities_geo_simple.json", "kostat_2013_json_seoul_submunicipalities_geo_simple.json"):
            for feature in json.loads((args.fixtures / file).read_text(encoding="utf-8"))["features"]:
                props = feature["properties"]
                if names_seen.get(props["code"]) != props["name"]:
                    raise SystemExit(f"fixture {file}: {props['code']} {props['name']} differs")
        print("cross-check with fixtures: codes and names agree")

    args.out.mkdir(parents=True, exist_ok=True)
    write_collection(args.out / "seoul-gu.geojson", gu_features)
    write_collection(args.out / "seoul-dong.geojson", dong_features)
    vertices = sum(len(a) for a in arcs)
    print(
        f"{len(gu_features)} gu, {len(dong_features)} dong; {len(arcs)} arcs, {vertices} vertices "
        f"(from {sum(len(a) for a in raw_arcs)}); {refined} arcs refined below {TOLERANCE_M} m"
    )
    for name in ("seoul-gu.geojson", "seoul-dong.geojson"):
        print(f"{name}: {(args.out / name).stat().st_size} bytes")


if __name__ == "__main__":
    main()
