"""What the board, the settings dialog and the window share: formatting of times and ages,
status colours and words, icons, the stylesheet and small widgets.
"""
