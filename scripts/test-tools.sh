#!/usr/bin/env bash
# The tools the test suite drives besides Node: GnuPG (OpenPGP interoperability), poppler's pdftoppm
# (report pages rendered to pixels) and Debian's Chromium (the console's browser tests). `npm test`
# runs this first; as root it installs what is missing from Debian's packages, otherwise it names it.
set -euo pipefail
missing=()
command -v gpg >/dev/null 2>&1 || missing+=(gnupg)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "the tests need these Debian packages: ${missing[*]} (apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "installing ${missing[*]} for the tests"
apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
