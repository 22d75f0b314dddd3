#!/usr/bin/env bash
# Installs what is missing, builds taafi into build/ and runs the bundled
# example analysis (synthetic eastern Homs) into out/homs/.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
echo
build/taafi validate examples/homs.yml
echo
# --overwrite: running the demo again replaces its own earlier outputs;
# --maps: also the map sheets, the atlas and the HTML report.
build/taafi run examples/homs.yml -o out/homs --overwrite --maps
echo
# The same neighbourhoods over two assessment rounds, and the change.
build/taafi run examples/homs_rounds.yml -o out/homs_rounds --overwrite -q
echo
echo "Outputs:"
echo "  $(pwd)/out/homs/recovery.gpkg   GeoPackage: layer areas, tables indicators, run, data_quality"
echo "  $(pwd)/out/homs/areas.geojson   GeoJSON (RFC 7946) for web maps, with areas.meta.json"
echo "  $(pwd)/out/homs/service_gaps.geojson, facilities.geojson   coverage layers"
echo "  $(pwd)/out/homs/areas.csv, indicators.csv                  tables for spreadsheets"
echo "  $(pwd)/out/homs/maps/             map sheets (PNG 300 dpi, SVG, PDF) and atlas.pdf"
echo "  $(pwd)/out/homs/report.html       offline report, Arabic and English"
echo "  $(pwd)/out/homs/services_first/, water_standard_strict/, clinic_500m/, clinics_functioning/, main_roads_cleared/   the scenarios"
echo "  $(pwd)/out/homs_rounds/recovery.gpkg   two rounds: areas (latest), area_rounds, change"
echo "  $(pwd)/out/homs_rounds/change.geojson  change per neighbourhood and pillar since the baseline"
echo "Open the GeoPackage in QGIS, or try: ogrinfo -al -so out/homs/recovery.gpkg areas"
