"""Fast checks of packaging/ that need no PyInstaller build: the desktop files, the spec and the
installer definitions agree with each other and with the code, and the console starts and
quits with no standard streams (as in a windowed build) under the offscreen platform.

The build itself and its smoke test run in ``.ci/build-bundle``.
"""

from __future__ import annotations

import configparser
import plistlib
import re
import shutil
import struct
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
sys.path.insert(0, str(PACKAGING))

import bundle_layout as layout  # noqa: E402
import launcher  # noqa: E402

VERSION = layout.project_version(ROOT / "pyproject.toml")
DESKTOP = PACKAGING / "linux" / f"{layout.DESKTOP_ID}.desktop"
METAINFO = PACKAGING / "linux" / f"{layout.BUNDLE_ID}.metainfo.xml"
ISS = PACKAGING / "windows" / "attendant.iss"
SPEC = PACKAGING / "attendant.spec"


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read_string(DESKTOP.read_text(encoding="utf-8"))
    return parser["Desktop Entry"]


# --- Linux desktop entry and AppStream metainfo ---------------------------------------


def test_desktop_entry_names_the_program_and_icon():
    entry = _desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == layout.APP_NAME
    assert entry["Icon"] == layout.ICON_NAME
    assert entry["Exec"].split()[0] == "attendant"  # install.sh makes it an absolute path
    assert entry["Terminal"] == "false"
    # Qt's X11 window class is the application name: the launcher groups windows by it.
    assert entry["StartupWMClass"] == "Attendant"
    assert entry["Categories"].endswith(";")


def test_desktop_entry_file_name_matches_the_app():
    # app.py calls setDesktopFileName("attendant"): Wayland compositors find the entry by it.
    assert 'setDesktopFileName("attendant")' in (ROOT / "attendant" / "app.py").read_text()
    assert DESKTOP.stem == layout.DESKTOP_ID


def test_the_licence_is_one_spdx_expression_everywhere():
    # A licence table in pyproject.toml makes every install print a deprecation warning; the
    # SPDX string needs setuptools 77 and shows up as License-Expression (metadata 2.4).
    from importlib.metadata import metadata

    installed = metadata("attendant")
    assert installed["License-Expression"] == ET.parse(METAINFO).getroot().findtext(
        "project_license"
    )
    assert installed.get("License") is None


