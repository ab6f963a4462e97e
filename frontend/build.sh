#!/usr/bin/env bash
# Build the vendored GOV.UK Frontend copy into onestory/static/govuk/.
# Usage (from anywhere): bash frontend/build.sh   (the Makefile target `frontend` calls this)
set -euo pipefail

FRONTEND_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$FRONTEND_DIR/.." && pwd)"
OUT="$REPO_ROOT/onestory/static/govuk"
GOVUK="$FRONTEND_DIR/node_modules/govuk-frontend/dist/govuk"

cd "$FRONTEND_DIR"
npm ci --no-audit --no-fund

rm -rf "$OUT"
mkdir -p "$OUT/assets"

# 1. CSS (compressed, no source map). Arial only; no GDS Transport font-face.
npx --no-install sass --no-source-map --style=compressed \
  --load-path="$FRONTEND_DIR/node_modules" \
  "$FRONTEND_DIR/onestory.scss" "$OUT/onestory.css"

# 2. JS: the ES module bundle (exports initAll, createAll, components).
cp "$GOVUK/govuk-frontend.min.js" "$OUT/govuk-frontend.min.js"
# The bundle ends with a sourceMappingURL comment; ship the map so Django's
# ManifestStaticFilesStorage (production) can resolve it during collectstatic.
cp "$GOVUK/govuk-frontend.min.js.map" "$OUT/govuk-frontend.min.js.map"

# 3. CSP-friendly initialiser, loaded with <script type="module" src=".../init.mjs">.
cat > "$OUT/init.mjs" <<'JS'
import { initAll } from './govuk-frontend.min.js'

// The GOV.UK template adds these classes with an inline script; our CSP forbids inline scripts.
// A browser that runs this module supports GOV.UK Frontend (the template's own test is the same),
// and initAll() starts the components only once the body says so.
document.body.classList.add('js-enabled')
if ('noModule' in HTMLScriptElement.prototype) document.body.classList.add('govuk-frontend-supported')

initAll()
JS

# 4. Assets: none copied on purpose. The service is not on GOV.UK, so no fonts
#    (GDS Transport) and no crown imagery: favicon.ico/svg, govuk-icon-*.png,
#    govuk-icon-mask.svg (all the crown), govuk-crest.svg (Royal Arms),
#    govuk-opengraph-image.png and manifest.json (which only lists those icons).
#    Put the council's own favicon/icons in onestory/static/ instead.
#    $govuk-assets-path points here; the crest url() (footer copyright logo) is
#    replaced with `none` by frontend/_image-url.scss, so the CSS has no url().

# 5. Provenance.
GOVUK_VERSION="$(node -p "require('./node_modules/govuk-frontend/package.json').version")"
SASS_VERSION="$(node -p "require('./node_modules/sass/package.json').version")"
cat > "$OUT/VERSION" <<TXT
govuk-frontend $GOVUK_VERSION
sass $SASS_VERSION
rebuild: make frontend
TXT

# 6. Checks: no GDS Transport / font files, Arial present.
if grep -qi 'gds-transport\|gds transport\|\.woff' "$OUT/onestory.css"; then
  echo "build.sh: GDS Transport font reference found in onestory.css" >&2
  exit 1
fi
if grep -q 'url(' "$OUT/onestory.css"; then
  echo "build.sh: unexpected url() in onestory.css (crest or other asset)" >&2
  exit 1
fi
grep -qi 'arial' "$OUT/onestory.css" || { echo "build.sh: arial missing from onestory.css" >&2; exit 1; }

echo "Built $OUT (govuk-frontend $GOVUK_VERSION, sass $SASS_VERSION)"
