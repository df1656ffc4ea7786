"""The application icon in every size and format the three platforms ask for, made from
``attendant/resources/attendant.svg`` with Qt's own SVG renderer (no extra tools).

- PNGs in the freedesktop hicolor sizes, for the Linux desktop entry and AppStream;
- ``attendant.ico`` (PNG-compressed entries, Windows Vista and newer) for the executables,
  the installer and its uninstaller entry;
- ``attendant.icns`` (PNG entries) for the macOS app bundle.

Run it alone to look at the renders: ``python packaging/icons.py OUTDIR``.
"""

from __future__ import annotations

import os
import struct
import sys
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SVG = ROOT / "attendant" / "resources" / "attendant.svg"

# ICNS entry types holding PNG data, by pixel size of the image they hold. The @2x types
# (ic11..ic14, ic10) hold the same pixels as the next size up.
_ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"ic11", 32),
    (b"icp6", 64),
    (b"ic12", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic13", 256),
    (b"ic09", 512),
    (b"ic14", 512),
    (b"ic10", 1024),
)


def render_pngs(svg: bytes, sizes: Iterable[int]) -> dict[int, bytes]:
    """PNG bytes of ``svg`` rendered square at each size, antialiased, transparent."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(QByteArray(svg))
    if not renderer.isValid():
        raise ValueError("the icon SVG does not parse")
    pngs: dict[int, bytes] = {}
    for size in sorted(set(sizes)):
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            renderer.render(painter, QRectF(0, 0, size, size))
        finally:
            painter.end()
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        if not image.save(buffer, "PNG"):
            raise RuntimeError(f"Qt could not write a {size} px PNG")
        pngs[size] = bytes(QByteArray(buffer.data()).data())
    return pngs


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico whose entries are the given PNGs (a width of 256 is written as 0)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, images = b"", b""
    for size in sizes:
        data = pngs[size]
        side = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        images += data
        offset += len(data)
    return header + entries + images


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """A macOS .icns with PNG entries for every type whose size is in ``pngs``."""
    chunks = b""
    for kind, size in _ICNS_TYPES:
        if size in pngs:
            chunks += kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size]
    return b"icns" + struct.pack(">I", 8 + len(chunks)) + chunks


def write_icons(out_dir: Path, hicolor_sizes: Iterable[int], ico_sizes: Iterable[int]) -> None:
    """Write ``png/attendant-<size>.png``, ``attendant.svg``, ``attendant.ico`` and
    ``attendant.icns`` into ``out_dir``."""
    svg = SVG.read_bytes()
    hicolor, ico = tuple(hicolor_sizes), tuple(ico_sizes)
    pngs = render_pngs(svg, {*hicolor, *ico, *(size for _, size in _ICNS_TYPES)})
    (out_dir / "png").mkdir(parents=True, exist_ok=True)
    for size in hicolor:
        (out_dir / "png" / f"attendant-{size}.png").write_bytes(pngs[size])
    (out_dir / "attendant.svg").write_bytes(svg)
    (out_dir / "attendant.ico").write_bytes(ico_bytes({size: pngs[size] for size in ico}))
    (out_dir / "attendant.icns").write_bytes(icns_bytes(pngs))


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    import bundle_layout

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / bundle_layout.ICON_DIR
    write_icons(target, bundle_layout.HICOLOR_SIZES, bundle_layout.ICO_SIZES)
    print(f"icons written to {target}")
