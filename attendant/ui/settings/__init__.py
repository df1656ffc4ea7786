"""The admin's "Calendar Integration Settings" dialog: provider pages, fields, the watch list,
sign-in, room discovery and Test Settings. It edits a copy of the settings and never writes
files itself (the composition root saves what it returns).
"""