def test_metainfo_describes_the_desktop_entry_and_this_version():
    root = ET.parse(METAINFO).getroot()
    assert root.tag == "component"
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == layout.BUNDLE_ID == METAINFO.name.removesuffix(".metainfo.xml")
    assert root.findtext("launchable") == DESKTOP.name
    assert root.find("launchable").get("type") == "desktop-id"
    assert root.findtext("name") == layout.APP_NAME
    assert root.findtext("metadata_license") == "CC0-1.0"
    releases = [release.get("version") for release in root.iter("release")]
    assert releases, "the metainfo lists no release"
    assert releases[0] == VERSION, "add a <release> for the version in pyproject.toml"


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils")
def test_desktop_file_validate():
    result = subprocess.run(
        ["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="Debian's appstream package")
def test_appstreamcli_validate():
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(METAINFO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _fake_bundle(folder: Path) -> Path:
    """The files install.sh copies, as packaging/build.py lays them out."""
    bundle = folder / "Attendant"
    (bundle / "_internal").mkdir(parents=True)
    for name in (layout.GUI_NAME, layout.CLI_NAME):
        (bundle / name).write_text("#!/bin/sh\necho attendant\n")
        (bundle / name).chmod(0o755)
    share = bundle / "share"
    (share / "applications").mkdir(parents=True)
    (share / "metainfo").mkdir()
    shutil.copy(DESKTOP, share / "applications")
    shutil.copy(METAINFO, share / "metainfo")
    for size in layout.HICOLOR_SIZES:
        apps = share / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        apps.mkdir(parents=True)
        (apps / f"{layout.ICON_NAME}.png").write_bytes(b"png")
    scalable = share / "icons" / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True)
    (scalable / f"{layout.ICON_NAME}.svg").write_bytes(b"svg")
    shutil.copy(PACKAGING / "linux" / "install.sh", bundle)
    return bundle


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell script")
def test_install_sh_installs_and_uninstalls_for_one_user(tmp_path):
    bundle = _fake_bundle(tmp_path / "unpacked")
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
    installed = subprocess.run(
        ["sh", str(bundle / "install.sh"), "--user"], env=env, capture_output=True, text=True
    )
    assert installed.returncode == 0, installed.stderr
    appdir = home / ".local" / "opt" / "attendant"
    assert (appdir / layout.GUI_NAME).is_file()
    assert (home / ".local" / "bin" / "attendant").resolve() == appdir / layout.CLI_NAME
    desktop = (home / ".local" / "share" / "applications" / DESKTOP.name).read_text()
    assert f"Exec={appdir}/{layout.GUI_NAME}\n" in desktop
    icons = home / ".local" / "share" / "icons" / "hicolor"
    assert (icons / "48x48" / "apps" / "attendant.png").is_file()
    assert (icons / "scalable" / "apps" / "attendant.svg").is_file()

    removed = subprocess.run(
        ["sh", str(bundle / "install.sh"), "--user", "--uninstall"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert removed.returncode == 0, removed.stderr
    assert not appdir.exists()
    assert not (home / ".local" / "bin" / "attendant").exists()
    assert not list(icons.rglob("attendant.*"))


# --- the PyInstaller spec and the shared layout ----------------------------------------


def test_spec_compiles_and_names_files_that_exist():
    text = SPEC.read_text(encoding="utf-8")
    compile(text, str(SPEC), "exec")
    for name in re.findall(r'HERE / "([^"]+)"', text):
        assert (PACKAGING / name).is_file(), name
    assert 'copy_metadata("attendant")' in text
    assert 'collect_data_files("attendant.resources")' in text
    for name in ("attendant.svg", "style.qss"):
        assert (ROOT / "attendant" / "resources" / name).is_file()


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
        ("PySide6/Qt/plugins/platforms/libqminimal.so", True),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", False),
        ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
        ("PySide6\\plugins\\platforms\\qwindows.dll", True),
        ("PySide6/Qt/plugins/platforms/libqcocoa.dylib", True),
        ("PySide6/Qt/plugins/imageformats/libqsvg.so", True),
        ("PySide6\\plugins\\imageformats\\qjpeg.dll", False),
        ("PySide6/Qt/plugins/iconengines/libqsvgicon.so", True),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
        ("PySide6/Qt/plugins/wayland-shell-integration/libxdg-shell.so", False),
        ("PySide6/Qt/plugins/tls/libqopensslbackend.so", False),
        ("PySide6/Qt/plugins/platforminputcontexts/libcomposeplatforminputcontextplugin.so", True),
        ("PySide6/Qt/translations/qtbase_de.qm", False),
        ("PySide6/Qt/lib/libQt6Gui.so.6", True),
        ("PySide6/QtGui.abi3.so", True),
        ("attendant/resources/attendant.svg", True),
    ],
)
def test_qt_plugin_selection(dest, kept):
    assert layout.keep_bundled_file(dest) is kept


@pytest.mark.parametrize(
    ("version", "numbers"),
    [
        ("0.1.0", (0, 1, 0, 0)),
        ("1.2", (1, 2, 0, 0)),
        ("1.2.3.4.5", (1, 2, 3, 4)),
        ("2.0.0rc1", (2, 0, 0, 0)),
        ("1!3.1.dev4", (3, 1, 0, 0)),
    ],
)
def test_numeric_version(version, numbers):
    assert layout.numeric_version(version) == numbers


def test_numeric_version_refuses_what_windows_cannot_hold():
    with pytest.raises(ValueError):
        layout.numeric_version("70000.0")
    with pytest.raises(ValueError):
        layout.numeric_version("final")


def test_macos_info_plist_values_load_back():
    minimum = layout.macos_minimum(
        ["cp310-abi3-macosx_13_0_universal2", "cp39-abi3-macosx_11_0_x86_64", "py3-none-any"]
    )
    assert minimum == "13.0"
    assert layout.macos_minimum([]) == layout.MACOS_MINIMUM_FALLBACK
    values = plistlib.loads(plistlib.dumps(layout.info_plist("1.4.0rc2", minimum)))
    assert values["CFBundleIdentifier"] == layout.BUNDLE_ID
    assert values["CFBundleExecutable"] == layout.GUI_NAME
    assert values["CFBundleShortVersionString"] == values["CFBundleVersion"] == "1.4.0"
    assert values["LSMinimumSystemVersion"] == "13.0"
    assert values["NSHighResolutionCapable"] is True
    assert values["LSBackgroundOnly"] is False  # the bundle also holds a console executable
    assert values["CFBundleIconFile"] == layout.ICNS_FILE
    assert values["CFBundlePackageType"] == "APPL"


def test_launcher_knows_every_subcommand():
    from attendant.cli.main import _parser

    subparsers = next(action for action in _parser()._actions if action.dest == "command")
    assert set(subparsers.choices) == launcher.SUBCOMMANDS


# --- the Windows installer -------------------------------------------------------------


def _iss_defines() -> dict[str, str]:
    return dict(re.findall(r'^#define (\w+) "([^"]*)"', ISS.read_text(), flags=re.M))


def test_iss_installs_the_files_the_spec_builds():
    text = ISS.read_text(encoding="utf-8")
    defines = _iss_defines()
    assert defines["GuiExe"] == f"{layout.GUI_NAME}.exe"
    assert defines["CliExe"] == f"{layout.CLI_NAME}.exe"
    # DistDir and IconFile are relative to the script's folder (SourcePath).
    dist = re.search(r'^#define DistDir SourcePath \+ "([^"]+)"', text, flags=re.M).group(1)
    icon = re.search(r'^#define IconFile SourcePath \+ "([^"]+)"', text, flags=re.M).group(1)
    windows = ISS.parent
    assert (windows / dist.replace("\\", "/")).resolve() == ROOT / "dist" / layout.DIST_NAME
    assert (windows / icon.replace("\\", "/")).resolve() == ROOT / layout.ICON_DIR / "attendant.ico"
    sources = re.findall(r'^Source: "\{#DistDir\}\\([^"]+)"', text, flags=re.M)
    assert sources == ["{#GuiExe}", "{#CliExe}", "_internal\\*"]


def test_iss_paths_exist_in_a_built_bundle():
    """Every file the installer takes, in the bundle built here (.exe dropped off Windows)."""
    bundle = ROOT / "dist" / layout.DIST_NAME
    if not (bundle / "_internal").is_dir():
        pytest.skip("no bundle in dist/ (packaging/build.py makes one)")
    suffix = ".exe" if sys.platform == "win32" else ""
    for name in (layout.GUI_NAME, layout.CLI_NAME):
        assert (bundle / f"{name}{suffix}").is_file()
    assert (ROOT / layout.ICON_DIR / "attendant.ico").is_file()


def test_iss_offers_per_user_and_per_machine_installs():
    settings = dict(re.findall(r"^(\w+)=(.*)$", ISS.read_text(), flags=re.M))
    assert settings["PrivilegesRequired"] == "lowest"
    assert "dialog" in settings["PrivilegesRequiredOverridesAllowed"].split()
    assert settings["DefaultDirName"].startswith("{autopf}")
    assert re.fullmatch(r"\{\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", settings["AppId"])
    assert settings["UninstallDisplayIcon"] == "{app}\\{#GuiExe}"
    assert "{autoprograms}" in ISS.read_text()


def test_iss_documents_the_machine_wide_settings_file_platformdirs_reads(monkeypatch):
    """platformdirs on Windows: site_config_dir is site_data_dir, the known folder
    CSIDL_COMMON_APPDATA (C:\\ProgramData) joined with the app name alone (appauthor=False)."""
    import platformdirs.windows

    folders = {"CSIDL_COMMON_APPDATA": "C:\\ProgramData"}
    monkeypatch.setattr(platformdirs.windows, "get_win_folder", folders.__getitem__)
    site = platformdirs.windows.Windows("Attendant", appauthor=False, roaming=False)
    assert site.site_config_dir.replace("/", "\\") == "C:\\ProgramData\\Attendant"
    text = ISS.read_text()
    assert "C:\\ProgramData\\Attendant\\settings.toml" in text
    assert '{commonappdata}\\Attendant"; DestName: "settings.toml"' in text


# --- icons ----------------------------------------------------------------------------


def test_icon_files_have_every_size(tmp_path, qapp):  # a QApplication, as the ui tests need
    import icons

    icons.write_icons(tmp_path, (16, 32), (16, 32, 256))
    for size in (16, 32):
        png = (tmp_path / "png" / f"attendant-{size}.png").read_bytes()
        assert png.startswith(b"\x89PNG")
        assert struct.unpack(">II", png[16:24]) == (size, size)
    ico = (tmp_path / "attendant.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind, count) == (0, 1, 3)
    widths = [ico[6 + 16 * i] for i in range(count)]
    assert widths == [16, 32, 0]  # 0 means 256
    icns = (tmp_path / "attendant.icns").read_bytes()
    assert icns[:4] == b"icns"
    assert struct.unpack(">I", icns[4:8])[0] == len(icns)
    assert b"ic10" in icns and b"icp4" in icns


# --- the console with no standard streams, as in a windowed build ----------------------


def _run_python(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
        check=False,
    )


def _log_file() -> Path:
    from attendant.paths import app_paths

    return app_paths().log_file


def test_window_starts_and_quits_without_stdout_and_stderr(tmp_path):
    result = _run_python(
        """
        import sys
        sys.stdout = sys.stderr = None
        from attendant.cli import main
        sys.exit(main(["--quit-after", "0.5"]))
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    log = _log_file().read_text(encoding="utf-8")
    assert re.search(r"Window shown at \d+\.\d+", log), log
    assert "Attendant closed" in log
    assert "| ERROR" not in log and "| CRITICAL" not in log, log


def test_subcommand_of_the_windowed_launcher_runs_without_streams(tmp_path):
    result = _run_python(
        f"""
        import sys
        sys.path.insert(0, {str(PACKAGING)!r})
        sys.stdout = sys.stderr = None
        sys.argv = ["Attendant", "paths", "--json"]
        import launcher
        sys.exit(launcher.main())
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""


# --- lint: the quality gate covers attendant/, tests/ and bench/; this covers packaging/ --


def _ruff() -> str:
    local = Path(sys.executable).parent / "ruff"
    found = str(local) if local.exists() else shutil.which("ruff")
    if found is None:
        pytest.fail("ruff is not installed: install the test extra (pip install -e '.[test]')")
    return found


def test_packaging_scripts_pass_ruff():
    for command in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [_ruff(), *command, "packaging"], cwd=ROOT, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_no_qt_module_the_console_imports_is_left_out_of_the_bundle():
    """A Qt module left out of the bundle makes the packaged console fail at start."""
    used = {
        match
        for path in (ROOT / "attendant").rglob("*.py")
        for match in re.findall(r"from (PySide6\.Qt\w+) import", path.read_text(encoding="utf-8"))
    }
    assert "PySide6.QtNetwork" in used  # the single-instance socket and network information
    assert not used & set(layout.EXCLUDED_MODULES)
