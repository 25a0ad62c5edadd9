#!/usr/bin/env bash
# Install (or explain how to install) the system packages uapress needs.
#
#   scripts/setup-system.sh           everything: build + test clients (used by `make test`)
#   scripts/setup-system.sh --build   only what `uapress build` needs (used by `make all`)
#
# Debian 12. Checks first and does nothing when everything is present (one line
# of output). As root it installs what is missing with apt-get; otherwise it
# prints the exact apt-get command to run, then exits 0 with --build (the build
# can still try) and 1 without it (the tests must not silently skip clients).
# Safe to run twice at once (`make -j all test`): installs are serialised.
set -euo pipefail

mode=test
case "${1:-}" in
    "" | --test) mode=test ;;
    --build) mode=build ;;
    -h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup-system: unknown option '$1' (use --build or --test)" >&2; exit 2 ;;
esac

# ldconfig lives in /sbin, which is not on a normal user's PATH.
ldconfig_bin=$(PATH="$PATH:/usr/sbin:/sbin" command -v ldconfig || true)

have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_lib() {
    [ -n "$ldconfig_bin" ] || return 1
    # No `grep -q` here: with pipefail, grep exiting early could make ldconfig fail with SIGPIPE.
    "$ldconfig_bin" -p 2>/dev/null | grep -F "$1" >/dev/null
}

# check | what | Debian package
build_checks=(
    "have_lib libpango-1.0.so|libpango (WeasyPrint)|libpango-1.0-0"
    "have_lib libpangoft2-1.0.so|libpangoft2 (WeasyPrint)|libpangoft2-1.0-0"
    "have_lib libharfbuzz-subset.so|libharfbuzz-subset (font subsetting)|libharfbuzz-subset0"
    "have_cmd fc-list|fontconfig|fontconfig"
    "have_cmd update-mime-database|shared-mime-info|shared-mime-info"
)
test_checks=(
    "have_cmd chromium|chromium|chromium"
    "have_cmd soffice|LibreOffice (soffice)|libreoffice-writer-nogui"
    "have_cmd pdftotext|pdftotext|poppler-utils"
    "have_cmd pdftoppm|pdftoppm|poppler-utils"
    "have_cmd msgfmt|msgfmt|gettext"
    "have_cmd omegat|OmegaT (CAT-tool round trip, issue 23)|omegat"
)
checks=("${build_checks[@]}")
[ "$mode" = build ] || checks+=("${test_checks[@]}")

missing_what=()
missing_pkgs=()
find_missing() {
    missing_what=()
    missing_pkgs=()
    local entry check what pkg
    for entry in "${checks[@]}"; do
        IFS='|' read -r check what pkg <<<"$entry"
        if ! $check; then
            missing_what+=("$what")
            case " ${missing_pkgs[*]-} " in
                *" $pkg "*) ;;
                *) missing_pkgs+=("$pkg") ;;
            esac
        fi
    done
}

find_missing
if [ ${#missing_pkgs[@]} -eq 0 ]; then
    echo "setup-system: all ${#checks[@]} system dependencies present ($mode)"
    exit 0
fi

join() { local out; printf -v out "%s, " "$@"; echo "${out%, }"; }
echo "setup-system: missing: $(join "${missing_what[@]}")"

if [ "$(id -u)" -ne 0 ] || ! have_cmd apt-get; then
    echo "setup-system: install them with:"
    echo "  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing_pkgs[*]}"
    if [ "$mode" = build ]; then
        echo "setup-system: continuing without them; the build may fail." >&2
        exit 0
    fi
    echo "setup-system: the tests need these clients; re-run this script as root (scripts/setup-system.sh)." >&2
    exit 1
fi

# Root: install. Serialise concurrent runs and re-check under the lock, so
# `make -j all test` runs apt-get once.
if have_cmd flock; then
    lockdir=/run/lock
    [ -d "$lockdir" ] && [ -w "$lockdir" ] || lockdir=${TMPDIR:-/tmp}
    exec 9>"$lockdir/uapress-setup-system.lock"
    flock 9
    find_missing
    if [ ${#missing_pkgs[@]} -eq 0 ]; then
        echo "setup-system: installed by a concurrent run; all ${#checks[@]} present ($mode)"
        exit 0
    fi
fi

echo "setup-system: installing: ${missing_pkgs[*]}"
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    -o DPkg::Lock::Timeout=300 "${missing_pkgs[@]}"

find_missing
if [ ${#missing_pkgs[@]} -ne 0 ]; then
    echo "setup-system: still missing after install: $(join "${missing_what[@]}")" >&2
    exit 1
fi
echo "setup-system: all ${#checks[@]} system dependencies present ($mode)"
