"""EWS plumbing shared by the ``exchange`` and ``office365`` providers (not a provider).

- :mod:`attendant.providers.tls` (shared with Graph) — whom HTTPS trusts (system store,
  certifi, ``network.ca_bundle``), whatever the environment says;
- :mod:`.protocol` — exchangelib pinned to one version, one attempt, no process-wide cache;
- :mod:`.errors` — HTTP statuses and exchangelib errors as Attendant's typed errors;
- :mod:`.timezone` — the request's time zone, built locally (no GetServerTimeZones);
- :mod:`.availability` — GetUserAvailability in batches of 100, mapped to the domain;
- :mod:`.fanout` — bounded concurrency that never multiplies a rejected password;
- :mod:`.client` — the operations both providers call;
- :mod:`.oauth` — exchangelib credentials whose tokens come from msal;
- :mod:`.diagnose` — the credential-free "Test Settings" steps.
"""
