#!/bin/sh
# Installs the Attendant folder this script lies in, with its menu entry and icons.
#
#   sudo ./install.sh            for every user: /opt/attendant, /usr/local/bin/attendant,
#                                menu entry and icons in /usr/local/share
#   ./install.sh --user          for you alone: ~/.local/opt/attendant, ~/.local/bin/attendant,
#                                menu entry and icons in ~/.local/share
#   ./install.sh --uninstall     (with or without --user) removes what the install put there
#
# The per-user settings, log and token cache (`attendant paths`) are never touched. A
# machine-wide settings file for every user goes to /etc/xdg/Attendant/settings.toml.
set -eu

mode=system
action=install
for arg in "$@"; do
  case "$arg" in
    --user) mode=user ;;
    --uninstall) action=uninstall ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $arg (try --help)" >&2; exit 2 ;;
  esac
done

if [ "$mode" = user ]; then
  appdir="$HOME/.local/opt/attendant"
  bindir="$HOME/.local/bin"
  datadir="${XDG_DATA_HOME:-$HOME/.local/share}"
else
  if [ "$(id -u)" -ne 0 ]; then
    echo "install.sh: installing for every user needs root (sudo), or use --user" >&2
    exit 1
  fi
  appdir=/opt/attendant
  bindir=/usr/local/bin
  datadir=/usr/local/share
fi

desktop="$datadir/applications/attendant.desktop"
metainfo="$datadir/metainfo/com.example.Attendant.metainfo.xml"

refresh_caches() {
  command -v update-desktop-database >/dev/null 2>&1 \
    && update-desktop-database -q "$datadir/applications" 2>/dev/null || true
  command -v gtk-update-icon-cache >/dev/null 2>&1 \
    && gtk-update-icon-cache -q -t "$datadir/icons/hicolor" 2>/dev/null || true
}

if [ "$action" = uninstall ]; then
  rm -rf "$appdir"
  rm -f "$bindir/attendant" "$desktop" "$metainfo"
  rm -f "$datadir"/icons/hicolor/*/apps/attendant.png "$datadir"/icons/hicolor/*/apps/attendant.svg
  refresh_caches
  echo "Attendant removed from $appdir"
  exit 0
fi

here=$(cd "$(dirname "$0")" && pwd)
if [ ! -x "$here/Attendant" ] || [ ! -d "$here/_internal" ]; then
  echo "install.sh: run me from the unpacked Attendant folder" >&2
  exit 1
fi

rm -rf "$appdir"
mkdir -p "$appdir" "$bindir" "$datadir/applications" "$datadir/metainfo"
cp -R "$here/Attendant" "$here/attendant-cli" "$here/_internal" "$appdir/"
ln -sf "$appdir/attendant-cli" "$bindir/attendant"

sed -e "s|^Exec=attendant|Exec=$appdir/Attendant|" -e "s|^TryExec=attendant|TryExec=$appdir/Attendant|" \
  "$here/share/applications/attendant.desktop" > "$desktop"
cp "$here/share/metainfo/com.example.Attendant.metainfo.xml" "$metainfo"
for icon in "$here"/share/icons/hicolor/*/apps/attendant.*; do
  size_dir=$(basename "$(dirname "$(dirname "$icon")")")
  mkdir -p "$datadir/icons/hicolor/$size_dir/apps"
  cp "$icon" "$datadir/icons/hicolor/$size_dir/apps/"
done
refresh_caches

echo "Attendant installed in $appdir; the command is $bindir/attendant"
case ":$PATH:" in
  *":$bindir:"*) ;;
  *) echo "note: $bindir is not on your PATH" ;;
esac
