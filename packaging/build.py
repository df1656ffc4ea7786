"""Build the installable Attendant for the platform this runs on.

    python packaging/build.py              # dist/Attendant/ (and dist/Attendant.app on macOS)
    python packaging/build.py --installer  # plus the installer or archive of this platform

Run it with the Python of an environment where Attendant is installed (``pip install -e .``)
together with PyInstaller. Steps:

1. check that the installed metadata carries the version in ``pyproject.toml`` (the frozen
   ``--version`` reads the metadata; an editable install made before a version bump would
   bundle the old number);
2. render the icons from ``attendant/resources/attendant.svg`` into ``build/icons/``;
3. run PyInstaller on ``packaging/attendant.spec`` (one folder, two executables);
4. Linux: add the desktop entry, AppStream metainfo, hicolor icons and ``install.sh`` under
   ``dist/Attendant/``; with ``--installer``, pack ``dist/attendant-VERSION-linux-ARCH.tar.gz``.
   Windows with ``--installer``: compile ``packaging/windows/attendant.iss`` with Inno Setup's
   ``iscc`` into ``dist/Attendant-VERSION-setup.exe``. macOS with ``--installer``: a disk image
   ``dist/Attendant-VERSION.dmg`` made by ``hdiutil``.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import subprocess
import sys
import tarfile
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import bundle_layout as layout  # noqa: E402
import icons  # noqa: E402

DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"


def check_version() -> str:
    wanted = layout.project_version(ROOT / "pyproject.toml")
    try:
        installed = version("attendant")
    except PackageNotFoundError:
        sys.exit("build: attendant is not installed here; run `pip install -e .` first")
    if installed != wanted:
        sys.exit(
            f"build: pyproject.toml says {wanted} but the installed metadata says {installed}; "
            "run `pip install -e .` again so that the bundle reports the right version"
        )
    return wanted


def run_pyinstaller() -> None:
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        "--log-level",
        "WARN",
        "--distpath",
        str(DIST),
        "--workpath",
        str(WORK),
        str(HERE / "attendant.spec"),
    ]
    print("build: " + " ".join(command[2:]), flush=True)
    # Not from the checkout: `python -m` puts the working folder first on sys.path, where a
    # stale attendant.egg-info could stand in for the installed metadata check_version() read.
    WORK.mkdir(parents=True, exist_ok=True)
    subprocess.run(command, cwd=WORK, check=True)  # noqa: S603 (our own command line)


def add_linux_desktop_files(bundle: Path, icon_dir: Path) -> None:
    """``share/`` as it goes under a prefix, and the installer script, inside the bundle."""
    share = bundle / "share"
    if share.exists():
        shutil.rmtree(share)
    applications = share / "applications"
    metainfo = share / "metainfo"
    applications.mkdir(parents=True)
    metainfo.mkdir(parents=True)
    shutil.copy2(HERE / "linux" / f"{layout.DESKTOP_ID}.desktop", applications)
    shutil.copy2(HERE / "linux" / f"{layout.BUNDLE_ID}.metainfo.xml", metainfo)
    hicolor = share / "icons" / "hicolor"
    for size in layout.HICOLOR_SIZES:
        target = hicolor / f"{size}x{size}" / "apps"
        target.mkdir(parents=True)
        shutil.copy2(icon_dir / "png" / f"attendant-{size}.png", target / f"{layout.ICON_NAME}.png")
    scalable = hicolor / "scalable" / "apps"
    scalable.mkdir(parents=True)
    shutil.copy2(icon_dir / "attendant.svg", scalable / f"{layout.ICON_NAME}.svg")
    shutil.copy2(HERE / "linux" / "install.sh", bundle / "install.sh")
    (bundle / "install.sh").chmod(0o755)


def linux_archive(bundle: Path, app_version: str) -> Path:
    name = f"attendant-{app_version}-linux-{platform.machine()}"
    archive = DIST / f"{name}.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(bundle, arcname=name)
    return archive


def windows_installer(app_version: str) -> Path:
    iscc = shutil.which("iscc") or shutil.which("ISCC")
    default = Path(r"C:\Program Files (x86)\Inno Setup 6\ISCC.exe")
    if iscc is None and default.is_file():
        iscc = str(default)
    if iscc is None:
        sys.exit("build: Inno Setup's iscc is not installed (https://jrsoftware.org/isdl.php)")
    subprocess.run(  # noqa: S603 (our own command line)
        [iscc, f"/DAppVersion={app_version}", str(HERE / "windows" / "attendant.iss")],
        cwd=ROOT,
        check=True,
    )
    return DIST / f"Attendant-{app_version}-setup.exe"


def macos_disk_image(app_version: str) -> Path:
    image = DIST / f"Attendant-{app_version}.dmg"
    subprocess.run(  # noqa: S603 (our own command line)
        [
            "/usr/bin/hdiutil",
            "create",
            "-volname",
            layout.APP_NAME,
            "-srcfolder",
            str(DIST / f"{layout.DIST_NAME}.app"),
            "-ov",
            "-format",
            "UDZO",
            str(image),
        ],
        check=True,
    )
    return image


def folder_size(folder: Path) -> int:
    """Bytes in the files under ``folder``; symbolic links (PyInstaller makes some) count 0."""
    return sum(
        path.stat().st_size
        for path in folder.rglob("*")
        if path.is_file() and not path.is_symlink()
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--installer", action="store_true", help="also make this platform's installer"
    )
    args = parser.parse_args(argv)

    started = time.monotonic()
    app_version = check_version()
    icon_dir = ROOT / layout.ICON_DIR
    icons.write_icons(icon_dir, layout.HICOLOR_SIZES, layout.ICO_SIZES)
    run_pyinstaller()
    bundle = DIST / layout.DIST_NAME
    if sys.platform.startswith("linux"):
        add_linux_desktop_files(bundle, icon_dir)
    made = [bundle]
    if args.installer:
        if sys.platform == "win32":
            made.append(windows_installer(app_version))
        elif sys.platform == "darwin":
            made.append(macos_disk_image(app_version))
        else:
            made.append(linux_archive(bundle, app_version))
    size = folder_size(bundle)
    print(f"build: Attendant {app_version}: {size / 1e6:.0f} MB in {bundle.relative_to(ROOT)}")
    for path in made[1:]:
        print(f"build: {path.relative_to(ROOT)} ({path.stat().st_size / 1e6:.0f} MB)")
    print(f"build: done in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
