"""The main window around the boards: menus, status bar, search and its remembered geometry."""
