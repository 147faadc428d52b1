# Sourced: ensure_chromium installs Debian's chromium for the browser tests (tests/browser).
# Playwright's own browser download does not work on these machines: the tests launch
# /usr/bin/chromium (CASEWORK_CHROMIUM overrides the path).

ensure_chromium() {
  local browser="${CASEWORK_CHROMIUM:-/usr/bin/chromium}"
  if [ -x "$browser" ]; then
    return 0
  fi
  if [ -n "${CASEWORK_CHROMIUM:-}" ]; then
    echo "CASEWORK_CHROMIUM=$browser is not an executable file" >&2
    exit 1
  fi
  echo "installing Debian's chromium for the browser tests (apt-get) ..." >&2
  if [ "$(id -u)" -ne 0 ]; then
    echo "chromium is not installed and this is not root: install it (apt-get install chromium)," \
         "or point CASEWORK_CHROMIUM at a Chromium binary" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  if [ ! -x "$browser" ]; then
    echo "chromium was installed but $browser is missing" >&2
    exit 1
  fi
  echo "$("$browser" --version 2>/dev/null || echo chromium) installed" >&2
}
