"""The ``attendant`` command line (INTERFACES.md §1): one module per subcommand.

No business logic lives here: each subcommand loads the settings, opens the provider through
:mod:`attendant.cli.session` and hands over to a service, then prints the result as text or as
the documented JSON.
"""

from attendant.cli.main import main

__all__ = ["main"]
