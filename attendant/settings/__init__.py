"""Settings: one declarative schema, loading with migrations, atomic saves, secrets in keyring.

The file format is the contract in INTERFACES.md §2. :data:`SCHEMA` holds every key's
default, bounds, title and validation; the frozen :class:`Settings` takes its defaults from
it. :func:`load_settings` reports every problem with file, line and key and never changes a
file; :func:`save_settings` refuses to overwrite a file that does not parse or validate.
Passwords never go into the file: see :mod:`attendant.settings.secrets`.
"""

from attendant.settings.migrations import MIGRATIONS, Migration
from attendant.settings.model import (
    CalendarSettings,
    ExchangeSettings,
    GraphSettings,
    NetworkSettings,
    Office365Settings,
    PrivacySettings,
    Settings,
    WatchSettings,
    default_settings,
    validate_settings,
    with_value,
)
from attendant.settings.problems import Problem, SettingsError
from attendant.settings.render import settings_to_toml
from attendant.settings.schema import (
    BUILTIN_PROVIDERS,
    CURRENT_SCHEMA_VERSION,
    EXCHANGE_VERSIONS,
    SCHEMA,
    SECTIONS,
    FieldSpec,
    field_spec,
    validate_value,
)
from attendant.settings.secrets import (
    PASSWORD_ENV,
    SERVICE_NAME,
    SecretStoreUnavailable,
    delete_password,
    get_password,
    set_password,
)
from attendant.settings.store import LoadResult, load_settings, save_settings

__all__ = [
    "BUILTIN_PROVIDERS",
    "CURRENT_SCHEMA_VERSION",
    "EXCHANGE_VERSIONS",
    "MIGRATIONS",
    "PASSWORD_ENV",
    "SCHEMA",
    "SECTIONS",
    "SERVICE_NAME",
    "CalendarSettings",
    "ExchangeSettings",
    "FieldSpec",
    "GraphSettings",
    "LoadResult",
    "Migration",
    "NetworkSettings",
    "Office365Settings",
    "PrivacySettings",
    "Problem",
    "SecretStoreUnavailable",
    "Settings",
    "SettingsError",
    "WatchSettings",
    "default_settings",
    "delete_password",
    "field_spec",
    "get_password",
    "load_settings",
    "save_settings",
    "set_password",
    "settings_to_toml",
    "validate_settings",
    "validate_value",
    "with_value",
]
