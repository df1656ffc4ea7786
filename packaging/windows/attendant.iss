; Inno Setup 6 script of the Attendant installer for Windows 10 (1809) and newer, x64.
;
; Build the bundle first, then compile this script (packaging/build.py --installer does both):
;   python packaging\build.py
;   iscc packaging\windows\attendant.iss                 (version read from Attendant.exe)
;   iscc /DAppVersion=1.2.3 packaging\windows\attendant.iss
; Output: dist\Attendant-VERSION-setup.exe
;
; The installer asks whether to install for the current user only (no administrator rights,
; into %LOCALAPPDATA%\Programs\Attendant) or for all users (into Program Files). For
; unattended deployment:
;   Attendant-VERSION-setup.exe /VERYSILENT /ALLUSERS               all users, needs admin
;   Attendant-VERSION-setup.exe /VERYSILENT /CURRENTUSER            this user only
;   Attendant-VERSION-setup.exe /VERYSILENT /ALLUSERS /SETTINGS="\\server\share\settings.toml"
;
; Machine-wide (managed) settings: C:\ProgramData\Attendant\settings.toml, read by every
; user's Attendant below the user's own file (platformdirs' site_config_dir for
; appname="Attendant", appauthor=False: CSIDL_COMMON_APPDATA\Attendant). /SETTINGS=FILE copies
; FILE there in an all-users install; uninstalling leaves it, and every user's own settings,
; log and token cache, in place.

#define AppName "Attendant"
#define DistDir SourcePath + "..\..\dist\Attendant"
#define IconFile SourcePath + "..\..\build\icons\attendant.ico"
#define GuiExe "Attendant.exe"
#define CliExe "attendant-cli.exe"

#ifndef AppVersion
  ; The full version (PEP 440) that the build wrote into the executable.
  #define AppVersion GetStringFileInfo(DistDir + "\" + GuiExe, "ProductVersion")
#endif
#define AppNumericVersion GetVersionNumbersString(DistDir + "\" + GuiExe)

[Setup]
; AppId identifies the product for upgrades and the uninstaller: never change it.
AppId={{B7514E18-3496-4855-B554-F330BDBA52B0}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Attendant
AppComments=Attendant console: who is free, who is in a meeting and which room is free
VersionInfoVersion={#AppNumericVersion}
VersionInfoProductVersion={#AppNumericVersion}
VersionInfoProductTextVersion={#AppVersion}
VersionInfoDescription={#AppName} installer
; Per-user by default; the dialog (or /ALLUSERS) switches to a per-machine install.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog commandline
DefaultDirName={autopf}\{#AppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0.17763
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\{#GuiExe}
UninstallDisplayName={#AppName}
OutputDir={#SourcePath}..\..\dist
OutputBaseFilename=Attendant-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; A running console is closed (and restarted after the upgrade) through the Restart Manager.
CloseApplications=yes
RestartApplications=yes

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the bundled libraries wholesale, so no file of an older version lingers.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#DistDir}\{#GuiExe}"; DestDir: "{app}"; Flags: ignoreversion
Source: "{#DistDir}\{#CliExe}"; DestDir: "{app}"; Flags: ignoreversion
Source: "{#DistDir}\_internal\*"; DestDir: "{app}\_internal"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "{param:SETTINGS}"; DestDir: "{commonappdata}\Attendant"; DestName: "settings.toml"; Flags: external skipifsourcedoesntexist uninsneveruninstall; Check: DeploySettings

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#GuiExe}"; Comment: "Who is free, who is busy, which room is free"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#GuiExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#GuiExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
{ /SETTINGS=FILE is honoured only in an all-users install: C:\ProgramData is machine-wide. }
function DeploySettings: Boolean;
begin
  Result := IsAdminInstallMode and (ExpandConstant('{param:SETTINGS|}') <> '');
end;
