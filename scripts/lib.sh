# shellcheck shell=bash
# scripts/lib.sh: helpers shared by the lab scripts. Sourced, never run.
#
# Everything downloaded or built goes under $LT_CACHE, outside the clone, so that later
# sessions and CI on the same machine reuse it. Entries are written to a temporary name and
# renamed into place last: an interrupted step never leaves something that looks complete.

LT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LT_CACHE=${LAZYTRACE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lazytrace}
LT_PROG=${LT_PROG:-${0##*/}}

lt_log() { printf '%s: %s\n' "$LT_PROG" "$*" >&2; }
lt_die() { printf '%s: error: %s\n' "$LT_PROG" "$*" >&2; exit "${LT_DIE_CODE:-1}"; }

# --- private apt configuration ----------------------------------------------------------
# Debian's newer kernels live in sid, trixie and trixie-backports. A private configuration
# (own sources.list, lists and cache) reaches them without changing the system's apt setup.
LT_APT_DIR=$LT_CACHE/apt
LT_APT_OPTS=(
	-o "Dir::Etc::SourceList=$LT_APT_DIR/sources.list"
	-o "Dir::Etc::SourceParts=/dev/null"
	-o "Dir::State::Lists=$LT_APT_DIR/lists"
	-o "Dir::Cache=$LT_APT_DIR/cache"
	-o "Dir::State::Status=/dev/null"
	-o "APT::Architectures::=amd64"
	-o "APT::Architectures::=arm64"
	-o "APT::Sandbox::User=root"
	-o "Debug::NoLocking=1"
)

# lt_apt_setup [--refresh]: write the configuration and fetch the package lists when they
# are missing, older than 12 hours, or --refresh is given.
lt_apt_setup() {
	mkdir -p "$LT_APT_DIR/lists/partial" "$LT_APT_DIR/cache/archives/partial"
	local mirror=${LT_DEBIAN_MIRROR:-http://deb.debian.org/debian}
	printf 'deb [arch=amd64,arm64] %s %s main\n' \
		"$mirror" sid "$mirror" trixie "$mirror" trixie-backports >"$LT_APT_DIR/sources.list.new"
	if ! cmp -s "$LT_APT_DIR/sources.list.new" "$LT_APT_DIR/sources.list" 2>/dev/null; then
		mv "$LT_APT_DIR/sources.list.new" "$LT_APT_DIR/sources.list"
		rm -f "$LT_APT_DIR/updated"
	else
		rm -f "$LT_APT_DIR/sources.list.new"
	fi
	if [ "${1:-}" = --refresh ] || [ ! -e "$LT_APT_DIR/updated" ] ||
	   [ -n "$(find "$LT_APT_DIR/updated" -mmin +720 2>/dev/null)" ]; then
		lt_log "updating private apt lists (sid, trixie, trixie-backports)"
		apt-get "${LT_APT_OPTS[@]}" -qq update >&2 || lt_die "apt-get update failed for the private apt configuration"
		touch "$LT_APT_DIR/updated"
	fi
}

lt_apt_cache() { apt-cache "${LT_APT_OPTS[@]}" "$@"; }

# lt_apt_versions PKG: every version the archive offers, newest first.
lt_apt_versions() { lt_apt_cache madison "$1" 2>/dev/null | awk -F'|' '{gsub(/ /,"",$2); print $2}' | sort -Vru; }

# lt_apt_pkgnames PREFIX: package names starting with PREFIX.
lt_apt_pkgnames() { lt_apt_cache pkgnames "$1" 2>/dev/null | sort -V; }

# lt_apt_download PKG[:ARCH] VERSION: download into $LT_CACHE/debs (once) and print the path.
lt_apt_download() {
	local pkg=$1 ver=$2 dir=$LT_CACHE/debs name tmp
	mkdir -p "$dir"
	name=$(lt_apt_cache show "$pkg=$ver" 2>/dev/null | awk '/^Filename:/ {print $2; exit}')
	[ -n "$name" ] || lt_die "package $pkg version $ver is not in the archive"
	name=${name##*/}
	if [ ! -s "$dir/$name" ]; then
		tmp=$(mktemp -d "$dir/.dl.XXXXXX")
		lt_log "downloading $pkg $ver"
		(cd "$tmp" && apt-get "${LT_APT_OPTS[@]}" -qq download "$pkg=$ver" >&2) ||
			{ rm -rf "$tmp"; lt_die "download of $pkg $ver failed"; }
		mv "$tmp"/*.deb "$dir/$name" && rm -rf "$tmp"
	fi
	printf '%s\n' "$dir/$name"
}

# lt_hash FILE...: one sha256 over the names and contents of the given files.
lt_hash() {
	local f
	for f in "$@"; do printf '%s\0' "${f#"$LT_ROOT"/}"; cat "$f"; done | sha256sum | cut -c1-16
}

# Keep apt's binary package cache for the private configuration. Docker-style images set
# Dir::Cache::pkgcache "" (apt.conf.d/docker-clean), which makes every apt-cache look-up
# re-parse all lists (~2.5 s each); with the file (~120 MB) a look-up takes ~30 ms.
LT_APT_OPTS+=(-o "Dir::Cache::pkgcache=$LT_APT_DIR/cache/pkgcache.bin")
